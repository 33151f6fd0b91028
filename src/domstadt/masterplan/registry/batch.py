"""Near duplicates among the rows of one import file (helpers of the import service).

Core similarity compares only committed texts, so rows written in the same transaction do not
see each other there. This module scores each new row against the rows before it in the file
the way core similarity does (query embedding against stored passage vectors, plus trigram
overlap, weighted 0.7/0.3; lexical only without a model) and lets :mod:`signals` judge the
best candidates, so a file holding the same project twice gets a suggestion for the review
queue like any other duplicate.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core.text import Weights, get_embedder
from domstadt.core.text.embedders import Embedder
from domstadt.core.text.lexical import LexicalMatrix, signature
from domstadt.core.text.models import TextEmbedding
from domstadt.masterplan.registry.duplicates import KIND, POOL_FACTOR, SUGGEST_LIMIT
from domstadt.masterplan.registry.judgement import assess
from domstadt.masterplan.registry.models import DuplicateSuggestion, SuggestionStatus

CHUNK = 500
WEIGHTS = Weights()


def _passages(session: Session, ids: list[int], texts: list[str], embedder: Embedder) -> np.ndarray:
    """The rows' stored passage vectors (written by the insert in this transaction)."""
    found: dict[int, bytes] = {}
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(TextEmbedding.entity_id, TextEmbedding.vector).where(
                TextEmbedding.kind == KIND,
                TextEmbedding.model == embedder.name,
                TextEmbedding.entity_id.in_(ids[start : start + CHUNK]),
            )
        )
        found.update({entity_id: vector for entity_id, vector in rows})
    if len(found) < len(ids):
        return np.asarray(embedder.embed(texts, kind="passage"), dtype=np.float32)
    return np.stack([np.frombuffer(found[i], dtype="<f4") for i in ids]).astype(np.float32)


def _scores(
    i: int,
    lexical: LexicalMatrix,
    signatures: list[npt.NDArray[np.uint32]],
    queries: np.ndarray | None,
    passages: np.ndarray | None,
    floor: float,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32] | None]:
    """Combined score and raw cosine (None without a model) of row ``i`` against rows 0 … i-1."""
    lex = lexical.scores(signatures[i])[:i]
    if queries is None or passages is None:
        return lex, None
    cosine = np.einsum("ij,j->i", passages[:i], queries[i])
    semantic = np.clip((cosine - floor) / (1.0 - floor), 0.0, 1.0)
    return (WEIGHTS.semantic * semantic + WEIGHTS.lexical * lex).astype(np.float32), cosine


def suggest_within(session: Session, ids: list[int], texts: list[str]) -> int:
    """Store open suggestions for rows judged duplicates of earlier rows of the same file."""
    if len(ids) < 2:
        return 0
    embedder = get_embedder()
    signatures = [signature(t) for t in texts]
    lexical = LexicalMatrix(signatures)
    queries = passages = None
    if embedder.dim:
        queries = np.asarray(embedder.embed(texts, kind="query"), dtype=np.float32)
        passages = _passages(session, ids, texts, embedder)
    created = 0
    for i in range(1, len(ids)):
        floor = embedder.cosine_floor
        scores, cosines = _scores(i, lexical, signatures, queries, passages, floor)
        pool = np.argsort(-scores, kind="stable")[: SUGGEST_LIMIT * POOL_FACTOR]
        verdicts = [
            (int(j), assess(texts[i], texts[j], float(scores[j]), floor=floor,
                            cosine=None if cosines is None else float(cosines[j])))
            for j in pool
        ]  # fmt: skip
        found = sorted((v for v in verdicts if v[1].duplicate), key=lambda v: -v[1].score)
        for j, verdict in found[:SUGGEST_LIMIT]:
            session.add(
                DuplicateSuggestion(
                    initiative_id=ids[i], other_kind=KIND, other_id=ids[j],
                    score=round(verdict.score, 4), status=SuggestionStatus.OPEN,
                    reasons=[f"Ähnlichkeit {verdict.base:.2f}", "in derselben Importdatei"],
                    decided_by="", decision_note="",
                )
            )  # fmt: skip
            created += 1
    session.flush()
    return created
