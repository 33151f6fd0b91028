"""MQTT ingest benchmark: sustained rate of the ingest worker on SQLite through a real broker.

Usage: .venv/bin/python benchmarks/sensors_mqtt.py [--messages 50000] [--datastreams 10]
       [--workers 1] [--publishers 1] [--broker mqtt://127.0.0.1:1883] [--no-notify]

A fresh SQLite file; Things and Datastreams created through the service layer; ``--workers``
ingest worker *processes* (``domstadt sensors mqtt`` each, one shared subscription) connected
to the broker; the messages are encoded first and then published, all at once, at QoS 1 to
``<root>/v1.1/Datastreams(id)/Observations`` as fast as the broker accepts them: by one
``mosquitto_pub -l`` process per Datastream (C, little CPU; Debian package mosquitto-clients)
or, with ``--publisher paho`` or without mosquitto_pub, by ``--publishers`` paho processes (a
paho publisher tops out at ~4,500 QoS 1 messages/s on the 2-core box and takes a core). The rate is
rows stored ÷ seconds from the start signal until the last row is committed (the database is
polled every 50 ms). With
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
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
from _common import sta_thing
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
                data=sta_thing(i),
            )
            ids.append(thing["@iot.id"])
        rows = session.scalars(select(m.Datastream.id).order_by(m.Datastream.id))
        return list(rows)


def _publish(url: str, datastreams: list[int], messages: range, ready: Any) -> None:
    """Publisher process: QoS 1 as fast as the broker acknowledges (bounded in-flight window)."""
    broker = BrokerUrl.parse(url)
    client = paho.Client(
        paho.CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{uuid.uuid4().hex[:6]}"
    )
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect(broker.host, broker.port)
    client.loop_start()
    topics = [f"{broker.root}/Datastreams({ds})/Observations" for ds in datastreams]
    payloads = [
        (topics[i % len(datastreams)], _payload(i, len(datastreams))) for i in messages
    ]  # encoded before the start signal: the publisher's JSON work is not the worker's
    ready.wait()
    last = None
    for topic, payload in payloads:
        last = client.publish(topic, payload, qos=1)
    if last is not None:
        last.wait_for_publish(600)
    client.disconnect()
    client.loop_stop()


def _mosquitto_pub(url: str, datastreams: list[int], messages: int, tmp: Path) -> Any:
    """One ``mosquitto_pub -l`` process per Datastream topic (QoS 1, MQTT 5), fed from a file
    of encoded messages written beforehand; returns a function that starts them."""
    broker = BrokerUrl.parse(url)
    files = []
    for k, ds in enumerate(datastreams):
        path = tmp / f"messages-{ds}.txt"
        lines = (_payload(i, len(datastreams)) for i in range(k, messages, len(datastreams)))
        path.write_bytes(b"\n".join(lines) + b"\n")
        files.append((f"{broker.root}/Datastreams({ds})/Observations", path))
    base = ["mosquitto_pub", "-h", broker.host, "-p", str(broker.port), "-q", "1"]
    base += ["-V", "mqttv5", "-M", "1000", "-l"]

    def launch() -> list[subprocess.Popen[bytes]]:
        return [
            subprocess.Popen([*base, "-t", topic], stdin=path.open("rb")) for topic, path in files
        ]

    return launch


PRIVATE_BROKER = """listener {port} 127.0.0.1
allow_anonymous true
persistence false
max_inflight_messages 0
max_queued_messages 0
"""


def _private_broker(tmp: Path) -> tuple[subprocess.Popen[bytes], int]:
    """A Mosquitto of the benchmark's own on a free port with the production settings: the
    ingest worker acknowledges a QoS 1 message only after its commit, and Mosquitto's default
    ``max_inflight_messages 20`` would allow only 20 unacknowledged messages per worker."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    config = tmp / "mosquitto.conf"
    config.write_text(PRIVATE_BROKER.format(port=port))
    proc = subprocess.Popen(["mosquitto", "-c", str(config)], stderr=subprocess.DEVNULL)
    for _ in range(100):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return proc, port
        time.sleep(0.05)
    raise SystemExit("mosquitto did not start")


def _failed(publisher: Any) -> bool:
    if isinstance(publisher, subprocess.Popen):
        return publisher.poll() not in (None, 0)
    return not publisher.is_alive() and bool(publisher.exitcode)


def _payload(i: int, datastreams: int) -> bytes:
    minute = i // datastreams
    return json.dumps({"phenomenonTime": _time(minute), "result": i % 97}).encode()


