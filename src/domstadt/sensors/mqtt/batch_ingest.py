"""The batching ingest thread of the embedded broker: messages in, one transaction per batch.

The embedded broker's plugin hands every client PUBLISH on an observation topic to
:meth:`BatchIngest.offer` (non-blocking, from the broker's event loop). A thread takes up to
``max_batch`` messages (or what arrived within ``max_wait`` seconds) and writes them through
``mqtt_service.ingest`` in one transaction, like the ``domstadt sensors mqtt`` worker: the
same outcomes, the same Prometheus metrics (``domstadt_mqtt_messages_total{outcome=…}``,
``domstadt_mqtt_inbox_messages``, ``domstadt_mqtt_lag_seconds``), and
notifications of the committed Observations through the broker's publisher. A batch that
fails as a whole is written message by message, so one bad message never stops ingest.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import Counter as Tally

from domstadt.core.db import Database
from domstadt.sensors import mqtt_service
from domstadt.sensors.mqtt.ingest import INBOX, LAG, MESSAGES, take_batch
from domstadt.sensors.mqtt.notify import Notifier
from domstadt.sensors.mqtt.writer import BatchWriter

log = logging.getLogger("domstadt.sensors.mqtt")
INBOX_CAPACITY = 200_000


class BatchIngest:
    """Writes offered messages in batches on its own thread until ``stop()``."""

    def __init__(
        self,
        database: Database,
        *,
        root: str,
        base: str,
        publisher: Notifier | None = None,
        max_batch: int = 2000,
        max_wait: float = 0.05,
    ) -> None:
        self.writer = BatchWriter(database, root, base, publisher)
        self.max_batch = max_batch
        self.max_wait = max_wait
        self.inbox: queue.Queue[tuple[float, mqtt_service.Message]] = queue.Queue(INBOX_CAPACITY)
        INBOX.set_function(self.inbox.qsize)
        self.stats: Tally[str] = Tally()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def offer(self, message: mqtt_service.Message) -> None:
        """Queue ``message`` without blocking; a full inbox drops it (counted, logged)."""
        try:
            self.inbox.put_nowait((time.monotonic(), message))
        except queue.Full:
            self._count("dropped")
            log.warning("MQTT ingest is %d messages behind; dropped one", INBOX_CAPACITY)

    def start(self) -> None:
        """Start the writer thread."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="mqtt-embedded-ingest", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Write what is queued, then stop the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not (self._stop.is_set() and self.inbox.empty()):
            batch = self._take()
            if batch:
                self._process(batch)

    def _take(self) -> list[tuple[float, mqtt_service.Message]]:
        return take_batch(self.inbox, self.max_batch, self.max_wait)

    def _process(self, arrived: list[tuple[float, mqtt_service.Message]]) -> None:
        batch = [message for _, message in arrived]
        try:
            outcomes = self.writer.write(batch)
        except Exception:
            log.exception("MQTT batch of %d failed; writing its messages one by one", len(batch))
            outcomes = self.writer.write_alone(batch)
        LAG.observe(time.monotonic() - arrived[0][0])
        for message, outcome in zip(batch, outcomes, strict=True):
            kind = outcome.split(":", 1)[0]
            self._count(kind)
            if kind == "invalid":
                log.warning("MQTT message on %s refused: %s", message.topic, outcome[9:])

    def _count(self, outcome: str) -> None:
        self.stats[outcome] += 1
        MESSAGES.labels(outcome).inc()
