"""The MQTT writer child process when its ingest worker dies (SIGKILL, as in the scale-out
test): it stops with one log line and exit code 0, not a raw traceback outside the JSON log."""

from __future__ import annotations

import pytest

from domstadt.core.db import Database
from domstadt.sensors.mqtt.writer import WriterProcess


def test_writer_child_stops_quietly_when_its_worker_is_gone(
    db: Database, capfd: pytest.CaptureFixture[str]
) -> None:
    writer = WriterProcess(
        database_url=db.url,
        broker_url="mqtt://127.0.0.1:1883",  # parsed only: publish is off
        client_id="writer-exit",
        base="http://testserver/sta/v1.1",
        publish=False,
        log_level="WARNING",
        log_format="text",
    )
    child = writer._proc
    assert writer._conn is not None
    writer._conn.close()  # what the kernel does to the pipe of a killed worker
    writer._conn = None
    child.join(60)
    assert child.exitcode == 0
    err = capfd.readouterr().err
    assert "the ingest worker is gone" in err and "Traceback" not in err
