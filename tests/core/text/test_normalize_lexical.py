"""German folding, query terms and trigram overlap (pure functions, no database)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from domstadt.core.text.lexical import (
    LexicalMatrix,
    lexical_similarity,
    overlap,
    signature,
    signature_from_bytes,
    signature_to_bytes,
)
from domstadt.core.text.normalize import fold, query_terms, spelling_variants, words


@pytest.mark.parametrize(
    ("word", "folded"),
    [("bäume", "baeume"), ("baeume", "baeume"), ("straße", "strasse"), ("café", "cafe")],
)
def test_fold(word: str, folded: str) -> None:
    assert fold(word) == folded


def test_words_and_query_terms() -> None:
    assert words('Bäume "AND" (Kalk)*') == ["bäume", "and", "kalk"]
    assert query_terms("die Bäume in der Stadt, die Bäume") == ["bäume", "stadt"]
    assert query_terms("die der das") == ["die", "der", "das"]
    assert query_terms("!!! --- ()") == []
    assert len(query_terms(" ".join(f"wort{i}" for i in range(50)))) == 12


@pytest.mark.parametrize(
    ("term", "variant"),
    [("strasse", "straße"), ("straße", "strasse"), ("koeln", "köln"), ("baeume", "bäume")],
)
def test_spelling_variants(term: str, variant: str) -> None:
    assert spelling_variants(term)[0] == term
    assert variant in spelling_variants(term)


def test_spelling_variants_leave_plain_diphthongs_alone() -> None:
    assert spelling_variants("neue") == ["neue"]
    assert spelling_variants("quelle") == ["quelle"]


def test_lexical_similarity_is_meaningful_for_german() -> None:
    assert lexical_similarity("Bäume in Kalk", "Baeume in Kalk") == pytest.approx(1.0)
    compound = lexical_similarity("Bäume", "Straßenbäume am Ring")
    unrelated = lexical_similarity("Bäume", "Schwimmbad sanieren")
    assert compound > 0.3 > unrelated
    near = lexical_similarity("Bäume pflanzen in Kalk", "Bäume fällen in Kalk")
    assert 0.3 < near < 1.0
    assert lexical_similarity("", "Bäume") == 0.0


def test_lexical_matrix_matches_pairwise_overlap() -> None:
    texts = ["Bäume in Kalk", "Radweg Venloer Straße", "", "Kalker Bäume fällen"]
    sigs = [signature(t) for t in texts]
    query = signature("Bäume für Kalk")
    scores = LexicalMatrix(sigs).scores(query)
    assert scores.dtype == np.float32
    assert scores == pytest.approx([overlap(query, s) for s in sigs], abs=1e-6)
    assert LexicalMatrix([]).scores(query).shape == (0,)


@given(st.text(max_size=300))
def test_signatures_round_trip_and_stay_in_range(text: str) -> None:
    sig = signature(text)
    assert np.array_equal(signature_from_bytes(signature_to_bytes(sig)), sig)
    assert sig.size == 0 or (int(sig.max()) < 2**20 and bool(np.all(np.diff(sig) > 0)))
