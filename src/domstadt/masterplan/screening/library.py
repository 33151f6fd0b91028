"""The reference cases: German (and a few European) public-sector AI use cases shipped with
Domstadt, and the search for the cases most like a measure.

The cases are imported into the best-practice library (source ``reference_cases``); the
screening searches the library's practices (``funding.practice_service.screening_cases``,
handed in as ``pool``) and falls back to the shipped file while the library is empty."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel

from domstadt.core.text import get_embedder, lexical_similarity

PROVEN_SCORE = 0.5
"""A reference case at least this similar counts as evidence that the idea was tried elsewhere."""


class ReferenceCase(BaseModel):
    """One documented use of AI in a public administration."""

    id: int
    title: str
    description: str
    technique: str
    technique_key: str
    domain: str
    place: str
    country: str
    outcome: str


class CaseMatch(BaseModel):
    """A reference case and how similar it is to the screened measure."""

    case: ReferenceCase
    score: float


@lru_cache(maxsize=1)
def cases() -> tuple[ReferenceCase, ...]:
    """All reference cases, in file order."""
    raw = resources.files("domstadt.masterplan.screening") / "data" / "reference_cases.json"
    data = json.loads(raw.read_text(encoding="utf-8"))
    return tuple(ReferenceCase.model_validate(item) for item in data)


@lru_cache(maxsize=4)
def _vectors(model: str) -> npt.NDArray[np.float32]:
    embedder = get_embedder()
    return embedder.embed([_case_text(c) for c in cases()], kind="passage")


POOL_CACHE_SIZE = 20_000
"""How many library texts keep their vector in memory (a 384-dim vector is 1.5 KiB)."""
_pool_cache: dict[tuple[str, str], npt.NDArray[np.float32]] = {}
_pool_lock = threading.Lock()


def _pool_vectors(model: str, texts: tuple[str, ...]) -> npt.NDArray[np.float32]:
    """The vectors of ``texts``; only texts not seen before are embedded (a practice added
    or edited costs one embedding, not the whole library's)."""
    with _pool_lock:
        missing = list(dict.fromkeys(t for t in texts if (model, t) not in _pool_cache))
    if missing:
        fresh = get_embedder().embed(missing, kind="passage")
        with _pool_lock:
            if len(_pool_cache) + len(missing) > POOL_CACHE_SIZE:
                _pool_cache.clear()
            _pool_cache.update({(model, t): v for t, v in zip(missing, fresh, strict=True)})
    with _pool_lock:
        known = [_pool_cache.get((model, t)) for t in texts]
    if any(v is None for v in known):  # cleared by another thread meanwhile
        return get_embedder().embed(list(texts), kind="passage")
    return np.stack([v for v in known if v is not None])


def warm(pool: Sequence[ReferenceCase]) -> None:
    """Embed ``pool`` (the library's cases) ahead of the first screening page."""
    embedder = get_embedder()
    if embedder.dim and pool:
        _pool_vectors(embedder.name, tuple(_case_text(c) for c in pool))


def _case_text(case: ReferenceCase) -> str:
    return f"{case.title}. {case.description}"


def most_similar(
    text: str, limit: int = 3, pool: Sequence[ReferenceCase] | None = None
) -> list[CaseMatch]:
    """The cases most like ``text``: 0.7 × cosine (semantic model) + 0.3 × trigram overlap;
    ``pool`` is the cases to search (the best-practice library's), else the shipped file."""
    found = tuple(pool) if pool else cases()
    embedder = get_embedder()
    lexical = np.array([lexical_similarity(text, f"{c.title} {c.description}") for c in found])
    if embedder.dim:
        query = embedder.embed([text], kind="query")[0]
        floor = embedder.cosine_floor
        if pool:
            vectors = _pool_vectors(embedder.name, tuple(_case_text(c) for c in found))
        else:
            vectors = _vectors(embedder.name)
        cosine = np.clip((vectors @ query - floor) / (1 - floor), 0, 1)
        scores = 0.7 * cosine + 0.3 * lexical
    else:
        scores = lexical
    order = np.argsort(-scores)[:limit]
    return [CaseMatch(case=found[i], score=round(float(scores[i]), 3)) for i in order]


def technique_from(matches: list[CaseMatch]) -> tuple[str, str] | None:
    """The technique most of the similar cases used, with the reason shown to reviewers."""
    if not matches:
        return None
    counts = Counter(m.case.technique for m in matches)
    technique, _ = counts.most_common(1)[0]
    examples = ", ".join(m.case.place for m in matches if m.case.technique == technique)
    return technique, f"in den ähnlichsten Referenzfällen eingesetzt ({examples})"
