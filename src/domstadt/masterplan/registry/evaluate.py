"""Precision, recall and hard-negative false positives of duplicate detection on labelled pairs
(tests/masterplan/registry/data/duplicate_eval.json), and the signal matrix to fit on.

A pair is scored exactly as core similarity scores a stored text against a query (query
embedding of the left text, passage embedding of the right one) and then judged by
:mod:`judgement`. Pairs carry ``split`` (``dev`` / ``held_out``): weights and threshold are
fitted on ``dev`` only; figures are reported on ``held_out``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from domstadt.core.text import Embedder, lexical_similarity
from domstadt.core.text.similarity import DEFAULT_WEIGHTS
from domstadt.masterplan.registry.judgement import (
    Model,
    PairInput,
    decide,
    features,
    model_for,
    ranking_score,
    semantic,
)
from domstadt.masterplan.registry.signals import conflicts_between

POSITIVE_KINDS = frozenset({"duplicate", "paraphrase"})
EASY_KINDS = frozenset({"unrelated"})
"""Every other negative kind is a hard negative (same place, topic, action … different thing)."""


@dataclass(frozen=True)
class PairScore:
    """One labelled pair: its kind, label, raw cosine, base score, probability and verdict."""

    kind: str
    label: bool
    cosine: float | None
    base: float
    probability: float
    duplicate: bool


@dataclass(frozen=True)
class Metrics:
    """Precision, recall and F1 of a yes/no judgement against the labels."""

    precision: float
    recall: float
    f1: float
    false_positives: int
    false_negatives: int


def load_pairs(path: Path, split: str | None = None) -> list[dict[str, Any]]:
    """Read a labelled pair file (list of {kind, a, b, duplicate, split}), one split or all."""
    data: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return [p for p in data if split is None or p.get("split") == split]


def is_hard_negative(pair: dict[str, Any]) -> bool:
    """A non-duplicate that shares place, topic or wording with its partner."""
    return not pair["duplicate"] and pair["kind"] not in EASY_KINDS


def cosines(pairs: list[dict[str, Any]], embedder: Embedder) -> list[float | None]:
    """Query/passage cosine of each pair (None without a semantic model)."""
    if embedder.dim == 0:
        return [None] * len(pairs)
    queries = embedder.embed([p["a"] for p in pairs], kind="query")
    passages = embedder.embed([p["b"] for p in pairs], kind="passage")
    return [float(c) for c in np.sum(queries * passages, axis=1)]


def inputs(pairs: list[dict[str, Any]], raw: list[float | None], floor: float) -> list[PairInput]:
    """What the judgement sees of each pair."""
    return [
        PairInput(p["a"], p["b"], cos, floor, conflicts_between(p["a"], p["b"]))
        for p, cos in zip(pairs, raw, strict=True)
    ]


def signal_matrix(items: list[PairInput]) -> npt.NDArray[np.float64]:
    """One row of :data:`judgement.FEATURES` per pair."""
    return np.vstack([features(item) for item in items])


def base_score(item: PairInput) -> float:
    """The core similarity score of a pair (0.7 semantic + 0.3 lexical, lexical alone
    without a model)."""
    lexical = lexical_similarity(item.left, item.right)
    if item.cosine is None:
        return lexical
    return (
        DEFAULT_WEIGHTS.semantic * semantic(item.cosine, item.floor)
        + DEFAULT_WEIGHTS.lexical * lexical
    )


def score_pairs(
    pairs: list[dict[str, Any]], items: list[PairInput], model: Model | None = None
) -> list[PairScore]:
    """The verdict of ``model`` (default: the packaged one) on every pair."""
    matrix = signal_matrix(items)
    out = []
    for pair, item, row in zip(pairs, items, matrix, strict=True):
        judge = model or model_for(item.cosine is not None)
        probability = judge.probability(row)
        base = base_score(item)
        out.append(
            PairScore(
                kind=pair["kind"],
                label=bool(pair["duplicate"]),
                cosine=item.cosine,
                base=base,
                probability=probability,
                duplicate=decide(judge, probability, item.conflicts, base),
            )
        )
    return out


def metrics(labels: list[bool], predicted: list[bool]) -> Metrics:
    """Precision/recall/F1 of ``predicted`` against ``labels``."""
    tp = sum(1 for y, p in zip(labels, predicted, strict=True) if y and p)
    fp = sum(1 for y, p in zip(labels, predicted, strict=True) if not y and p)
    fn = sum(1 for y, p in zip(labels, predicted, strict=True) if y and not p)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Metrics(precision, recall, f1, fp, fn)


def hard_negative_rate(pairs: list[dict[str, Any]], predicted: list[bool]) -> float:
    """Share of hard negatives judged duplicates."""
    flags = [p for pair, p in zip(pairs, predicted, strict=True) if is_hard_negative(pair)]
    return sum(flags) / len(flags) if flags else 0.0


def best_threshold(values: list[float], labels: list[bool]) -> tuple[float, Metrics]:
    """The cut-off on ``values`` with the best F1 (an optimistic baseline: tuned on the test)."""
    best: tuple[float, Metrics] = (1.0, metrics(labels, [False] * len(labels)))
    for cut in sorted(set(values)):
        result = metrics(labels, [v >= cut for v in values])
        if result.f1 > best[1].f1:
            best = (cut, result)
    return best


LEGACY_THRESHOLD = {True: 0.42, False: 0.55}


def legacy(item: PairInput) -> tuple[float, bool]:
    """(score, verdict) of the rule used before the learned judgement, for comparison:
    ``score = base × 0.6 ** conflicts``, duplicate when ``base ≥ 0.42`` (0.55 without a
    model) and nothing conflicts."""
    base = base_score(item)
    verdict = base >= LEGACY_THRESHOLD[item.cosine is not None] and not item.conflicts
    return ranking_score(base, item.conflicts), verdict


def original_rank(scores: list[float], original: int) -> int:
    """1-based rank of ``scores[original]`` among all scores (ties count against it)."""
    return 1 + sum(1 for i, s in enumerate(scores) if i != original and s >= scores[original])
