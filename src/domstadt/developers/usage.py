"""Per-app usage counted in memory by each process and handed to ``usage_service`` in
batches, so a request never waits for a database write (issue 12)."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

FAMILIES = ("sta", "ckan", "dcat", "native")
"""Families of endpoints: SensorThings, CKAN Action API, DCAT catalogue, the native API."""


@dataclass
class Tally:
    """Counts of one app, day and family since the last flush."""

    requests: int = 0
    errors: int = 0
    limited: int = 0
    latency_ms_total: float = 0.0
    latency_ms_max: float = 0.0

    def plus(self, other: Tally) -> Tally:
        """The sum of both tallies (the larger maximum)."""
        return Tally(
            self.requests + other.requests,
            self.errors + other.errors,
            self.limited + other.limited,
            self.latency_ms_total + other.latency_ms_total,
            max(self.latency_ms_max, other.latency_ms_max),
        )


UsageKey = tuple[int, dt.date, str]


class UsageBuffer:
    """Tallies by (app, day, family); at most a few hundred keys between flushes (apps ×
    families), taken out whole by :meth:`take`."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tallies: dict[UsageKey, Tally] = {}

    def record(self, app_id: int, family: str, status: int, latency_ms: float) -> None:
        """Count one request of ``app_id`` (an error is a status of 400 or above; 429 counts
        as limited, not as an error)."""
        key = (app_id, dt.datetime.now(dt.UTC).date(), family)
        with self.lock:
            tally = self.tallies.get(key)
            if tally is None:
                tally = self.tallies[key] = Tally()
            tally.requests += 1
            if status == 429:
                tally.limited += 1
            elif status >= 400:
                tally.errors += 1
            tally.latency_ms_total += latency_ms
            tally.latency_ms_max = max(tally.latency_ms_max, latency_ms)

    def peek(self, app_id: int) -> dict[UsageKey, Tally]:
        """Copies of the tallies of ``app_id`` not yet written (for reading them fresh)."""
        with self.lock:
            return {k: Tally(**vars(t)) for k, t in self.tallies.items() if k[0] == app_id}

    def take(self) -> dict[UsageKey, Tally]:
        """Everything counted so far; the buffer starts again empty."""
        with self.lock:
            taken, self.tallies = self.tallies, {}
        return taken

    def give_back(self, tallies: dict[UsageKey, Tally]) -> None:
        """Return tallies a failed flush could not write, to be written with the next."""
        with self.lock:
            for key, tally in tallies.items():
                self.tallies[key] = self.tallies.get(key, Tally()).plus(tally)
