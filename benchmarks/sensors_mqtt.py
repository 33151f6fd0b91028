"""MQTT ingest benchmark: sustained rate of the ingest worker on SQLite through a real broker.

Usage: .venv/bin/python benchmarks/sensors_mqtt.py [--messages 50000] [--datastreams 10]
       [--workers 1] [--broker mqtt://127.0.0.1:1883] [--no-notify]

A fresh SQLite file; Things and Datastreams created through the service layer; ``--workers``
ingest workers (threads of this process, one shared subscription) connected to the broker;
a separate publisher *process* publishes ``--messages`` Observations at QoS 1 to
``<root>/v1.1/Datastreams(id)/Observations`` as fast as the broker accepts them. The rate is
messages stored ÷ seconds from the first publish until the last row is committed. With
notifications on (the default), every stored Observation is also published to its four topics
(``Observations``, ``Observations(id)``, ``Datastreams(id)/Observations``,
``FeaturesOfInterest(id)/Observations``), which the workers receive back and skip.
Prints one Markdown table row for docs/benchmarks.md. Not a test: timings vary by machine.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
from sqlalchemy import func, select

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.core.migrate import upgrade
from domstadt.sensors import models as m
from domstadt.sensors.mqtt.ingest import IngestWorker
from domstadt.sensors.mqtt.topics import BrokerUrl
from domstadt.sensors.sta import write_service

STALL_SECONDS = 15.0  # no new row for this long: the broker dropped messages (see the docs)


def _datastreams(db: Database, count: int) -> list[int]:
    ids = []
    with db.session() as session:
        for i in range(count):
            thing = write_service.create(
                session,
                actor=system_actor("bench"),
                path="Things",
                base="http://bench/sta/v1.1",
                data={
                    "name": f"Bench {i}",
                    "description": "bench",
                    "Locations": [
                        {
                            "name": "L",
                            "description": "L",
                            "encodingType": "application/geo+json",
                            "location": {"type": "Point", "coordinates": [6.9, 50.9]},
                        }
                    ],
                    "Datastreams": [
                        {
                            "name": f"DS {i}",
                            "description": "d",
                            "observationType": "OM_Measurement",
                            "unitOfMeasurement": {"name": "x", "symbol": "", "definition": ""},
                            "Sensor": {
                                "name": "S",
                                "description": "S",
                                "encodingType": "text/plain",
                                "metadata": "-",
                            },
                            "ObservedProperty": {
                                "name": "P",
                                "definition": "p",
                                "description": "P",
                            },
                        }
                    ],
                },
            )
            ids.append(thing["@iot.id"])
        rows = session.scalars(select(m.Datastream.id).order_by(m.Datastream.id))
        return list(rows)


def _publish(url: str, datastreams: list[int], messages: int, ready: Any) -> None:
    """Publisher process: QoS 1 as fast as the broker acknowledges (bounded in-flight window)."""
    broker = BrokerUrl.parse(url)
    client = paho.Client(
        paho.CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{uuid.uuid4().hex[:6]}"
    )
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect(broker.host, broker.port)
    client.loop_start()
    ready.set()
    last = None
    for i in range(messages):
        ds = datastreams[i % len(datastreams)]
        minute = i // len(datastreams)
        payload = {"phenomenonTime": _time(minute), "result": i % 97}
        last = client.publish(
            f"{broker.root}/Datastreams({ds})/Observations", json.dumps(payload), qos=1
        )
    if last is not None:
        last.wait_for_publish(600)
    client.disconnect()
    client.loop_stop()


def _time(minute: int) -> str:
    days, rest = divmod(minute, 24 * 60)
    hour, mins = divmod(rest, 60)
    return f"2020-{1 + days // 28:02d}-{1 + days % 28:02d}T{hour:02d}:{mins:02d}:00Z"


def _stored(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(m.Observation)) or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--datastreams", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--broker", default="mqtt://127.0.0.1:1883")
    parser.add_argument("--no-notify", action="store_true")
    args = parser.parse_args()
    if args.messages > 28 * 12 * 24 * 60 * args.datastreams:
        parser.error("too many messages for the generated timestamps")

    tmp = Path(tempfile.mkdtemp(prefix="domstadt-mqtt-bench-"))
    db = Database(f"sqlite:///{tmp / 'bench.sqlite3'}")
    upgrade(db)
    datastreams = _datastreams(db, args.datastreams)
    url = f"{args.broker.rstrip('/')}/bench{uuid.uuid4().hex[:8]}"
    workers = []
    for n in range(args.workers):
        worker = IngestWorker(
            db,
            url,
            client_id=f"bench-ingest-{uuid.uuid4().hex[:6]}-{n}",
            base="http://bench/sta/v1.1",
            publish=not args.no_notify,
        )
        worker.start()
        worker.connected.wait(10)
        threading.Thread(target=worker.run, daemon=True).start()
        workers.append(worker)

    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    publisher = context.Process(target=_publish, args=(url, datastreams, args.messages, ready))
    publisher.start()
    ready.wait(60)
    started = time.perf_counter()
    done, progress_at = 0, time.perf_counter()
    while done < args.messages and time.perf_counter() - progress_at < STALL_SECONDS:
        if not publisher.is_alive() and publisher.exitcode:
            raise SystemExit("publisher failed")
        time.sleep(0.02)
        now_done = sum(w.stats["created"] for w in workers)
        if now_done != done:
            done, progress_at = now_done, time.perf_counter()
    elapsed = progress_at - started
    publisher.join()
    stored = _stored(db)
    for worker in workers:
        worker.stop()
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    notify = "off" if args.no_notify else "on"
    echoes = sum(w.stats["echo"] for w in workers)
    print(
        f"| {args.messages:,} msgs, {args.datastreams} datastreams, {args.workers} worker(s), "
        f"notifications {notify} | {stored / elapsed:,.0f} obs/s | {elapsed:.1f} s | "
        f"{stored:,} stored | {echoes:,} echoes skipped | peak RSS {rss_mib:,.0f} MiB |"
    )


if __name__ == "__main__":
    main()
