"""Text similarity: vectors stored at write time, queried from an in-process numpy matrix.

Score = 0.7 × semantic + 0.3 × lexical, where semantic is the cosine rescaled from the model's
"unrelated" floor to 1, and lexical the trigram overlap. Both parts are returned separately so
domains (e.g. near-duplicate detection) can add their own signals through ``rerank``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from domstadt.core.db import utcnow
from domstadt.core.errors import Invalid
from domstadt.core.text.embedders import Embedder, get_embedder
from domstadt.core.text.lexical import LEXICAL_VERSION, signature, signature_to_bytes
from domstadt.core.text.models import TextEmbedding
from domstadt.core.text.vector_cache import Snapshot, load_snapshot

MAX_LIMIT = 200
_EMBED_BATCH = 32
_KEY_CHUNK = 400

Key = tuple[str, int]


@dataclass(frozen=True)
class Weights:
    """How the semantic and lexical parts add up to a hit's score (without a model: lexical)."""

    semantic: float = 0.7
    lexical: float = 0.3


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class SimilarHit:
    """A stored text like the query: combined ``score``, raw ``cosine`` (None without a
    semantic model) and ``lexical`` trigram overlap in [0, 1]."""

    kind: str
    entity_id: int
    score: float
    cosine: float | None
    lexical: float


Rerank = Callable[[str, list[SimilarHit]], list[SimilarHit]]
"""Domain hook: gets the query text and a candidate pool (best first), returns the new order."""


def text_hash(text: str) -> str:
    """Hash of the text and the lexical algorithm version; unchanged hash means no recompute."""
    return hashlib.sha256(f"{LEXICAL_VERSION}\n{text}".encode("utf-8", "replace")).hexdigest()


def _check_kind(kind: str) -> None:
    if not kind or len(kind) > 64:
        raise Invalid("Die Art (kind) muss 1 bis 64 Zeichen lang sein.", field="kind")


def _existing(session: Session, keys: list[Key]) -> list[tuple[int, str, int, str, str]]:
    """(id, kind, entity_id, model, text_hash) of every stored row for ``keys``, any model."""
    rows: list[tuple[int, str, int, str, str]] = []
    for start in range(0, len(keys), _KEY_CHUNK):
        chunk = keys[start : start + _KEY_CHUNK]
        kinds = {kind for kind, _ in chunk}
        statement = select(
            TextEmbedding.id,
            TextEmbedding.kind,
            TextEmbedding.entity_id,
            TextEmbedding.model,
            TextEmbedding.text_hash,
        ).where(
            TextEmbedding.kind.in_(kinds),
            TextEmbedding.entity_id.in_({entity_id for _, entity_id in chunk}),
        )
        wanted = set(chunk)
        for row_id, kind, entity_id, model, row_hash in session.execute(statement):
            if (kind, entity_id) in wanted:
                rows.append((row_id, kind, entity_id, model, row_hash))
    return rows


def _plan(session: Session, items: dict[Key, str], model: str) -> tuple[list[Key], list[int]]:
    """Which keys need a new vector, and which stored rows are stale (to be deleted)."""
    hashes = {key: text_hash(value) for key, value in items.items()}
    fresh: set[Key] = set()
    stale: list[int] = []
    for row_id, kind, entity_id, row_model, row_hash in _existing(session, list(items)):
        key = (kind, entity_id)
        if row_hash == hashes[key]:
            if row_model == model:
                fresh.add(key)
        else:
            stale.append(row_id)
    return [key for key in items if key not in fresh], stale


def _store(session: Session, keys: list[Key], items: dict[Key, str], embedder: Embedder) -> None:
    """Embed the texts of ``keys`` in batches and insert one row each."""
    now = utcnow()
    for start in range(0, len(keys), _EMBED_BATCH):
        batch = keys[start : start + _EMBED_BATCH]
        texts = [items[key] for key in batch]
        vectors = embedder.embed(texts, kind="passage")
        for (kind, entity_id), value, vector in zip(batch, texts, vectors, strict=True):
            session.add(
                TextEmbedding(
                    kind=kind,
                    entity_id=entity_id,
                    model=embedder.name,
                    dim=embedder.dim,
                    vector=np.asarray(vector, dtype="<f4").tobytes(),
                    lexical=signature_to_bytes(signature(value)),
                    text_hash=text_hash(value),
                    text=value,
                    updated=now,
                )
            )
    session.flush()


def upsert_texts(
    session: Session, items: Iterable[tuple[str, int, str]], *, embedder: Embedder | None = None
) -> int:
    """Store vectors for many (kind, entity_id, text); returns how many were computed.

    Unchanged texts are skipped; a changed text replaces its row (new id) and drops rows of
    other models holding the old text, so no process ever compares against a stale vector.
    """
    active = embedder or get_embedder()
    wanted: dict[Key, str] = {}
    for kind, entity_id, value in items:
        _check_kind(kind)
        wanted[(kind, int(entity_id))] = value
    if not wanted:
        return 0
    to_compute, stale = _plan(session, wanted, active.name)
    for start in range(0, len(stale), _KEY_CHUNK):
        chunk = stale[start : start + _KEY_CHUNK]
        session.execute(delete(TextEmbedding).where(TextEmbedding.id.in_(chunk)))
    _store(session, to_compute, wanted, active)
    return len(to_compute)


