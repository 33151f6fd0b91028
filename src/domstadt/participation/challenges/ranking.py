"""Weighted jury ranking and the public vote count: the rule, and a Python ranking of rows
already in memory (pitches, problem statements). A challenge's results are ranked by the same
rule in SQL (``results_query``), so 10,000 entries cost one query.

A submission's jury score is the weighted mean over criteria of the mean of its jurors'
scores on that criterion (weights normalised to sum 1; a criterion nobody scored is left out
and the remaining weights renormalised). Tie rule: equal jury scores (rounded to 3 decimals)
are ordered by more public votes, then by the earlier submission time, then by the lower id.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

TIE_RULE = (
    "Bei gleicher gewichteter Jurywertung entscheiden mehr Publikumsstimmen, dann die frühere "
    "Einreichung."
)


@dataclass
class Ranked:
    """One submission's place with its jury score and votes."""

    submission_id: int
    jury_score: float | None
    votes: int
    place: int = 0


def jury_scores(weights: Sequence[float], rows: Iterable[tuple[int, int, int]]) -> dict[int, float]:
    """Rows of (submission_id, criterion, value) into the weighted score per submission."""
    values: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for submission_id, criterion, value in rows:
        if 0 <= criterion < len(weights):
            values[submission_id][criterion].append(value)
    result: dict[int, float] = {}
    for submission_id, per_criterion in values.items():
        total_weight = sum(weights[c] for c in per_criterion)
        if total_weight <= 0:
            continue
        score = sum(weights[c] * sum(v) / len(v) for c, v in per_criterion.items())
        result[submission_id] = round(score / total_weight, 3)
    return result


def rank(
    submissions: Iterable[tuple[int, dt.datetime | None]],
    scores: dict[int, float],
    votes: dict[int, int],
) -> list[Ranked]:
    """Order submissions (id, submitted_at) by jury score with the tie rule; unscored last."""
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    items = [
        (Ranked(sid, scores.get(sid), votes.get(sid, 0)), submitted or far)
        for sid, submitted in submissions
    ]
    items.sort(
        key=lambda p: (
            p[0].jury_score is None,
            -(p[0].jury_score or 0.0),
            -p[0].votes,
            p[1],
            p[0].submission_id,
        )
    )
    ranked = [r for r, _ in items]
    for place, r in enumerate(ranked, start=1):
        r.place = place
    return ranked
