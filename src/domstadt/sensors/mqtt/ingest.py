"""The MQTT ingest worker (``domstadt sensors mqtt``): shared subscription, batches, acks.

Several workers subscribe to ``$share/domstadt/v1.1/+/Observations`` (and
``…/v1.1/Observations``) and the broker splits the messages between them. Each worker keeps
a persistent MQTT 5 session (fixed client id, clean start off, session expiry one week) and
acknowledges a QoS 1 message only after the batch holding it is committed, so neither a
reconnect nor a crash loses one: unacknowledged messages are delivered again, and the
duplicate policy (one Observation per Datastream and phenomenonTime) absorbs repeats.
Messages are batched (up to ``max_batch`` or ``max_wait`` seconds) into one transaction with
one multi-row INSERT. A message that is not an Observation is logged and counted
(``domstadt_mqtt_messages_total{outcome="invalid"}``) and acknowledged; ingest goes on.
How far behind ingest is: ``domstadt_mqtt_inbox_messages`` (received, not yet written) and
``domstadt_mqtt_lag_seconds`` (from a message's arrival at the worker to its commit and
acknowledgement, observed once per batch for its oldest message).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import Counter as Tally
from typing import Any, TypeVar

import paho.mqtt.client as paho
from paho.mqtt.subscribeoptions import SubscribeOptions
from prometheus_client import Counter, Gauge, Histogram

from domstadt.core.db import Database
from domstadt.core.logs import active_format
from domstadt.sensors import mqtt_service
from domstadt.sensors.mqtt.client import ack_all, connect, is_event, make_client
from domstadt.sensors.mqtt.publisher import Publisher
from domstadt.sensors.mqtt.receive import Received
from domstadt.sensors.mqtt.topics import BrokerUrl, ingest_subscriptions
from domstadt.sensors.mqtt.writer import BatchWriter, WriterProcess

log = logging.getLogger("domstadt.sensors.mqtt")
MESSAGES = Counter(
    "domstadt_mqtt_messages", "MQTT messages handled by ingest workers, by outcome", ["outcome"]
)
LAG = Histogram(
    "domstadt_mqtt_lag_seconds",
    "Seconds from the arrival of a batch's oldest message at the ingest worker to its commit",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
INBOX = Gauge(
    "domstadt_mqtt_inbox_messages",
    "MQTT messages received, not yet written",
    multiprocess_mode="livesum",  # summed over the live processes when several share a dir
)
RETRIES = 3
STOP_WAIT_SECONDS = 30.0  # a batch hanging on an unreachable database does not block stop
T = TypeVar("T")


class IngestWorker:
    """One ingest worker; ``run()`` blocks until ``stop()``."""

    def __init__(
        self,
        database: Database,
        url: str,
        *,
        client_id: str,
        base: str,
        group: str = "domstadt",
        max_batch: int = 2000,
        max_wait: float = 0.05,
        publish: bool = True,
        writer_process: bool = False,
    ) -> None:
        self.broker = BrokerUrl.parse(url)
        self.group = group
        self.max_batch = max_batch
        self.max_wait = max_wait
        self.client = make_client(self.broker, client_id, persistent=True, manual_ack=True)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message  # type: ignore[assignment]  # gets Received
        self.writer: BatchWriter | WriterProcess
        if writer_process:
            self.writer = WriterProcess(
                database_url=database.url,
                broker_url=url,
                client_id=f"{client_id}-pub",
                base=base,
                publish=publish,
                log_level=logging.getLevelName(log.getEffectiveLevel()),
                log_format=active_format(),
            )
        else:
            publisher = Publisher(self.broker, f"{client_id}-pub") if publish else None
            self.writer = BatchWriter(database, self.broker.root, base, publisher)
        self.inbox: queue.Queue[Received] = queue.Queue()
        INBOX.set_function(self.inbox.qsize)
        self.stats: Tally[str] = Tally()
        self.connected = threading.Event()
        """Set once the broker confirmed the subscriptions (not merely the connection)."""
        self._stop = threading.Event()
        self._busy = threading.Lock()  # held while a batch is written and acknowledged

    def _on_connect(self, client: paho.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            log.error("MQTT broker refused the connection: %s", reason)
            return
        options = SubscribeOptions(qos=1)
        client.subscribe([(t, options) for t in ingest_subscriptions(self.broker.root, self.group)])
        log.info("MQTT ingest connected to %s:%s", self.broker.host, self.broker.port)

    def _on_subscribe(self, _c: paho.Client, _u: Any, _mid: Any, _codes: Any, _p: Any) -> None:
        self.connected.set()  # subscribed: from now on nothing published is missed

    def _on_message(self, client: paho.Client, _u: Any, message: Received) -> None:
        if is_event(message):  # our own notification on an observation topic
            client.ack(message.mid, message.qos)
            self._count("echo")
            return
        self.inbox.put(message)

    def _count(self, outcome: str, n: int = 1) -> None:
        self.stats[outcome] += n
        MESSAGES.labels(outcome).inc(n)

    def start(self) -> None:
        """Connect (persistent session) and start receiving in the background."""
        connect(self.client, self.broker, persistent=True, wait=True)
        self.client.loop_start()

    def run(self) -> None:
        """Take batches from the inbox and write them until ``stop()`` is called."""
        while not self._stop.is_set():
            batch = self._take()
            if not batch:
                continue
            with self._busy:
                if self._stop.is_set():  # taken but not written: the broker delivers it again
                    return
                self._process(batch)

    def stop(self) -> None:
        """Stop after the current batch (``run`` may be in another thread); unacknowledged
        messages stay with the broker."""
        self._stop.set()
        finishing = self._busy.acquire(timeout=STOP_WAIT_SECONDS)
        try:  # the batch being written is finished and acknowledged first
            self.client.disconnect()
            self.client.loop_stop()
            if isinstance(self.writer, WriterProcess):
                self.writer.close()
            elif isinstance(self.writer.publisher, Publisher):
                self.writer.publisher.stop()
        finally:
            if finishing:
                self._busy.release()

    def _take(self) -> list[Received]:
        return take_batch(self.inbox, self.max_batch, self.max_wait)

    def _process(self, batch: list[Received]) -> None:
        messages = [mqtt_service.Message(msg.topic, bytes(msg.payload)) for msg in batch]
        for attempt in range(RETRIES):
            try:
                outcomes = self.writer.write(messages)
                break
            except Exception:
                log.exception("MQTT batch of %d failed (attempt %d)", len(batch), attempt + 1)
                if self._stop.wait(0.5 * (attempt + 1)):
                    return  # stopping: unacknowledged, the broker delivers the batch again
        else:  # a batch that keeps failing: write each message alone, refuse what still fails
            try:
                outcomes = self.writer.write_alone(messages)
            except Exception:  # writer or database gone: keep them, try again later
                log.exception("MQTT batch of %d not written; it stays queued", len(batch))
                for message in batch:
                    self.inbox.put(message)
                return
        ack_all(self.client, batch)
        LAG.observe(time.monotonic() - min(message.arrived for message in batch))
        for message, outcome in zip(batch, outcomes, strict=True):
            kind = outcome.split(":", 1)[0]
            self._count(kind)
            if kind == "invalid":
                log.warning("MQTT message on %s refused: %s", message.topic, outcome[9:])


def take_batch(inbox: queue.Queue[T], max_batch: int, max_wait: float) -> list[T]:
    """Wait up to 0.2 s for a first item, then take more for at most ``max_wait`` seconds or
    until ``max_batch`` items (the batching of every ingest loop)."""
    try:
        batch = [inbox.get(timeout=0.2)]
    except queue.Empty:
        return []
    deadline = time.monotonic() + max_wait
    while len(batch) < max_batch:
        remaining = deadline - time.monotonic()
        try:
            batch.append(inbox.get(timeout=remaining) if remaining > 0 else inbox.get_nowait())
        except queue.Empty:
            break
    return batch