def upsert_text(
    session: Session, *, kind: str, entity_id: int, text: str, embedder: Embedder | None = None
) -> bool:
    """Store the vector of one text at write time; False when the stored one was current."""
    return upsert_texts(session, [(kind, entity_id, text)], embedder=embedder) == 1


def remove_text(session: Session, *, kind: str, entity_id: int) -> None:
    """Forget every stored vector of ``kind``/``entity_id`` (all models)."""
    session.execute(
        delete(TextEmbedding).where(
            TextEmbedding.kind == kind, TextEmbedding.entity_id == entity_id
        )
    )


def backfill(session: Session, *, embedder: Embedder | None = None) -> int:
    """Embed texts stored only under other models (after a model change); returns the count."""
    active = embedder or get_embedder()
    have = {
        (kind, entity_id)
        for kind, entity_id in session.execute(
            select(TextEmbedding.kind, TextEmbedding.entity_id).where(
                TextEmbedding.model == active.name
            )
        )
    }
    todo: dict[Key, str] = {}
    others = (
        select(TextEmbedding.kind, TextEmbedding.entity_id, TextEmbedding.text)
        .where(TextEmbedding.model != active.name)
        .order_by(TextEmbedding.updated, TextEmbedding.id)
    )
    for kind, entity_id, value in session.execute(others):
        if (kind, entity_id) not in have:
            todo[(kind, entity_id)] = value
    return upsert_texts(session, [(k, e, t) for (k, e), t in todo.items()], embedder=active)


def _candidates(
    snapshot: Snapshot,
    scores: npt.NDArray[np.float32],
    kinds: Collection[str] | None,
    exclude: Collection[Key] | None,
    pool: int,
) -> npt.NDArray[np.intp]:
    """Positions of the ``pool`` best rows that pass the kind and exclusion filters."""
    allowed = np.ones(len(snapshot), dtype=bool)
    if kinds is not None:
        allowed &= snapshot.kind_mask(kinds)
    for kind, entity_id in exclude or ():
        allowed &= ~(snapshot.kind_mask([kind]) & (snapshot.entity_ids == entity_id))
    positions = np.flatnonzero(allowed)
    if positions.size > pool:
        top = np.argpartition(-scores[positions], pool - 1)[:pool]
        positions = positions[top]
    order = np.lexsort((snapshot.row_ids[positions], -scores[positions]))
    return positions[order]


def _scores(
    snapshot: Snapshot, text: str, embedder: Embedder, weights: Weights
) -> tuple[npt.NDArray[np.float32] | None, npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """(cosine or None, lexical, combined score) of ``text`` against every row."""
    lexical = snapshot.lexical.scores(signature(text))
    if embedder.dim == 0:
        return None, lexical, lexical
    query = embedder.embed([text], kind="query")[0]
    # einsum runs in numpy's own loop: a BLAS thread pool would fight e5's OpenMP threads.
    cosine = np.einsum("ij,j->i", snapshot.matrix, query)
    floor = np.float32(embedder.cosine_floor)
    semantic = np.clip((cosine - floor) / (np.float32(1.0) - floor), 0.0, 1.0)
    combined = np.float32(weights.semantic) * semantic + np.float32(weights.lexical) * lexical
    return cosine, lexical, combined.astype(np.float32)


def similar(
    session: Session,
    text: str,
    *,
    kinds: Collection[str] | None = None,
    limit: int = 10,
    exclude: Collection[Key] | None = None,
    embedder: Embedder | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
    rerank: Rerank | None = None,
) -> list[SimilarHit]:
    """Stored texts most like ``text``, best first; ``exclude`` holds (kind, entity_id) pairs.

    Only committed rows are compared. ``rerank`` sees a pool of 4 × ``limit`` candidates.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"Die Anzahl (limit) muss zwischen 1 und {MAX_LIMIT} liegen.", field="limit")
    active = embedder or get_embedder()
    snapshot = load_snapshot(session, active.name, active.dim)
    if len(snapshot) == 0 or not text.strip():
        return []
    cosine, lexical, combined = _scores(snapshot, text, active, weights)
    pool = limit * 4 if rerank else limit
    hits = [
        SimilarHit(
            kind=snapshot.kind_name(p),
            entity_id=int(snapshot.entity_ids[p]),
            score=float(combined[p]),
            cosine=None if cosine is None else float(cosine[p]),
            lexical=float(lexical[p]),
        )
        for p in _candidates(snapshot, combined, kinds, exclude, pool)
    ]
    if rerank is not None:
        hits = rerank(text, hits)
    return hits[:limit]
