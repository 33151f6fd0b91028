"""`domstadt sensors simulate` against the real broker (DOMSTADT_TEST_MQTT_URL): it publishes
the traffic series, time-stamped now, and the platform's ingest worker stores them; Ctrl-C
ends it cleanly. The replay puts the imported series within the last day."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.demo.live import interruptible
from domstadt.sensors import import_service
from domstadt.sensors.mqtt.ingest import IngestWorker
from tests.sensors.conftest import STA

BROKER = os.environ.get("DOMSTADT_TEST_MQTT_URL", "")
pytestmark = pytest.mark.skipif(not BROKER, reason="DOMSTADT_TEST_MQTT_URL not set: skipped")
WAIT = 60.0
SEGMENT = "ST021"


def _one_segment(db: Database, tmp_path: Path) -> int:
    """Import the real series of one street segment, replayed to end now; its datastream id."""
    source = import_service._data_file("koeln_traffic_load_2014-02-03_to_05.csv")
    lines = source.read_text("utf-8").splitlines()
    cut = tmp_path / "one.csv"
    cut.write_text("\n".join([lines[0], *(x for x in lines if f'"{SEGMENT}"' in x)]) + "\n")
    with db.session() as session:
        import_service.import_traffic(
            session, actor=system_actor("tests"), csv_path=cut, ends_at=dt.datetime.now(dt.UTC)
        )
    return _stream(db)


def _stream(db: Database) -> int:
    from sqlalchemy import text

    with db.engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT id FROM sta_datastream WHERE name = :n"),
                {"n": f"Verkehrsauslastung {SEGMENT}"},
            ).scalar_one()
        )


def _latest(client: TestClient, ds: int) -> list[dict[str, object]]:
    return client.get(
        f"{STA}/Datastreams({ds})/Observations",
        params={"$orderby": "phenomenonTime desc", "$top": "10"},
    ).json()["value"]


def _simulate(db: Database, url: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DOMSTADT_DATABASE_URL": db.url, "DOMSTADT_MQTT_URL": url}
    return subprocess.Popen(
        [sys.executable, "-m", "domstadt", "sensors", "simulate", "--streams", "200", *args],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=interruptible,
    )


def test_simulate_publishes_and_the_platform_ingests(
    client: TestClient, db: Database, tmp_path: Path
) -> None:
    ds = _one_segment(db, tmp_path)
    before = _latest(client, ds)[0]["phenomenonTime"]
    age = dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(str(before).replace("Z", "+00:00"))
    assert dt.timedelta(0) <= age < dt.timedelta(days=1)
    url = f"{BROKER.rstrip('/')}/t{uuid.uuid4().hex[:12]}"
    worker = IngestWorker(
        db, url, client_id=f"sim-{uuid.uuid4().hex[:8]}", base=f"http://testserver{STA}"
    )
    worker.start()
    assert worker.connected.wait(WAIT)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    started = dt.datetime.now(dt.UTC)
    try:
        process = _simulate(db, url, "--count", "5", "--rate", "20")
        out, err = process.communicate(timeout=WAIT)
        assert process.returncode == 0, err
        assert "Simulator beendet: 5 Beobachtungen gesendet." in out
        deadline = time.monotonic() + WAIT
        while worker.stats["created"] < 5 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert worker.stats["created"] == 5, worker.stats
    finally:
        worker.stop()
        thread.join(WAIT)
    fresh = [o for o in _latest(client, ds) if str(o["phenomenonTime"]) > started.isoformat()[:19]]
    assert len(fresh) == 5
    assert all(isinstance(o["result"], (int, float)) for o in fresh)


def test_simulate_stops_cleanly_on_ctrl_c(db: Database, tmp_path: Path) -> None:
    _one_segment(db, tmp_path)
    url = f"{BROKER.rstrip('/')}/t{uuid.uuid4().hex[:12]}"
    process = _simulate(db, url, "--rate", "5")
    try:
        assert process.stdout is not None
        assert "Verkehrsreihen" in process.stdout.readline()
        time.sleep(1)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=WAIT)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0
    assert "Traceback" not in err and "Simulator beendet" in out
