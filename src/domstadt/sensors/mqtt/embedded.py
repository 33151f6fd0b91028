"""The embedded MQTT broker: SensorThings MQTT without a separate broker (amqtt, MQTT 3.1.1).

When ``DOMSTADT_MQTT_URL`` is empty, ``domstadt serve`` runs an amqtt broker in this process
(on ``DOMSTADT_MQTT_EMBEDDED_HOST``:``DOMSTADT_MQTT_EMBEDDED_PORT``, topic root ``v1.1``):

- the broker runs on a thread of its own with its own asyncio loop, so neither a busy HTTP
  loop nor a slow MQTT client stalls the other, and sync code (a commit in a route's thread
  pool or in the ingest thread) reaches it through ``run_coroutine_threadsafe``;
- :class:`IngestPlugin` sees every client PUBLISH the broker accepted; those on the topics the
  ingest workers subscribe to (``v1.1/Observations``, ``v1.1/+/Observations``) go to a
  :class:`~domstadt.sensors.mqtt.batch_ingest.BatchIngest` thread;
- :class:`EmbeddedPublisher` broadcasts notifications inside the broker. Those never pass the
  broker's PUBLISH handling, so the plugin does not see (and ingest) them again.

amqtt speaks MQTT 3.1.1 only (no MQTT 5, no ``$share``), so the paho clients of
``mqtt/client.py`` are not used here. Clients are anonymous: bind the broker to a loopback
address (the default) or use Mosquitto with ACLs (``DOMSTADT_MQTT_URL``) in production.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import errno
import logging
import socket
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

from amqtt.broker import Broker, BrokerContext
from amqtt.plugins.base import BasePlugin

from domstadt.core.db import Database
from domstadt.sensors.mqtt.batch_ingest import BatchIngest
from domstadt.sensors.mqtt.notify import Notifier
from domstadt.sensors.mqtt.publisher import publisher_for
from domstadt.sensors.mqtt.topics import VERSION, is_ingest_topic, select_topic_parts
from domstadt.sensors.mqtt_service import Message

log = logging.getLogger("domstadt.sensors.mqtt")
ROOT = VERSION
START_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0
QOS_0 = 0
PORT_TAKEN = (
    "MQTT: port %(port)s on %(host)s is already in use (another MQTT broker such as Mosquitto?). "
    "Domstadt serves HTTP without MQTT. To use that broker set "
    "DOMSTADT_MQTT_URL=mqtt://%(host)s:%(port)s and run `domstadt sensors mqtt`; to run the "
    "embedded broker on another port set DOMSTADT_MQTT_EMBEDDED_PORT."
)


class LiveSelects:
    """The ``$select`` topics clients of the embedded broker subscribe to right now.

    A broker elsewhere does not tell Domstadt what its clients subscribe to, so there
    ``$select`` topics are registered (``domstadt sensors select-topic add``); the embedded
    broker sees every subscription, so a client's subscription alone is enough here.
    """

    def __init__(self) -> None:
        self._clients: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def subscribed(self, client_id: str, topic: str) -> None:
        """Note ``client_id``'s subscription when ``topic`` is a ``$select`` topic."""
        relative = topic.removeprefix(f"{ROOT}/")
        if relative == topic or "?" not in relative:
            return
        try:
            select_topic_parts(relative)
        except ValueError:
            return  # not a $select topic: nothing is ever published there
        with self._lock:
            self._clients.setdefault(relative, set()).add(client_id)

    def unsubscribed(self, client_id: str, topic: str) -> None:
        """Forget ``client_id``'s subscription; the topic goes with its last subscriber."""
        relative = topic.removeprefix(f"{ROOT}/")
        with self._lock:
            clients = self._clients.get(relative)
            if clients is not None:
                clients.discard(client_id)
                if not clients:
                    del self._clients[relative]

    def forget(self, client_id: str) -> None:
        """Forget every subscription of ``client_id`` (its clean session ended)."""
        with self._lock:
            for topic in [t for t, clients in self._clients.items() if client_id in clients]:
                self._clients[topic].discard(client_id)
                if not self._clients[topic]:
                    del self._clients[topic]

    def by_path(self) -> dict[str, list[tuple[str, list[str]]]]:
        """The topics by entity path, as ``notify`` keeps the registered ones."""
        with self._lock:
            topics = list(self._clients)
        out: dict[str, list[tuple[str, list[str]]]] = {}
        for topic in topics:
            path, names = select_topic_parts(topic)
            out.setdefault(path, []).append((topic, names))
        return out


