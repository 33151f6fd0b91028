"""Aggregates of measurements per segment, month and operator, and the judgements drawn from
them: confidence (fewer than ``MIN_MEASUREMENTS`` is "zu wenige Messungen") and a quality
class for the map colour."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

MIN_MEASUREMENTS = 10
"""Below this a segment's figures are shown but marked as too few to judge."""
GOOD_MEASUREMENTS = 30
CONFIDENCE_DE = {"low": "zu wenige Messungen", "medium": "mittel", "high": "hoch"}
QUALITY_DE = {
    "bad": "schlecht",
    "fair": "mäßig",
    "good": "gut",
    "uncertain": "unsicher (zu wenige Messungen)",
}


@dataclass
class Bucket:
    """Running figures of one (segment, month, operator) key."""

    count: int = 0
    dead: int = 0
    downs: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)

    def add(self, dead: bool, down: float | None, latency: float | None) -> None:
        """Count one measurement."""
        self.count += 1
        self.dead += int(dead)
        if down is not None:
            self.downs.append(down)
        if latency is not None:
            self.latencies.append(latency)


Row = tuple[int, str, str, bool, float | None, float | None]
"""segment id, month, operator, no connection, down Mbit/s, latency ms."""


def aggregate(rows: Iterable[Row]) -> dict[tuple[int, str, str], Bucket]:
    """Buckets for every segment × (all months | a month) × (all operators | an operator)."""
    buckets: dict[tuple[int, str, str], Bucket] = defaultdict(Bucket)
    for segment, month, operator, dead, down, latency in rows:
        for key in {
            (segment, "", ""),
            (segment, month, ""),
            (segment, "", operator),
            (segment, month, operator),
        }:
            buckets[key].add(dead, down, latency)
    return buckets


def median(values: list[float]) -> float | None:
    """The median, none for no values."""
    return round(statistics.median(values), 3) if values else None


def confidence(count: int) -> str:
    """low (< MIN_MEASUREMENTS), medium (< GOOD_MEASUREMENTS) or high."""
    if count < MIN_MEASUREMENTS:
        return "low"
    return "medium" if count < GOOD_MEASUREMENTS else "high"


def quality(count: int, dead: int, median_down: float | None) -> str:
    """bad (≥ 20 % dead spots or median < 2 Mbit/s), fair (≥ 5 % or < 10 Mbit/s), good;
    ``uncertain`` when there are too few measurements to judge."""
    if count < MIN_MEASUREMENTS:
        return "uncertain"
    share = dead / count
    down = median_down if median_down is not None else 0.0
    if share >= 0.2 or down < 2:
        return "bad"
    if share >= 0.05 or down < 10:
        return "fair"
    return "good"
