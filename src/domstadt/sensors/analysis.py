"""Pure statistics behind the cross-source analysis (no database): lagged Pearson correlation
on aligned time buckets and robust, seasonal anomaly scores (median/MAD per time slot).

Seasonal slots are hour of day × weekday/weekend in Cologne's local time (Europe/Berlin),
because traffic and weather follow the local clock, not UTC; series with a usual step of a
day or more (daily weather) use the month of the year instead.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/Berlin")
# With MAD = 0 (more than half the values equal), the mean absolute deviation × 1.2533 / 1.4826
# stands in, in MAD units (Iglewicz & Hoaglin's fallback for the modified z-score).
MEAN_AD_TO_MAD = 1.2533 / 1.4826


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r, or None for fewer than 3 pairs or a constant series."""
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 0 or syy <= 0:
        return None
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


@dataclass(frozen=True)
class LagResult:
    """Correlation of ``a`` at bucket t with ``b`` at bucket t + lag."""

    lag: int
    r: float | None
    n: int


def lagged(a: dict[int, float], b: dict[int, float], lag: int) -> LagResult:
    """Pearson over the buckets where both ``a[t]`` and ``b[t + lag]`` exist."""
    keys = [t for t in a if t + lag in b]
    return LagResult(lag, pearson([a[t] for t in keys], [b[t + lag] for t in keys]), len(keys))


def best_lag(a: dict[int, float], b: dict[int, float], max_lag: int) -> tuple[LagResult, LagResult]:
    """(result at lag 0, result with the largest |r| within ±max_lag; ties: smallest |lag|)."""
    zero = lagged(a, b, 0)
    best = zero
    for lag in sorted(range(-max_lag, max_lag + 1), key=abs):
        found = lagged(a, b, lag)
        if found.r is not None and (best.r is None or abs(found.r) > abs(best.r) + 1e-12):
            best = found
    return zero, best


def strength(r: float) -> str:
    """German word for the size of a correlation (Cohen's rough bands)."""
    size = abs(r)
    word = (
        "sehr stark"
        if size >= 0.8
        else "stark"
        if size >= 0.5
        else "mäßig"
        if size >= 0.3
        else "schwach"
        if size >= 0.1
        else "kaum"
    )
    return f"{word} {'positiv' if r >= 0 else 'negativ'}"


def german_number(value: float, digits: int = 2) -> str:
    """1234.5 → '1234,50' (German decimal comma)."""
    return f"{value:.{digits}f}".replace(".", ",")


def duration_text(seconds: float) -> str:
    """A lag in words: '15 Minuten', '2 Stunden', '1 Tag'."""
    seconds = abs(seconds)
    for size, one, many in ((86400, "Tag", "Tagen"), (3600, "Stunde", "Stunden")):
        if seconds >= size and seconds % size == 0:
            count = int(seconds // size)
            return f"{count} {one if count == 1 else many}"
    if seconds % 60 == 0:
        count = int(seconds // 60)
        return f"{count} {'Minute' if count == 1 else 'Minuten'}"
    return f"{int(seconds)} Sekunden"


MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)


def _local(moment: dt.datetime) -> dt.datetime:
    """``moment`` in Cologne's time; one too close to the calendar's ends to shift (a sensor's
    9999-12-31T23:59:59Z) stays in UTC, an hour off in a slot rather than a failed analysis."""
    try:
        return moment.astimezone(LOCAL)
    except OverflowError:
        return moment


@dataclass(frozen=True)
class Slot:
    """A seasonal slot: local hour of day and weekday (Mon–Fri) or weekend; for daily or
    coarser series (``month`` set) the month of the year instead."""

    hour: int
    weekend: bool
    month: int = 0

    @classmethod
    def of(cls, moment: dt.datetime) -> Slot:
        """The hour × weekday/weekend slot of a UTC moment, in Cologne's local time."""
        local = _local(moment)
        return cls(local.hour, local.weekday() >= 5)

    @classmethod
    def monthly(cls, moment: dt.datetime) -> Slot:
        """The month slot of a UTC moment (for daily values)."""
        return cls(0, False, _local(moment).month)

    @property
    def label(self) -> str:
        """'Mo–Fr 08–09 Uhr' / 'Sa–So 08–09 Uhr' / 'Monat Juli'."""
        if self.month:
            return f"Monat {MONTHS[self.month - 1]}"
        days = "Sa–So" if self.weekend else "Mo–Fr"
        return f"{days} {self.hour:02d}–{(self.hour + 1) % 24:02d} Uhr"


def slot_function(times: Sequence[dt.datetime]) -> Callable[[dt.datetime], Slot]:
    """Hour × weekday/weekend slots, or month slots when the usual step is a day or more."""
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times[:1001])]
    if gaps and statistics.median(gaps) >= 86400:
        return Slot.monthly
    return Slot.of


@dataclass(frozen=True)
class Profile:
    """Median and spread (in MAD units) of the values of one slot, or of all values."""

    median: float
    mad: float
    n: int


def profile(values: Sequence[float]) -> Profile:
    """Median and MAD of ``values``; the mean absolute deviation stands in when MAD is 0."""
    med = statistics.median(values)
    deviations = [abs(v - med) for v in values]
    mad = statistics.median(deviations)
    if mad == 0:
        mad = statistics.fmean(deviations) * MEAN_AD_TO_MAD
    return Profile(med, mad, len(values))


def seasonal_profiles(
    points: Sequence[tuple[dt.datetime, float]],
    min_slot: int,
    slot_of: Callable[[dt.datetime], Slot] = Slot.of,
) -> tuple[dict[Slot, Profile], Profile]:
    """Profiles of the slots with at least ``min_slot`` values and a spread, and the global one."""
    by_slot: dict[Slot, list[float]] = {}
    for moment, value in points:
        by_slot.setdefault(slot_of(moment), []).append(value)
    slots = {}
    for slot, values in by_slot.items():
        if len(values) >= min_slot:
            found = profile(values)
            if found.mad > 0:
                slots[slot] = found
    return slots, profile([v for _, v in points])
