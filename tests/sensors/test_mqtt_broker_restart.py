"""Issue 16, faults: the MQTT broker restarts while sensors publish. A broker of the test's
own (Debian's mosquitto with persistence, on a free port) is stopped and started again a third
into a stream of QoS 1 Observations; the ingest worker and the gateway reconnect on their own,
what the worker had received but not yet written is delivered again, and every Observation is
stored exactly once.

Not covered, because it fails with mosquitto 2.0.11: messages that reach the restarted broker
before the ingest worker has subscribed again (a gateway that reconnects first and sends what
it queued) were not delivered to the worker's persistent session (87 of 300 lost in one CI
run; docs/operations.md). So the test lets the worker subscribe before the gateway sends on."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from sqlalchemy import func, select

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.sensors.models import Observation
from domstadt.sensors.mqtt.client import connect_properties
from domstadt.sensors.mqtt.ingest import IngestWorker
from domstadt.sensors.sta import write_service
from tests.live import free_port
from tests.sensors.conftest import STA, thing_payload

MOSQUITTO = shutil.which("mosquitto") or (
    "/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None
)
pytestmark = pytest.mark.skipif(MOSQUITTO is None, reason="no mosquitto binary (Debian: mosquitto)")
COUNT = 300
WAIT = 30.0


class Broker:
    """A mosquitto on ``port`` keeping its sessions and queued messages in ``root``."""

    def __init__(self, root: Path) -> None:
        self.root, self.port = root, free_port()
        self.process: subprocess.Popen[bytes] | None = None
        config = root / "mosquitto.conf"
        config.write_text(
            f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
            f"persistence_location {root}/\nautosave_interval 1\n"
        )
        if os.geteuid() == 0:  # mosquitto drops root for its own user, which must write here
            shutil.chown(root, "mosquitto", "mosquitto")

    def start(self) -> None:
        assert MOSQUITTO is not None
        self.process = subprocess.Popen(
            [MOSQUITTO, "-c", str(self.root / "mosquitto.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                with socket_to(self.port):
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("mosquitto did not start")

    def stop(self) -> None:
        """Stop as an init system does (SIGTERM: mosquitto saves its sessions first)."""
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(WAIT)
            self.process = None


def socket_to(port: int) -> object:
    import socket

    return socket.create_connection(("127.0.0.1", port), timeout=1)


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    root = tmp_path / "broker"
    root.mkdir()
    started = Broker(root)
    started.start()
    try:
        yield started
    finally:
        started.stop()


def _publisher(port: int) -> paho.Client:
    """A sensor gateway: a persistent MQTT 5 session that reconnects by itself."""
    client = paho.Client(
        paho.CallbackAPIVersion.VERSION2,
        client_id=f"gw-{uuid.uuid4().hex[:8]}",
        protocol=paho.MQTTv5,
    )
    client.max_queued_messages_set(0)
    client.reconnect_delay_set(0.2, 1)
    client.connect("127.0.0.1", port, clean_start=False, properties=connect_properties(True))
    client.loop_start()
    return client


def _until(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline and not condition():
        time.sleep(0.05)
    return condition()


def _stored(db: Database, datastream: int) -> tuple[int, int]:
    with db.session() as session:
        rows = session.execute(
            select(
                func.count(), func.count(func.distinct(Observation.phenomenon_time_start))
            ).where(Observation.datastream_id == datastream)
        ).one()
    return int(rows[0]), int(rows[1])


def test_a_broker_restart_loses_and_doubles_no_observation(db: Database, broker: Broker) -> None:
    with db.session() as session:
        write_service.create(
            session, actor=system_actor("t"), path="Things", base=STA, data=thing_payload()
        )
    ds = 1
    url = f"mqtt://127.0.0.1:{broker.port}/r{uuid.uuid4().hex[:8]}"
    root = url.rsplit("/", 1)[1] + "/v1.1"
    worker = IngestWorker(
        db, url, client_id=f"ingest-{uuid.uuid4().hex[:8]}", base=f"http://testserver{STA}"
    )
    worker.start()
    assert worker.connected.wait(WAIT)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    publisher = _publisher(broker.port)
    acked: set[int] = set()
    publisher.on_publish = lambda _c, _u, mid, _rc, _p: acked.add(mid)
    sent = []
    try:
        for n in range(COUNT):
            if n == COUNT // 3:
                _until(lambda: {info.mid for info in sent} <= acked)  # the broker has them
                worker.connected.clear()
                broker.stop()  # the worker may still hold unwritten messages: redelivered
                broker.start()
                assert worker.connected.wait(WAIT), "the ingest worker did not subscribe again"
                assert _until(publisher.is_connected), "the gateway did not reconnect"
            stamp = f"2014-02-05T{n // 60:02d}:{n % 60:02d}:00Z"
            payload = f'{{"phenomenonTime": "{stamp}", "result": {n}}}'
            sent.append(publisher.publish(f"{root}/Datastreams({ds})/Observations", payload, qos=1))
            time.sleep(0.01)
        mids = {info.mid for info in sent}
        deadline = time.monotonic() + WAIT  # every message acknowledged by the broker
        while time.monotonic() < deadline and not mids <= acked:
            time.sleep(0.1)  # those sent while it was down: once the gateway reconnected
        assert mids <= acked, f"{len(mids - acked)} never acknowledged"
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline and _stored(db, ds)[0] < COUNT:
            time.sleep(0.1)
        assert _stored(db, ds) == (COUNT, COUNT), worker.stats
    finally:
        publisher.disconnect()
        publisher.loop_stop()
        worker.stop()
        thread.join(WAIT)
