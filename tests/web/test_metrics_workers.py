"""``/metrics`` of ``domstadt serve --workers 2`` counts every request, whichever worker
answered it and whichever worker answers the scrape (prometheus_client multiprocess mode),
and a worker killed with SIGKILL leaves its counts but not its live gauges."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import TEST_SECRET
from tests.live import free_port, wait_for_server

STARTUP_SECONDS = 300  # a busy two-core machine imports the app slowly
BATCH = 40
MAX_REQUESTS = 2000


def _environment(tmp: Path, database: Path, metrics_dir: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("DOMSTADT_")}
    return keep | {
        "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
        "DOMSTADT_DATABASE_URL": f"sqlite:///{database}",
        "DOMSTADT_SECRET_KEY": TEST_SECRET,
        "DOMSTADT_ENVIRONMENT": "test",
        "DOMSTADT_DATA_DIR": str(tmp / "data"),
        "DOMSTADT_EMBEDDING_MODEL": "lexical",
        "DOMSTADT_LOG_LEVEL": "WARNING",
        "DOMSTADT_MQTT_EMBEDDED": "false",
        "DOMSTADT_RATE_LIMIT_ANONYMOUS": "1000000/minute",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }


@pytest.fixture(scope="module")
def server(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """Base URL of a real ``serve --workers 2`` on a migrated SQLite file, and its metrics
    directory (named by the test, as an operator may)."""
    tmp = tmp_path_factory.mktemp("metrics_workers")
    database, metrics_dir = tmp / "db.sqlite3", tmp / "metrics"
    shutil.copyfile(sqlite_template, database)
    metrics_dir.mkdir()
    (metrics_dir / "counter_1.db").write_bytes(b"stale")  # a file of an earlier run
    port = free_port()
    command = [sys.executable, "-m", "domstadt", "serve", "--port", str(port), "--workers", "2"]
    env = _environment(tmp, database, metrics_dir)
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(base, proc, STARTUP_SECONDS)
        yield base, metrics_dir
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        if proc.stderr is not None:
            proc.stderr.close()
    assert not list(metrics_dir.glob("*.db")), "the metrics files outlived the server"


def _served_by(metrics_dir: Path) -> set[str]:
    """The workers (process ids) that have counted a request."""
    return {f.stem.rsplit("_", 1)[-1] for f in metrics_dir.glob("counter_*.db")} - {"1"}


def _livez_count(base: str) -> float:
    """The ``/livez`` requests counted in the scrape of whichever worker answers it."""
    text = httpx.get(f"{base}/metrics", timeout=30).text
    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "domstadt_http_requests_total" and sample.labels["route"] == "/livez":
                total += sample.value
    return total


def _until_both_served(base: str, metrics_dir: Path) -> int:
    """Send ``/livez`` requests until both workers have counted one; how many were sent."""
    sent = 0
    with ThreadPoolExecutor(max_workers=8) as pool:
        while len(_served_by(metrics_dir)) < 2 and sent < MAX_REQUESTS:
            answers = list(pool.map(lambda _: httpx.get(f"{base}/livez"), range(BATCH)))
            assert all(a.status_code == 200 for a in answers)
            sent += BATCH
    assert len(_served_by(metrics_dir)) == 2, f"one worker answered all {sent} requests"
    return sent


def test_metrics_count_the_requests_of_every_worker(server: tuple[str, Path]) -> None:
    base, metrics_dir = server
    before = _livez_count(base)  # the startup probe's requests
    sent = _until_both_served(base, metrics_dir)
    for _ in range(4):  # several scrapes: any worker may answer each, all sum the same
        assert _livez_count(base) - before == sent


def test_a_killed_workers_live_gauges_leave_and_its_counts_stay(server: tuple[str, Path]) -> None:
    """SIGKILL leaves no goodbye: the worker the supervisor starts in its place drops the dead
    one's live gauges (pool readings), while what it counted stays in the sums."""
    base, metrics_dir = server
    _until_both_served(base, metrics_dir)
    victim = min(int(pid) for pid in _served_by(metrics_dir))
    assert list(metrics_dir.glob(f"gauge_live*_{victim}.db")), "no live gauges to drop"
    before = _livez_count(base)
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + STARTUP_SECONDS
    while list(metrics_dir.glob(f"gauge_live*_{victim}.db")):
        assert time.monotonic() < deadline, "the killed worker's live gauges stayed"
        time.sleep(0.5)
    assert (metrics_dir / f"counter_{victim}.db").exists()
    assert _livez_count(base) == before
