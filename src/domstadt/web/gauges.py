"""Gauges read at each scrape of ``/metrics``: the database pool of this process, the jobs
waiting in the queue and the catalogue's harvest runs; and the route family of a request (a
label of few values for dashboards: pages, native, sta, ckan, dcat, static, ops)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import Counter, Gauge
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from domstadt.core.db import Database
from domstadt.web.ratelimit import family_of

log = logging.getLogger("domstadt.web")

OPS_PATHS = frozenset({"/livez", "/readyz", "/healthz", "/metrics"})


def route_family(path: str) -> str:
    """The family of ``path``: an API family (``native``, ``sta``, ``ckan``, ``dcat``),
    ``static``, ``ops`` (probes, metrics) or ``pages``."""
    if path in OPS_PATHS:
        return "ops"
    if path.startswith("/static/"):
        return "static"
    return family_of(path) or "pages"


class PoolCollector(Collector):
    """``domstadt_db_pool_{size,checked_out,overflow}`` of the app's database pool, and
    ``domstadt_db_read_sessions_total{target}``: read-only sessions served by a replica or,
    without one that answers, by the primary."""

    def __init__(self, database: Callable[[], Database]) -> None:
        self.database = database

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        reads = CounterMetricFamily(
            "domstadt_db_read_sessions",
            "Read-only sessions (anonymous reads of public data), by the server that served them",
            labels=["target"],
        )
        for target in ("primary", "replica"):
            reads.add_metric([target], float(self.database().reads[target]))
        yield reads
        pool: Any = self.database().engine.pool
        for name, (text, method) in POOL_READINGS.items():
            read = getattr(pool, method, None)
            if read is not None:
                yield GaugeMetricFamily(f"domstadt_db_pool_{name}", text, value=float(read()))


POOL_READINGS = {
    "size": ("Connections the pool keeps open", "size"),
    "checked_out": ("Connections in use by requests now", "checkedout"),
    "overflow": ("Connections opened beyond the pool size now", "overflow"),
}


class PoolSampler:
    """The pool gauges and read-session counts of ``PoolCollector`` for ``serve --workers``:
    written after each request into the workers' shared metrics files, as gauges summed over
    the live workers (each as of its last request) and a counter summed over all."""

    def __init__(self, database: Callable[[], Database]) -> None:
        self.database = database
        self.gauges = {
            name: Gauge(
                f"domstadt_db_pool_{name}", text, registry=None, multiprocess_mode="livesum"
            )
            for name, (text, _) in POOL_READINGS.items()
        }
        self.reads = Counter(
            "domstadt_db_read_sessions",
            "Read-only sessions (anonymous reads of public data), by the server that served them",
            ["target"],
            registry=None,
        )
        self.seen: dict[str, int] = {"primary": 0, "replica": 0}

    def sample(self) -> None:
        """Write this worker's pool readings and its new read sessions."""
        database = self.database()
        pool: Any = database.engine.pool
        for name, (_, method) in POOL_READINGS.items():
            read = getattr(pool, method, None)
            if read is not None:
                self.gauges[name].set(float(read()))
        for target, before in self.seen.items():
            now = database.reads[target]
            if now > before:
                self.reads.labels(target).inc(now - before)
                self.seen[target] = now


class QueueCollector(Collector):
    """``domstadt_jobs_waiting``: jobs queued and not yet taken by a worker (absent when the
    job store does not answer; ``/readyz`` names that)."""

    def __init__(self, waiting: Callable[[], int]) -> None:
        self.waiting = waiting

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            count = self.waiting()
        except Exception as exc:  # Redis gone: the scrape still answers
            log.warning("job queue length unknown: %r", exc)
            return
        yield GaugeMetricFamily(
            "domstadt_jobs_waiting", "Jobs queued, not yet taken by a worker", value=float(count)
        )


class HarvestCollector(Collector):
    """``domstadt_harvest_runs{source,status}`` (runs recorded per source and outcome) and
    ``domstadt_harvest_last_finished_timestamp_seconds{source,status}``: alert when a
    source's last ``finished`` run grows old or ``failed`` runs grow. Read from the database
    at each scrape, so every web process shows the same numbers."""

    def __init__(self, counts: Callable[[], list[Any]]) -> None:
        self.counts = counts

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            rows = self.counts()
        except Exception as exc:  # database gone: the scrape still answers (pool gauges)
            log.warning("harvest run counts unknown: %r", exc)
            return
        runs = GaugeMetricFamily(
            "domstadt_harvest_runs",
            "Harvest runs recorded, by source and status",
            labels=["source", "status"],
        )
        last = GaugeMetricFamily(
            "domstadt_harvest_last_finished_timestamp_seconds",
            "When the last harvest run of a source with this status ended (Unix time)",
            labels=["source", "status"],
        )
        for row in rows:
            runs.add_metric([row.source, row.status], float(row.runs))
            if row.last_finished is not None:
                last.add_metric([row.source, row.status], row.last_finished.timestamp())
        yield runs
        yield last
