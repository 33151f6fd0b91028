"""Prometheus metrics of ``domstadt serve --workers N``: every worker writes its counters,
histograms and gauges to files in ``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's
multiprocess mode), and ``/metrics`` in whichever worker answers sums them over all workers,
the dead ones' counters included (their live gauges are dropped)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from prometheus_client.registry import Collector

ENV = "PROMETHEUS_MULTIPROC_DIR"


def enabled() -> bool:
    """Whether this process writes its metrics to a directory shared with other workers."""
    return bool(os.environ.get(ENV))


@contextmanager
def shared_dir() -> Iterator[Path]:
    """For the supervisor of the workers: the metrics directory, emptied at start and at exit.
    An operator's ``PROMETHEUS_MULTIPROC_DIR`` is used and kept; otherwise a temporary
    directory is made for this run and removed."""
    named = os.environ.get(ENV)
    path = Path(named) if named else Path(tempfile.mkdtemp(prefix="domstadt-metrics-"))
    _empty(path)
    os.environ[ENV] = str(path)  # before the workers start: they inherit it
    try:
        yield path
    finally:
        if named:
            _empty(path)
        else:
            shutil.rmtree(path, ignore_errors=True)
            os.environ.pop(ENV, None)


def _empty(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink(missing_ok=True)


def worker_started() -> None:
    """In a worker: drop the live gauges of workers that ended without a goodbye (killed; the
    supervisor started this one in their place) and say goodbye at this worker's exit."""
    if not enabled():
        return
    path = Path(os.environ[ENV])
    for pid in {_pid(f) for f in path.glob("gauge_live*_*.db")} - {None, os.getpid()}:
        if pid is not None and not _alive(pid):
            multiprocess.mark_process_dead(pid, str(path))
    atexit.register(multiprocess.mark_process_dead, os.getpid(), str(path))


def _pid(file: Path) -> int | None:
    tail = file.stem.rsplit("_", 1)[-1]
    return int(tail) if tail.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def exposition(scraped: Iterable[Collector]) -> bytes:
    """The metrics of every worker (from the shared directory) and the ``scraped``
    collectors, which read the same shared state (database, job queue) from any worker."""
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    for collector in scraped:
        registry.register(collector)
    return generate_latest(registry)