class IngestPlugin(BasePlugin[BrokerContext]):
    """amqtt plugin handing client PUBLISHes on observation topics to ``sink`` and
    ``$select`` subscriptions to ``selects``."""

    def __init__(self, context: BrokerContext) -> None:
        super().__init__(context)
        self.sink: Callable[[Message], None] | None = None
        self.selects: LiveSelects | None = None

    async def on_broker_message_broadcast(self, *, client_id: str, message: Any) -> None:
        """Called by amqtt for each accepted PUBLISH (not for internal broadcasts)."""
        if self.sink is not None and is_ingest_topic(ROOT, message.topic):
            self.sink(Message(message.topic, bytes(message.data)))

    async def on_broker_client_subscribed(self, *, client_id: str, topic: str, qos: int) -> None:
        """Called by amqtt for each accepted subscription."""
        if self.selects is not None:
            self.selects.subscribed(client_id, topic)

    async def on_broker_client_unsubscribed(self, *, client_id: str, topic: str) -> None:
        """Called by amqtt for each unsubscription."""
        if self.selects is not None:
            self.selects.unsubscribed(client_id, topic)

    async def on_broker_client_disconnected(self, *, client_id: str, client_session: Any) -> None:
        """Called by amqtt when a client leaves; a clean session takes its subscriptions."""
        if self.selects is not None and getattr(client_session, "clean_session", True):
            self.selects.forget(client_id)


class EmbeddedPublisher:
    """Notifications into the embedded broker (a ``notify.Notifier``)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, broker: Any, selects: LiveSelects) -> None:
        self._loop = loop
        self._broker = broker
        self.selects = selects
        self.closed = False

    def live_selects(self) -> dict[str, list[tuple[str, list[str]]]]:
        """``$select`` topics subscribed to right now (notified besides the registered ones)."""
        return self.selects.by_path()

    @property
    def root(self) -> str:
        """The topic root (``v1.1``)."""
        return ROOT

    def publish(self, messages: list[tuple[str, bytes]]) -> None:
        """Hand ``messages`` to the broker's loop (QoS 0, like the paho publisher); no wait."""
        if self.closed or not messages:
            return
        coro = self._broadcast(messages)
        try:
            future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        except RuntimeError:  # the loop has just closed: the broker is gone
            coro.close()
            return
        future.add_done_callback(_log_failure)

    async def _broadcast(self, messages: list[tuple[str, bytes]]) -> None:
        for topic, payload in messages:
            await self._broker.internal_message_broadcast(topic, payload, QOS_0)


def _log_failure(future: concurrent.futures.Future[None]) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.error("MQTT notifications could not be published", exc_info=future.exception())


def port_in_use(host: str, port: int) -> bool:
    """True when something already listens on ``host``:``port``."""
    family, kind, proto, _name, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE
    return False


