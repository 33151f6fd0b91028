"""The ingest workers' broker connection (paho-mqtt, MQTT 5: persistent sessions, shared
subscriptions, manual QoS 1 acknowledgement).

Notifications go out through :mod:`domstadt.sensors.mqtt.publisher` with QoS 0 and the user
property ``domstadt-event``, so that ingest workers can tell them (:func:`is_event`) from
Observations that clients publish on the same topics.
"""

from __future__ import annotations

import logging
import ssl
import struct
from collections.abc import Sequence
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from domstadt.sensors.mqtt.receive import IngestClient, Received
from domstadt.sensors.mqtt.topics import EVENT_MARKER, BrokerUrl

log = logging.getLogger("domstadt.sensors.mqtt")
SESSION_EXPIRY_SECONDS = 7 * 24 * 3600
RECEIVE_MAXIMUM = 65535
CONNECT_WAIT_SECONDS = 2.0
RECONNECT_DELAY_SECONDS = (1, 2)
"""Backoff of a lost connection, first and longest wait. Short on purpose: Mosquitto (up to
2.1's file persistence) does not save ``$share`` subscriptions, so after a broker restart
messages are dropped until a worker has subscribed again (docs/operations.md)."""


def make_client(
    url: BrokerUrl, client_id: str, *, persistent: bool, manual_ack: bool = False
) -> paho.Client:
    """A paho MQTT 5 client for ``url`` (not yet connected) that hands ``on_message``
    :class:`~domstadt.sensors.mqtt.receive.Received` messages (QoS 0 and 1).

    ``persistent``: the broker keeps the session (subscriptions and unacknowledged QoS 1
    messages) for a week across disconnects, so a restarted worker with the same client id
    receives what arrived meanwhile.
    """
    client = IngestClient(
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
    client.reconnect_delay_set(*RECONNECT_DELAY_SECONDS)
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


def is_event(message: Received | paho.MQTTMessage) -> bool:
    """True for a notification published by Domstadt (not a client's new Observation)."""
    if isinstance(message, Received):
        return message.event
    props = getattr(message, "properties", None)
    pairs = getattr(props, "UserProperty", None) or []
    return EVENT_MARKER in pairs


PUBACK = 0x40


def ack_all(client: paho.Client, messages: Sequence[Received | paho.MQTTMessage]) -> None:
    """Acknowledge ``messages`` (manual ack mode) with one queued write of all PUBACKs.

    ``client.ack`` queues one packet per message and wakes the network thread with a
    syscall each time: a third of a receiving worker's time at a few thousand messages a
    second. A PUBACK without reason code or properties is four bytes (MQTT 5.0, 3.4.2.1), so
    the batch goes out as one buffer through paho's own queue. Without that queue (another
    paho version) each message is acknowledged the documented way.
    """
    mids = [m.mid for m in messages if m.qos == 1]
    queue_packet = getattr(client, "_packet_queue", None)
    if queue_packet is None or not mids:
        for message in messages:
            client.ack(message.mid, message.qos)
        return
    queue_packet(PUBACK, b"".join(struct.pack("!BBH", PUBACK, 2, mid) for mid in mids), 0, 1)
    for message in messages:
        if message.qos == 2:
            client.ack(message.mid, message.qos)
