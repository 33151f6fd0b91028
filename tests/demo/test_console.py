"""`make demo` on the console (real processes): progress lines while the demo loads even when
stderr is a pipe, the port from PORT, and Ctrl-C (SIGINT) ends cleanly without a traceback."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.core.migrate import upgrade
from domstadt.demo import core as demo_core
from domstadt.demo.live import interruptible

WAIT = 240.0


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DOMSTADT_DATA_DIR": str(tmp_path),
        "DOMSTADT_ENVIRONMENT": "demo",
        "DOMSTADT_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DOMSTADT_MQTT_EMBEDDED": "false",
        "DOMSTADT_MQTT_URL": "",
        **extra,
    }


def _start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "domstadt", *args],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=interruptible,
    )


def _wait_for(stream: object, text: str) -> list[str]:
    """Lines read from ``stream`` up to and including the first one containing ``text``."""
    lines: list[str] = []
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        line = stream.readline()  # type: ignore[attr-defined]
        if not line:
            break
        lines.append(line)
        if text in line:
            return lines
    raise AssertionError(f"{text!r} kam nicht; bisher: {lines}")


def _connects(port: int) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _reap(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()
        process.communicate()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_progress_lines_arrive_while_loading_and_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    process = _start(_env(tmp_path), "demo", "run", "--port", str(_free_port()))
    try:
        first = _wait_for(process.stderr, "Demo-Daten 2/")
        assert process.poll() is None, "die Zeile kam erst nach dem Ende"
        assert any(
            re.search(r"Demo-Daten 1/\d+: Ämter, Organisationen und Konten", x) for x in first
        )
        process.send_signal(signal.SIGINT)
        _out, rest = process.communicate(timeout=WAIT)
    finally:
        _reap(process)
    assert process.returncode in (0, 130)
    assert "Traceback" not in rest and "KeyboardInterrupt" not in rest
    assert "Beendet (Strg+C)." in rest


def test_demo_run_serves_on_port_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    env = _env(tmp_path, PORT=str(_free_port()))
    db = Database(env["DOMSTADT_DATABASE_URL"])
    upgrade(db)
    with db.session() as session:  # some demo data: `demo run` then serves at once
        demo_core.load(session, system_actor("demo"))
    db.dispose()
    process = _start(env, "demo", "run")
    try:
        _wait_for(process.stdout, f"Domstadt läuft auf http://127.0.0.1:{env['PORT']}")
        _connects(int(env["PORT"]))
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=WAIT)
    finally:
        _reap(process)
    assert process.returncode in (0, 130)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert "Demo-Daten sind schon geladen." in err
    assert "Uvicorn" not in out + err  # one language on the console
