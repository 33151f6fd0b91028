"""The broker connection (paho-mqtt, MQTT 5) used to publish notifications and to ingest.

Notifications are published with QoS 0 (no acknowledgement round trip per message; a broker
grants a client only ~20 unacknowledged QoS 1 messages, which capped ingest with notifications
on) and carry the user property ``domstadt-event`` so that ingest workers can tell them from
Observations that clients publish on the same topics.
"""

from __future__ import annotations

import logging
import os
import ssl
import threading
import uuid
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from domstadt.sensors.mqtt.topics import EVENT_MARKER, BrokerUrl

log = logging.getLogger("domstadt.sensors.mqtt")
SESSION_EXPIRY_SECONDS = 7 * 24 * 3600
RECEIVE_MAXIMUM = 65535
CONNECT_WAIT_SECONDS = 2.0


def make_client(
    url: BrokerUrl, client_id: str, *, persistent: bool, manual_ack: bool = False
) -> paho.Client:
    """A paho MQTT 5 client for ``url`` (not yet connected).

    ``persistent``: the broker keeps the session (subscriptions and unacknowledged QoS 1
    messages) for a week across disconnects, so a restarted worker with the same client id
    receives what arrived meanwhile.
    """
    client = paho.Client(
        paho.CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=paho.MQTTv5,
        manual_ack=manual_ack,
    )
    if url.username:
        client.username_pw_set(url.username, url.password)
    if url.tls:
        client.tls_set(cert_reqs=ssl.CERT_REQUIRED)
    client.max_queued_messages_set(0)
    client.max_inflight_messages_set(1000)
    client.reconnect_delay_set(1, 30)
    client.user_data_set({"persistent": persistent})
    return client


def connect_properties(persistent: bool) -> Properties:
    """CONNECT properties: session expiry for persistent sessions, a large receive window."""
    props = Properties(PacketTypes.CONNECT)
    props.SessionExpiryInterval = SESSION_EXPIRY_SECONDS if persistent else 0
    props.ReceiveMaximum = RECEIVE_MAXIMUM
    return props


def connect(client: paho.Client, url: BrokerUrl, *, persistent: bool, wait: bool) -> None:
    """Connect (``wait``: block until the broker answered, else connect in the background)."""
    kwargs: dict[str, Any] = {
        "clean_start": not persistent,
        "properties": connect_properties(persistent),
        "keepalive": 30,
    }
    if wait:
        client.connect(url.host, url.port, **kwargs)
    else:
        client.connect_async(url.host, url.port, **kwargs)


def event_properties() -> Properties:
    """PUBLISH properties marking a Domstadt notification."""
    props = Properties(PacketTypes.PUBLISH)
    props.UserProperty = [EVENT_MARKER]
    return props


def is_event(message: paho.MQTTMessage) -> bool:
    """True for a notification published by Domstadt (not a client's new Observation)."""
    props = getattr(message, "properties", None)
    pairs = getattr(props, "UserProperty", None) or []
    return EVENT_MARKER in pairs


class Publisher:
    """A background connection that publishes notifications (reconnects by itself)."""

    def __init__(self, url: BrokerUrl, client_id: str) -> None:
        self.url = url
        self.client = make_client(url, client_id, persistent=False)
        self._props = event_properties()
        self._started = False
        self._lock = threading.Lock()
        self.connected = threading.Event()
        self.client.on_connect = lambda *_args: self.connected.set()
        self.client.on_disconnect = lambda *_args: self.connected.clear()

    @property
    def root(self) -> str:
        """The topic root (``v1.1`` or ``prefix/v1.1``)."""
        return self.url.root

    def start(self) -> None:
        """Connect in the background and start the network thread (idempotent)."""
        with self._lock:
            if not self._started:
                connect(self.client, self.url, persistent=False, wait=False)
                self.client.loop_start()
                self._started = True

    def publish(self, messages: list[tuple[str, bytes]]) -> None:
        """Queue ``messages`` (QoS 0: a notification is not worth a round trip per message)."""
        self.start()
        # QoS 0 messages are dropped while disconnected: give a fresh connection a moment
        self.connected.wait(CONNECT_WAIT_SECONDS)
        for topic, payload in messages:
            self.client.publish(topic, payload, qos=0, properties=self._props)

    def stop(self) -> None:
        """Disconnect and stop the network thread."""
        with self._lock:
            if self._started:
                self.client.disconnect()
                self.client.loop_stop()
                self._started = False


_PUBLISHERS: dict[str, Publisher] = {}
_PUBLISHERS_LOCK = threading.Lock()


def publisher_for(url: str) -> Publisher:
    """The process's publisher for ``url`` (one connection per broker URL)."""
    with _PUBLISHERS_LOCK:
        publisher = _PUBLISHERS.get(url)
        if publisher is None:
            client_id = f"domstadt-pub-{os.getpid()}-{uuid.uuid4().hex[:8]}"
            publisher = Publisher(BrokerUrl.parse(url), client_id)
            _PUBLISHERS[url] = publisher
        return publisher
