"""Structured logs of real processes (issue 16): ``domstadt serve`` and ``domstadt worker``
with ``DOMSTADT_LOG_FORMAT=json`` write only JSON lines; a request that queues a harvest run
is named by its request id in the web's access line and in the worker's lines of that job."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from domstadt.catalog import harvest_service
from domstadt.core.auth.models import Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.core.migrate import upgrade
from tests.catalog.harvest_servers import LOOPBACK
from tests.conftest import PASSWORD, TEST_SECRET, make_user
from tests.live import free_port, signed_in

STARTUP_SECONDS = 240  # a busy two-core machine imports the app slowly
ADMIN = "betrieb@stadt-koeln.de"


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "domstadt", *args],
            env=env,
            cwd=log.parent,  # no developer .env file
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)


def _lines(log: Path) -> list[dict[str, Any]]:
    """Every line of ``log`` parsed as JSON (fails on a line that is not)."""
    lines = []
    for raw in log.read_text(encoding="utf-8").splitlines():
        if raw.strip():
            try:
                lines.append(json.loads(raw))
            except json.JSONDecodeError:
                pytest.fail(f"{log.name}: not a JSON line: {raw!r}")
    return lines


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    """A served platform and a job worker on one SQLite file and job store, logging JSON;
    yields the base URL and both log files."""
    data_dir = tmp_path_factory.mktemp("json-logs")
    db = Database(f"sqlite:///{data_dir / 'domstadt.sqlite3'}")
    upgrade(db)
    make_user(db, ADMIN, role=Role.ADMIN)
    # a source on a port where nothing listens: the run fails fast, and says so in the log
    with db.session() as session:
        harvest_service.source_create(
            session,
            actor=system_actor("tests"),
            name="stadtplan",
            url=f"http://127.0.0.1:{free_port()}/data.json",
            type="dkan",
            outbound=LOOPBACK,
        )
    db.dispose()
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
        "DOMSTADT_DATABASE_URL": db.url,
        "DOMSTADT_DATA_DIR": str(data_dir),
        "DOMSTADT_SECRET_KEY": TEST_SECRET,
        "DOMSTADT_ENVIRONMENT": "test",
        "DOMSTADT_LOG_FORMAT": "json",
        "DOMSTADT_LOG_LEVEL": "INFO",
        "DOMSTADT_EMBEDDING_MODEL": "lexical",
        "DOMSTADT_MQTT_URL": "",
        "DOMSTADT_MQTT_EMBEDDED": "false",
        "DOMSTADT_REDIS_URL": "",
        "DOMSTADT_OUTBOUND_ALLOWED_HOSTS": "127.0.0.1",
    }
    web_log, worker_log = data_dir / "web.log", data_dir / "worker.log"
    web = _start(["serve", "--port", str(port)], env, web_log)
    worker = _start(["worker"], env, worker_log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert web.poll() is None, web_log.read_text()
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/livez", timeout=5).status_code == 200:
                    break
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.5)
        yield base, web_log, worker_log
    finally:
        _stop(web)
        _stop(worker)


def _wait_for(log: Path, predicate: Any, seconds: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for line in _lines(log):
            if predicate(line):
                return line
        time.sleep(0.5)
    raise AssertionError(f"no such line in {log.name}:\n{log.read_text()[-4000:]}")


def test_a_requests_id_follows_it_from_web_to_worker(platform: tuple[str, Path, Path]) -> None:
    base, web_log, worker_log = platform
    probe = f"probe-{uuid.uuid4().hex[:12]}"
    with signed_in(base, ADMIN, PASSWORD) as admin:
        page = admin.get("/daten/harvest")
        csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        queued = admin.post(
            "/daten/harvest/stadtplan/run",
            data={"csrf_token": csrf},
            headers={"X-Request-ID": probe},
        )
    assert queued.status_code == 303, queued.text
    assert queued.headers["x-request-id"] == probe
    assert page.headers["x-request-id"] not in {"", probe}

    job_line = _wait_for(worker_log, lambda line: line.get("request_id") == probe)
    assert job_line["role"] == "worker"
    assert job_line["job"].startswith("harvest_source:")
    access = _wait_for(
        web_log,
        lambda line: line["logger"] == "domstadt.access" and line.get("request_id") == probe,
    )
    assert access["route"] == "/daten/harvest/{name}/run" and access["status"] == 303
    assert access["role"] == "web" and access["method"] == "POST"
    for line in _lines(web_log) + _lines(worker_log):  # every line is JSON of the same shape
        assert {"time", "level", "logger", "message", "role"} <= set(line), line
        assert PASSWORD not in json.dumps(line) and "csrf" not in line["message"]
