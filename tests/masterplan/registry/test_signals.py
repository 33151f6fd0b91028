"""The duplicate judgement on its own: hard negatives of the issue, paraphrases, the labelled
evaluation set and the list of Cologne's places."""

from __future__ import annotations

from pathlib import Path

import pytest

from domstadt.core.text.embedders import E5Embedder
from domstadt.masterplan.registry.evaluate import (
    cosines,
    inputs,
    load_pairs,
    metrics,
    score_pairs,
)
from domstadt.masterplan.registry.places import STADTBEZIRKE, places_in, stadtteile
from domstadt.masterplan.registry.signals import conflicts_between

DATA = Path(__file__).parent / "data" / "duplicate_pairs.json"

HARD_NEGATIVES = [
    ("Bäume pflanzen in Kalk", "Bäume fällen in Kalk", "Handlung"),
    ("Bäume pflanzen in Kalk", "Bäume pflanzen in Porz", "Ort"),
    (
        "Digitale Sprechstunde für Senioren in Ehrenfeld",
        "Digitale Sprechstunde für Schüler in Ehrenfeld",
        "Zielgruppe",
    ),
    ("Digitalisierungsstrategie 2025", "Digitalisierungsstrategie 2030", "Jahr"),
]
PARAPHRASES = [
    ("Bäume pflanzen in Kalk", "In Kalk werden neue Bäume gepflanzt"),
    (
        "Kostenloses WLAN in allen Stadtbibliotheken",
        "Freies Internet per WLAN in den Bibliotheken der Stadt",
    ),
    ("Online-Terminvergabe für das Bürgeramt", "Termine im Bürgeramt künftig online buchen"),
]  # fmt: skip


@pytest.mark.parametrize(("left", "right", "facet"), HARD_NEGATIVES)
def test_hard_negatives_name_what_differs(left: str, right: str, facet: str) -> None:
    reasons = [c.describe() for c in conflicts_between(left, right)]
    assert any(r.startswith(facet) for r in reasons), reasons


@pytest.mark.parametrize(("left", "right"), PARAPHRASES)
def test_paraphrases_have_no_conflict(left: str, right: str) -> None:
    assert conflicts_between(left, right) == ()


def test_a_quarter_lies_in_its_district_and_long_texts_compare_sentence_by_sentence() -> None:
    assert conflicts_between("Neue Bäume in Vingst", "Neue Bäume im Bezirk Kalk") == ()
    left = "Wir pflanzen Bäume in Kalk. Außerdem gibt es ein Fest in Porz."
    right = "Neue Bäume werden in Deutz gepflanzt. Außerdem gibt es ein Fest in Porz."
    assert [c.facet for c in conflicts_between(left, right)] == ["place"]


def test_cologne_has_9_districts_and_86_quarters() -> None:
    assert len(STADTBEZIRKE) == 9 and len(stadtteile()) == 86
    assert places_in("Sprechstunde in Porz-Zündorf") == {"bezirk:porz", "teil:zuendorf"}
    assert places_in("weiße Wände") == frozenset()


def test_evaluation_set_is_large_and_has_every_kind_of_hard_negative() -> None:
    pairs = load_pairs(DATA)
    kinds = {p["kind"] for p in pairs}
    assert len(pairs) >= 60
    assert {"neg_action", "neg_place", "neg_group", "neg_number", "paraphrase"} <= kinds


def test_plain_cosine_is_fooled_where_the_judgement_is_not(e5: E5Embedder) -> None:
    pairs = load_pairs(DATA)
    scored = score_pairs(pairs, inputs(pairs, cosines(pairs, e5), e5.cosine_floor))
    hard = [s for s in scored if s.kind in ("neg_action", "neg_place", "neg_group")]
    cosine_cut = min(s.cosine or 0.0 for s in scored if s.label)
    fooled = [s for s in hard if (s.cosine or 0.0) >= cosine_cut]
    assert len(fooled) > len(hard) / 2, "plain cosine should be fooled by most hard negatives"
    assert sum(s.duplicate for s in hard) <= len(hard) / 10
    ours = metrics([s.label for s in scored], [s.duplicate for s in scored])
    assert ours.precision >= 0.85 and ours.recall >= 0.8, ours
