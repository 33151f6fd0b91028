"""Text similarity with the real models on the migrated database: ranking, storage, caching."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from domstadt.core.db import Database
from domstadt.core.errors import Invalid
from domstadt.core.text import (
    SimilarHit,
    active_embedder_info,
    backfill,
    get_embedder,
    remove_text,
    select_embedder,
    similar,
    upsert_text,
    upsert_texts,
)
from domstadt.core.text.embedders import E5Embedder, EmbedKind, LexicalEmbedder, Vectors
from domstadt.core.text.models import TextEmbedding

PROPOSALS = {
    1: "Mehr Bäume in der Innenstadt pflanzen, damit es im Sommer kühler wird",
    2: "Die Öffnungszeiten des Bürgeramts in Porz sollen verlängert werden",
    3: "Radweg auf der Venloer Straße ausbauen",
    4: "Schwimmbad in Chorweiler sanieren",
    5: "Kostenloses WLAN in allen Stadtbahnen der KVB",
    6: "Sensoren zur Messung der Luftqualität am Neumarkt",
}
PARAPHRASE = "Die Stadt soll zusätzliche Straßenbäume setzen, um die Hitze in der City zu senken"


class Counting:
    """A real embedder that counts the texts it was asked to embed."""

    def __init__(self, inner: E5Embedder | LexicalEmbedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.cosine_floor = inner.cosine_floor
        self.embedded = 0

    def embed(self, texts: list[str], *, kind: EmbedKind) -> Vectors:
        self.embedded += len(texts)
        return self.inner.embed(texts, kind=kind)


def _store(db: Database, embedder: E5Embedder | LexicalEmbedder) -> None:
    with db.session() as session:
        items = [("proposal", number, text) for number, text in PROPOSALS.items()]
        assert upsert_texts(session, items, embedder=embedder) == len(PROPOSALS)


def test_e5_vectors_are_normalised_float32(e5: E5Embedder) -> None:
    vectors = e5.embed(["Bäume", "Köln " * 5_000, "\ud800 \x00 kaputt", ""], kind="passage")
    assert vectors.dtype == np.float32 and vectors.shape == (4, 384)
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-4)
    assert e5.embed([], kind="query").shape == (0, 384)


def test_paraphrase_ranks_above_unrelated_with_e5(db: Database, e5: E5Embedder) -> None:
    _store(db, e5)
    with db.session() as session:
        hits = similar(session, PARAPHRASE, embedder=e5, limit=len(PROPOSALS))
    assert hits[0].entity_id == 1
    assert all(hits[0].score > hit.score for hit in hits[1:])
    assert hits[0].cosine is not None and hits[-1].cosine is not None
    assert hits[0].cosine > max(hit.cosine or 0.0 for hit in hits[1:])
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_lexical_only_ranks_by_trigram_overlap(db: Database, lexical: LexicalEmbedder) -> None:
    _store(db, lexical)
    with db.session() as session:
        hits = similar(session, "Radwege an der Venloer Strasse", embedder=lexical, limit=3)
    assert hits[0].entity_id == 3
    assert hits[0].cosine is None and hits[0].score == hits[0].lexical > 0


def test_forced_lexical_selection(keep_active_embedder: None) -> None:
    embedder = select_embedder("lexical")
    assert isinstance(embedder, LexicalEmbedder)
    assert get_embedder() is embedder
    info = active_embedder_info()
    assert info["name"] == "lexical" and info["dim"] == 0
    assert "lexical" in info["reason"]


def test_auto_selection_prefers_e5(e5: E5Embedder, keep_active_embedder: None) -> None:
    embedder = select_embedder("auto")
    assert embedder.name == e5.name
    assert active_embedder_info()["dim"] == 384


def test_unknown_preference_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown embedding preference"):
        select_embedder("gpt")


def test_same_text_is_not_embedded_twice(db: Database, e5: E5Embedder) -> None:
    counting = Counting(e5)
    with db.session() as session:
        assert upsert_text(session, kind="idea", entity_id=1, text="Bäume", embedder=counting)
    with db.session() as session:
        first = session.scalars(select(TextEmbedding)).one()
        assert not upsert_text(session, kind="idea", entity_id=1, text="Bäume", embedder=counting)
    assert counting.embedded == 1
    with db.session() as session:
        assert session.scalars(select(TextEmbedding)).one().id == first.id
        assert upsert_text(session, kind="idea", entity_id=1, text="Mehr Bäume", embedder=counting)
    assert counting.embedded == 2
    with db.session() as session:
        row = session.scalars(select(TextEmbedding)).one()
    assert row.id != first.id and row.text == "Mehr Bäume" and row.model == e5.name
    assert np.frombuffer(row.vector, dtype="<f4").shape == (384,)


def test_changed_text_drops_other_models_stale_rows(
    db: Database, e5: E5Embedder, lexical: LexicalEmbedder
) -> None:
    with db.session() as session:
        upsert_text(session, kind="idea", entity_id=1, text="Bäume", embedder=lexical)
        upsert_text(session, kind="idea", entity_id=1, text="Bäume", embedder=e5)
        assert len(session.scalars(select(TextEmbedding)).all()) == 2
        upsert_text(session, kind="idea", entity_id=1, text="Radwege", embedder=e5)
        rows = session.scalars(select(TextEmbedding)).all()
    assert [(row.model, row.text) for row in rows] == [(e5.name, "Radwege")]


def test_backfill_embeds_texts_known_only_to_other_models(
    db: Database, e5: E5Embedder, lexical: LexicalEmbedder
) -> None:
    _store(db, lexical)
    with db.session() as session:
        assert backfill(session, embedder=e5) == len(PROPOSALS)
    with db.session() as session:
        assert backfill(session, embedder=e5) == 0
        assert similar(session, PARAPHRASE, embedder=e5, limit=1)[0].entity_id == 1


def test_remove_kinds_and_exclude(db: Database, lexical: LexicalEmbedder) -> None:
    _store(db, lexical)
    with db.session() as session:
        upsert_text(session, kind="comment", entity_id=1, text=PROPOSALS[3], embedder=lexical)
    query = "Radweg Venloer Straße"
    with db.session() as session:
        both = similar(session, query, embedder=lexical, limit=2)
        assert {(h.kind, h.entity_id) for h in both} == {("proposal", 3), ("comment", 1)}
        only = similar(session, query, embedder=lexical, kinds=["comment"])
        assert [(h.kind, h.entity_id) for h in only] == [("comment", 1)]
        hits = similar(session, query, embedder=lexical, exclude=[("proposal", 3)], limit=1)
        assert (hits[0].kind, hits[0].entity_id) == ("comment", 1)
        remove_text(session, kind="comment", entity_id=1)
    with db.session() as session:
        assert similar(session, query, embedder=lexical, limit=1)[0].entity_id == 3
        assert similar(session, query, embedder=lexical, kinds=["comment"]) == []


def test_other_process_writes_are_seen(db: Database, lexical: LexicalEmbedder) -> None:
    _store(db, lexical)
    other = Database(db.url)  # a second engine stands in for another web process
    try:
        with db.session() as session:
            assert similar(session, "Freibad Chorweiler", embedder=lexical)[0].entity_id == 4
        with other.session() as session:
            remove_text(session, kind="proposal", entity_id=4)
            upsert_text(session, kind="proposal", entity_id=9, text="Freibad", embedder=lexical)
            upsert_text(session, kind="proposal", entity_id=3, text="Chorweiler", embedder=lexical)
        with db.session() as session:
            hits = similar(session, "Freibad Chorweiler", embedder=lexical, limit=10)
    finally:
        other.dispose()
    assert {h.entity_id for h in hits[:2]} == {3, 9}
    assert 4 not in {h.entity_id for h in hits}


def test_uncommitted_rows_are_not_compared(db: Database, lexical: LexicalEmbedder) -> None:
    with db.session() as session:
        upsert_text(
            session, kind="idea", entity_id=1, text="Seilbahn über den Rhein", embedder=lexical
        )
        assert similar(session, "Seilbahn", embedder=lexical) == []
    with db.session() as session:
        assert similar(session, "Seilbahn", embedder=lexical)[0].entity_id == 1


def test_rerank_hook_sees_parts_and_decides(db: Database, e5: E5Embedder) -> None:
    _store(db, e5)
    seen: list[SimilarHit] = []

    def prefer_lexical(query: str, hits: list[SimilarHit]) -> list[SimilarHit]:
        seen.extend(hits)
        return sorted(hits, key=lambda hit: hit.lexical, reverse=True)

    with db.session() as session:
        hits = similar(session, "Radweg in Porz", embedder=e5, limit=2, rerank=prefer_lexical)
    assert len(seen) == len(PROPOSALS) and len(hits) == 2
    assert hits[0].lexical >= hits[1].lexical
    assert all(h.cosine is not None for h in seen)


def test_near_duplicate_parts_are_exposed(db: Database, e5: E5Embedder) -> None:
    with db.session() as session:
        upsert_text(session, kind="idea", entity_id=1, text="Bäume fällen in Kalk", embedder=e5)
    with db.session() as session:
        hit = similar(session, "Bäume pflanzen in Kalk", embedder=e5)[0]
    assert hit.cosine is not None and 0 < hit.lexical < 1
    assert hit.score < 1


def test_limit_is_checked_and_empty_inputs_find_nothing(
    db: Database, lexical: LexicalEmbedder
) -> None:
    with db.session() as session:
        assert similar(session, "Bäume", embedder=lexical) == []
        assert upsert_texts(session, [], embedder=lexical) == 0
        with pytest.raises(Invalid):
            similar(session, "Bäume", embedder=lexical, limit=0)
        with pytest.raises(Invalid):
            upsert_text(session, kind="", entity_id=1, text="x", embedder=lexical)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query=st.text(max_size=200))
def test_any_text_as_similarity_query_never_raises(
    db: Database, lexical: LexicalEmbedder, query: str
) -> None:
    with db.session() as session:
        upsert_text(session, kind="idea", entity_id=1, text="Bäume in Kalk", embedder=lexical)
    with db.session() as session:
        hits = similar(session, query, embedder=lexical, limit=3)
    assert all(0.0 <= hit.score <= 1.0 for hit in hits)
