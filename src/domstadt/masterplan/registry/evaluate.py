"""Precision and recall of duplicate detection on labelled pairs, beside a plain-cosine baseline.

The base score of a pair is computed exactly as core similarity scores a stored text against a
query (query embedding of the left text, passage embedding of the right one).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from domstadt.core.text import Embedder, lexical_similarity
from domstadt.core.text.similarity import DEFAULT_WEIGHTS
from domstadt.masterplan.registry.signals import assess


@dataclass(frozen=True)
class PairScore:
    """One labelled pair with its raw cosine, base score and the platform's verdict."""

    kind: str
    label: bool
    cosine: float | None
    base: float
    duplicate: bool


@dataclass(frozen=True)
class Metrics:
    """Precision, recall and F1 of a yes/no judgement against the labels."""

    precision: float
    recall: float
    f1: float
    false_positives: int
    false_negatives: int


def load_pairs(path: Path) -> list[dict[str, Any]]:
    """Read a labelled pair file (list of {kind, a, b, duplicate})."""
    data: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def base_scores(
    pairs: list[dict[str, Any]], embedder: Embedder
) -> list[tuple[float | None, float]]:
    """(cosine, base score) for each pair, as core similarity would score them."""
    lexical = [lexical_similarity(p["a"], p["b"]) for p in pairs]
    if embedder.dim == 0:
        return [(None, lex) for lex in lexical]
    queries = embedder.embed([p["a"] for p in pairs], kind="query")
    passages = embedder.embed([p["b"] for p in pairs], kind="passage")
    cosines = np.sum(queries * passages, axis=1)
    floor = embedder.cosine_floor
    out: list[tuple[float | None, float]] = []
    for cos, lex in zip(cosines, lexical, strict=True):
        semantic = min(max((float(cos) - floor) / (1.0 - floor), 0.0), 1.0)
        out.append(
            (float(cos), DEFAULT_WEIGHTS.semantic * semantic + DEFAULT_WEIGHTS.lexical * lex)
        )
    return out


def score_pairs(pairs: list[dict[str, Any]], embedder: Embedder) -> list[PairScore]:
    """The platform's verdict on every pair."""
    semantic = embedder.dim > 0
    return [
        PairScore(
            kind=p["kind"],
            label=bool(p["duplicate"]),
            cosine=cos,
            base=base,
            duplicate=assess(p["a"], p["b"], base, semantic=semantic).duplicate,
        )
        for p, (cos, base) in zip(pairs, base_scores(pairs, embedder), strict=True)
    ]


def metrics(labels: list[bool], predicted: list[bool]) -> Metrics:
    """Precision/recall/F1 of ``predicted`` against ``labels``."""
    tp = sum(1 for y, p in zip(labels, predicted, strict=True) if y and p)
    fp = sum(1 for y, p in zip(labels, predicted, strict=True) if not y and p)
    fn = sum(1 for y, p in zip(labels, predicted, strict=True) if y and not p)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Metrics(precision, recall, f1, fp, fn)


def best_threshold(values: list[float], labels: list[bool]) -> tuple[float, Metrics]:
    """The cut-off on ``values`` with the best F1 (an optimistic baseline: tuned on the test)."""
    best: tuple[float, Metrics] = (1.0, metrics(labels, [False] * len(labels)))
    for cut in sorted(set(values)):
        result = metrics(labels, [v >= cut for v in values])
        if result.f1 > best[1].f1:
            best = (cut, result)
    return best
