"""The scale-out test in short (issue 16): benchmarks/scale_out.py for 30 s with four virtual
users — three ``domstadt serve`` processes behind HAProxy on PostgreSQL, two MQTT ingest
workers, one job worker on Redis; one web process and one ingest worker are killed with
SIGKILL and restarted. Passes when the script's checks all hold (every acknowledged write
stored, every PUBACKed MQTT Observation stored exactly once, no failure outside the kill
window, the killed processes back). The five-minute run and its figures: docs/benchmarks.md."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("DOMSTADT_TEST_REDIS_URL", "")
MQTT_URL = os.environ.get("DOMSTADT_TEST_MQTT_URL", "")
MISSING = [
    name
    for name, there in (
        (
            "haproxy (apt-get install haproxy)",
            shutil.which("haproxy") or os.path.exists("/usr/sbin/haproxy"),
        ),
        ("DOMSTADT_TEST_DATABASE_URL (PostgreSQL)", PG_URL.startswith("postgresql")),
        ("DOMSTADT_TEST_REDIS_URL", REDIS_URL),
        ("DOMSTADT_TEST_MQTT_URL", MQTT_URL),
    )
    if not there
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(MISSING), reason=f"scale-out test needs {', '.join(MISSING)}"),
]


def test_scale_out_short_run_keeps_every_write(tmp_path: Path) -> None:
    admin = urlunsplit(urlsplit(PG_URL)._replace(path="/postgres"))
    command = [
        sys.executable,
        str(ROOT / "benchmarks" / "scale_out.py"),
        "--duration", "30",
        "--users", "4",
        "--mqtt-rate", "20",
        "--pg", admin,
        "--redis", REDIS_URL,
        "--mqtt", MQTT_URL,
        "--keep-logs", str(tmp_path / "logs"),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    assert "ALL CHECKS PASSED" in report and "CLEANUP FAILED" not in report, report
