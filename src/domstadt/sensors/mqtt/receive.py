"""A lean PUBLISH path for the ingest workers' paho client.

paho decodes every received MQTT 5 PUBLISH into a ``Properties`` object (whose constructor
builds a table of all 27 property kinds each time) and an ``MQTTMessage`` (with a
``threading.Condition`` per message): profiled with py-spy on a worker at ~6,000 messages a
second, that was about 60 % of the receiving process. The ingest worker needs only the
topic, payload, QoS, packet id and whether the message is Domstadt's own notification, so
:class:`IngestClient` decodes QoS 0 and 1 PUBLISH packets itself (MQTT 5.0, 3.3) into a
:class:`Received` and hands it to ``on_message``. Everything else — QoS 2, MQTT 3.1.1,
every other packet, the network loop, reconnects, acknowledgements — stays paho's.

It overrides paho's internal ``_handle_publish`` (paho-mqtt 2.x; tested against Mosquitto
in tests/sensors/test_mqtt.py and the decoder in tests/sensors/test_mqtt_receive.py).
"""

from __future__ import annotations

import struct
import time
from dataclasses import dataclass, field

import paho.mqtt.client as paho
from paho.mqtt.exception import MalformedPacket

from domstadt.sensors.mqtt.topics import EVENT_MARKER

USER_PROPERTY = 0x26


def _utf8_pair(key: str, value: str) -> bytes:
    encoded = [part.encode() for part in (key, value)]
    return b"".join(struct.pack("!H", len(part)) + part for part in encoded)


EVENT_PROPERTY = bytes([USER_PROPERTY]) + _utf8_pair(*EVENT_MARKER)
"""The encoded user property that marks a Domstadt notification (MQTT 5.0, 3.3.2.3.7)."""


@dataclass(slots=True)
class Received:
    """One received PUBLISH, as much of it as ingest uses."""

    topic: str
    payload: bytes
    qos: int
    mid: int
    retain: bool
    event: bool
    """True when it carries Domstadt's notification marker (``topics.EVENT_MARKER``)."""
    arrived: float = field(default_factory=time.monotonic)
    """When this worker decoded it (``time.monotonic``): the start of its ingest lag."""


def _variable_int(data: bytes | bytearray, pos: int) -> tuple[int, int]:
    """A Variable Byte Integer at ``pos``: its value and the position after it."""
    value = shift = 0
    for _ in range(4):
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
    raise MalformedPacket("Variable Byte Integer longer than four bytes")


def decode_publish(header: int, data: bytes | bytearray) -> Received:
    """Decode the variable header and payload of an MQTT 5 PUBLISH with QoS 0 or 1.

    ``header`` is the fixed header's first byte, ``data`` what follows the remaining length.
    A truncated or inconsistent packet raises paho's ``MalformedPacket``.
    """
    qos = (header & 0x06) >> 1
    try:
        end = 2 + int.from_bytes(data[0:2], "big")
        topic = data[2:end].decode("utf-8", "replace")
        mid = 0
        if qos:
            mid = int.from_bytes(data[end : end + 2], "big")
            end += 2
        props_len, start = _variable_int(data, end)
        end = start + props_len
        if end > len(data) or (qos and mid == 0):
            raise MalformedPacket("PUBLISH shorter than its header says")
        event = props_len > 0 and EVENT_PROPERTY in data[start:end]
        return Received(topic, bytes(data[end:]), qos, mid, bool(header & 0x01), event)
    except IndexError as exc:
        raise MalformedPacket(f"PUBLISH truncated: {exc}") from None


class IngestClient(paho.Client):
    """paho's MQTT client with the lean PUBLISH decoder above (``on_message`` receives
    :class:`Received` objects; topic-filtered callbacks are not used by ingest)."""

    def _handle_publish(self) -> paho.MQTTErrorCode:
        header = self._in_packet["command"]
        if self._protocol != paho.MQTTv5 or (header & 0x06) >> 1 == 2:
            return super()._handle_publish()
        message = decode_publish(header, self._in_packet["packet"])
        on_message = self.on_message
        if on_message is not None:
            with self._in_callback_mutex:
                on_message(self, self._userdata, message)  # type: ignore[arg-type]
        if message.qos == 1 and not self._manual_ack:
            return self._send_puback(message.mid)
        return paho.MQTTErrorCode.MQTT_ERR_SUCCESS