class EmbeddedBroker:
    """The amqtt broker on its own thread plus the batching ingest thread."""

    def __init__(self, database: Database, *, host: str, port: int, base: str) -> None:
        self.host = host
        self.port = port
        self.ingest = BatchIngest(database, root=ROOT, base=base)
        self.publisher: EmbeddedPublisher | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None

    @property
    def url(self) -> str:
        """``mqtt://host:port`` of the listener."""
        return f"mqtt://{self.host}:{self.port}"

    def start(self) -> bool:
        """Start broker and ingest; False (after one warning) when the port is taken."""
        if port_in_use(self.host, self.port):
            log.warning(PORT_TAKEN, {"host": self.host, "port": self.port})
            return False
        # amqtt's state machine library logs every transition of every session at INFO
        if logging.getLogger("transitions").level == logging.NOTSET:
            logging.getLogger("transitions").setLevel(logging.WARNING)
        ready: concurrent.futures.Future[BaseException | None] = concurrent.futures.Future()
        self._thread = threading.Thread(
            target=asyncio.run, args=(self._serve(ready),), name="mqtt-embedded", daemon=True
        )
        self._thread.start()
        error = ready.result(START_TIMEOUT)
        if error is not None:
            self._thread.join(STOP_TIMEOUT)
            self._thread = None
            log.warning("MQTT: the embedded broker did not start (%s); serving HTTP only.", error)
            return False
        self.ingest.writer.publisher = self.publisher
        self.ingest.start()
        log.info("Embedded MQTT broker (MQTT 3.1.1) on %s, topic root %s", self.url, ROOT)
        return True

    def stop(self) -> None:
        """Stop accepting messages, shut the broker down, then write what is queued."""
        if self._thread is None:
            return
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(STOP_TIMEOUT)
        self._thread = None
        if self.publisher is not None:
            self.publisher.closed = True
        self.ingest.stop()

    def _config(self) -> dict[str, Any]:
        return {
            "listeners": {"default": {"type": "tcp", "bind": f"{self.host}:{self.port}"}},
            "plugins": {
                "amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True},
                f"{__name__}.IngestPlugin": {},
            },
        }

    async def _serve(self, ready: concurrent.futures.Future[BaseException | None]) -> None:
        """The broker thread: start, signal ``ready``, run until ``stop()``, shut down."""
        loop = asyncio.get_running_loop()
        try:
            broker = Broker(self._config(), loop=loop)
            plugin = next(p for p in broker.plugins_manager.plugins if isinstance(p, IngestPlugin))
            plugin.sink = self.ingest.offer
            plugin.selects = selects = LiveSelects()
            await broker.start()
        except Exception as exc:
            ready.set_result(exc)
            return
        self._loop, self._stop = loop, asyncio.Event()
        self.publisher = EmbeddedPublisher(loop, broker, selects)
        ready.set_result(None)
        await self._stop.wait()
        await broker.shutdown()


def enable(state: Any) -> None:
    """Ask the app whose ``state`` this is to run the embedded broker while it serves.

    ``domstadt serve`` calls this; test apps run no broker unless a test asks.
    """
    state.mqtt_embedded_wanted = True


@asynccontextmanager
async def running(state: Any) -> AsyncIterator[EmbeddedBroker | None]:
    """The embedded broker for the app's lifespan (None when not wanted or not started).

    Wanted when :func:`enable` was called, ``DOMSTADT_MQTT_EMBEDDED`` is on and
    ``DOMSTADT_MQTT_URL`` is empty.
    """
    settings = state.settings
    wanted = getattr(state, "mqtt_embedded_wanted", False)
    if not (wanted and settings.mqtt_embedded and not settings.mqtt_url):
        yield None
        return
    broker = EmbeddedBroker(
        state.database,
        host=settings.mqtt_embedded_host,
        port=settings.mqtt_embedded_port,
        base=f"{settings.base_url}/sta/v1.1",
    )
    started = await asyncio.to_thread(broker.start)
    state.mqtt_broker = broker if started else None
    try:
        yield state.mqtt_broker
    finally:
        state.mqtt_broker = None
        if started:
            await asyncio.to_thread(broker.stop)


def app_publisher(state: Any) -> Notifier | None:
    """The publisher for notifications: DOMSTADT_MQTT_URL's, the embedded broker's, or None."""
    url = state.settings.mqtt_url
    if url:
        return publisher_for(url)
    broker: EmbeddedBroker | None = getattr(state, "mqtt_broker", None)
    if broker is None or broker.publisher is None:
        return None
    return broker.publisher


def app_endpoint(state: Any) -> str:
    """The MQTT URL the landing page lists ('' when the app has no broker)."""
    settings = state.settings
    if settings.mqtt_url:
        return str(settings.mqtt_url)
    broker: EmbeddedBroker | None = getattr(state, "mqtt_broker", None)
    if broker is None:
        return ""
    host = broker.host
    if host in {"0.0.0.0", "::", ""}:  # listening everywhere: name the host clients use
        host = urlsplit(settings.base_url).hostname or "127.0.0.1"
    return f"mqtt://{host}:{broker.port}"