def _work(db_url: str, url: str, n: int, options: Any, up: Any, stop: Any, out: Any) -> None:
    """Worker process: one IngestWorker in the shared subscription until ``stop`` is set."""
    notify, writer_process, run_id = options
    worker = IngestWorker(
        Database(db_url),
        url,
        client_id=f"bench-ingest-{run_id}-{n}",
        base="http://bench/sta/v1.1",
        publish=notify,
        writer_process=writer_process,
    )
    worker.start()
    worker.connected.wait(10)
    threading.Thread(target=worker.run, daemon=True).start()
    up.put(n)
    stop.wait()
    worker.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.put((dict(worker.stats), peak))


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
    parser.add_argument("--workers", type=int, default=1, help="ingest worker processes")
    parser.add_argument("--publishers", type=int, default=1, help="paho publisher processes")
    parser.add_argument(
        "--publisher",
        choices=["mosquitto_pub", "paho"],
        default="mosquitto_pub" if shutil.which("mosquitto_pub") else "paho",
        help="mosquitto_pub (C, one per Datastream; Debian mosquitto-clients) or paho processes",
    )
    parser.add_argument(
        "--broker",
        default="private",
        help="mqtt://host:port, or 'private': a Mosquitto of its own with the production "
        "settings of docs/api.md (max_inflight_messages 0, max_queued_messages 0)",
    )
    parser.add_argument("--no-notify", action="store_true")
    parser.add_argument(
        "--backlog",
        action="store_true",
        help="publish everything while the workers are away (their persistent sessions queue "
        "it in the broker), then time how fast the workers drain it: the worker's own rate "
        "without publishers competing for the two cores",
    )
    parser.add_argument(
        "--writer-process",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="each worker writes in a second process (the default of `domstadt sensors mqtt`)",
    )
    args = parser.parse_args()
    if args.messages > 28 * 12 * 24 * 60 * args.datastreams:
        parser.error("too many messages for the generated timestamps")

    tmp = Path(tempfile.mkdtemp(prefix="domstadt-mqtt-bench-"))
    db = Database(f"sqlite:///{tmp / 'bench.sqlite3'}")
    upgrade(db)
    datastreams = _datastreams(db, args.datastreams)
    broker = _private_broker(tmp) if args.broker == "private" else None
    base_url = f"mqtt://127.0.0.1:{broker[1]}" if broker else args.broker
    url = f"{base_url.rstrip('/')}/bench{uuid.uuid4().hex[:8]}"
    context = multiprocessing.get_context("spawn")
    options = (not args.no_notify, args.writer_process, uuid.uuid4().hex[:6])
    workers, stop, out = _start_workers(context, db.url, url, args.workers, options)
    if args.backlog:  # sessions exist; the workers go away while everything is published
        _stop_workers(workers, stop, out)
        publishers = _publish_all(context, args, url, datastreams, tmp)
        for publisher in publishers:
            _wait(publisher)
        workers, stop, out = _start_workers(context, db.url, url, args.workers, options)
        started = time.perf_counter()  # counted from here: rows stored while starting are not
    else:
        publishers = _publish_all(context, args, url, datastreams, tmp)
        started = time.perf_counter()
    first = done = _stored(db)
    progress_at = time.perf_counter()
    while done < args.messages and time.perf_counter() - progress_at < STALL_SECONDS:
        if any(_failed(p) for p in publishers):
            raise SystemExit("publisher failed")
        time.sleep(0.05)
        now_done = _stored(db)
        if now_done != done:
            done, progress_at = now_done, time.perf_counter()
    elapsed = progress_at - started
    for publisher in publishers:
        _wait(publisher)
    results = _stop_workers(workers, stop, out)
    stored = _stored(db)
    if broker:
        broker[0].terminate()
    notify = "off" if args.no_notify else "on"
    echoes = sum(stats.get("echo", 0) for stats, _ in results)
    peak = max(rss for _, rss in results)
    print(
        f"| {args.broker.split('//')[-1]} broker, {'backlog, ' if args.backlog else ''}"
        f"{args.messages:,} msgs, "
        f"{args.datastreams} datastreams, {args.workers} worker "
        f"process(es){'' if args.writer_process else ' (writer in-process)'}, "
        f"{_publisher_label(args)}, notifications {notify} | "
        f"{(stored - first) / elapsed:,.0f} obs/s | {elapsed:.1f} s | {stored:,} stored | "
        f"{echoes:,} echoes skipped | worker peak RSS {peak:,.0f} MiB |"
    )


def _start_workers(
    context: Any, db_url: str, url: str, count: int, options: Any
) -> tuple[list[Any], Any, Any]:
    up, out, stop = context.Queue(), context.Queue(), context.Event()
    workers = [
        context.Process(target=_work, args=(db_url, url, n, options, up, stop, out))
        for n in range(count)
    ]
    for worker in workers:
        worker.start()
    for _ in workers:
        up.get(timeout=60)
    return workers, stop, out


def _stop_workers(workers: list[Any], stop: Any, out: Any) -> list[Any]:
    stop.set()
    results = [out.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join()
    return results


def _publish_all(
    context: Any, args: argparse.Namespace, url: str, datastreams: list[int], tmp: Path
) -> list[Any]:
    """Start the publishers; they begin all at once after encoding their messages."""
    go = context.Event()
    if args.publisher == "mosquitto_pub":
        launch = _mosquitto_pub(url, datastreams, args.messages, tmp)
        return list(launch())
    publishers = [
        context.Process(
            target=_publish,
            args=(url, datastreams, range(k, args.messages, args.publishers), go),
        )
        for k in range(args.publishers)
    ]
    for publisher in publishers:
        publisher.start()
    time.sleep(3)  # the publishers encode their messages, then all start at once
    go.set()
    return publishers


def _wait(publisher: Any) -> None:
    publisher.wait() if isinstance(publisher, subprocess.Popen) else publisher.join()


def _publisher_label(args: argparse.Namespace) -> str:
    if args.publisher == "mosquitto_pub":
        return f"{args.datastreams} mosquitto_pub"
    return f"{args.publishers} paho publisher(s)"


if __name__ == "__main__":
    main()
