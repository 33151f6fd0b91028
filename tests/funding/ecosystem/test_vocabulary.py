"""The competence vocabulary on real free tags: the competences Cologne organisations write
about themselves (KölnBusiness magazine, Fraunhofer IAIS, Railslove; see
tests/funding/ecosystem/data/SOURCES.md) and ESCO's own labels and synonyms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from domstadt.funding.ecosystem import cpv, vocabulary

DATA = Path(__file__).parent / "data"


def test_every_concept_comes_from_esco_with_both_languages() -> None:
    vocab = vocabulary.vocabulary()
    assert len(vocab.concepts) >= 50
    for c in vocab.concepts.values():
        assert c.esco_uri.startswith("http://data.europa.eu/esco/skill/")
        assert c.label_de and c.label_en and c.group in vocab.groups
    assert "CC BY 4.0" in vocab.source


@pytest.mark.parametrize(
    ("tag", "concept"),
    [
        ("KI", "kuenstliche-intelligenz"),
        ("ki", "kuenstliche-intelligenz"),
        ("Künstliche Intelligenz", "kuenstliche-intelligenz"),
        ("kuenstliche intelligenz", "kuenstliche-intelligenz"),
        ("artificial intelligence", "kuenstliche-intelligenz"),
        ("Maschinelles Lernen", "maschinelles-lernen"),
        ("machine learning", "maschinelles-lernen"),
        ("ML", "maschinelles-lernen"),
        ("Big Data", "big-data"),
        ("IoT", "internet-der-dinge"),
        ("Internet of Things", "internet-der-dinge"),
        ("Open-Data", "offene-daten"),
        ("offene Daten", "offene-daten"),
        ("GIS", "geoinformation"),
        ("geographic information systems", "geoinformation"),
        ("Barrierefreiheit (BITV)", "barrierefreiheit"),
        ("IT-Sicherheit", "cybersicherheit"),
        ("cybersecurity", "cybersicherheit"),
        ("Webentwicklung", "webentwicklung"),
        ("NLP", "sprachverarbeitung"),
    ],
)
def test_free_tags_map_onto_concepts(tag: str, concept: str) -> None:
    found = vocabulary.map_tag(tag)
    assert found is not None and found.id == concept


def test_real_tags_of_cologne_organisations() -> None:
    """Every tag of the sample is either mapped as expected or kept as a free tag."""
    sample = json.loads((DATA / "real_tags.json").read_text(encoding="utf-8"))
    for org in sample["organisations"]:
        concepts, free = vocabulary.map_tags(org["tags"])
        assert [c.id for c in concepts] == org["concepts"], org["name"]
        assert free == org["free"], org["name"]


def test_unmatched_tags_are_kept_never_dropped() -> None:
    concepts, free = vocabulary.map_tags(["Ruby on Rails", "KI", "Coworking", "ki"])
    assert [c.id for c in concepts] == ["kuenstliche-intelligenz"]
    assert free == ["Ruby on Rails", "Coworking"]


def test_concepts_named_in_a_measure_text() -> None:
    text = (
        "Bodenfeuchtesensoren melden, welche Straßenbäume Wasser brauchen. Die Messwerte "
        "erscheinen als Open Data; eine KI-gestützte Prognose plant das Gießen."
    )
    found = vocabulary.concepts_in_text(text)
    assert found["internet-der-dinge"] == "Bodenfeuchtesensoren"
    assert found["offene-daten"] == "Open Data"
    assert found["kuenstliche-intelligenz"] == "KI"
    # short labels count only when written as the abbreviation, not inside other words
    assert "kuenstliche-intelligenz" not in vocabulary.concepts_in_text("Wir kitten die Fugen.")
    assert "ux-design" not in vocabulary.concepts_in_text("ux luxuriös")


def test_cpv_codes_validate_against_the_list() -> None:
    assert len(cpv.codes()) == 9454
    assert cpv.normalise("72000000") == "72000000-5"
    assert cpv.normalise(" 72000000-5 ") == "72000000-5"
    assert cpv.label("72000000-5").startswith("IT-Dienste")
    assert cpv.label("72212000-4", "en") == "Programming services of application software"
    assert sum(1 for c in cpv.codes() if c[:2] in ("48", "72", "73")) == 476
    for bad, words in (("72000000-1", "Prüfziffer"), ("12345678", "gibt es"), ("abc", "acht")):
        with pytest.raises(cpv.UnknownCode, match=words):
            cpv.normalise(bad)
    assert cpv.related("72000000-5", "72212000-4") == "under"
    assert cpv.related("72212000-4", "72230000-6") == "group"
    assert cpv.related("48000000-8", "72000000-5") is None


def test_cli_maps_tags() -> None:
    from typer.testing import CliRunner

    from domstadt.cli import app

    result = CliRunner().invoke(app, ["ecosystem", "tags", "KI", "Kölsch"])
    assert result.exit_code == 0, result.output
    assert "KI → Künstliche Intelligenz (http://data.europa.eu/esco/skill/" in result.output
    assert "Kölsch → freies Schlagwort" in result.output
