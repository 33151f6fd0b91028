"""The ingest client's own PUBLISH decoder, checked against paho's decoder as the oracle."""

from __future__ import annotations

import struct

import pytest
from paho.mqtt import _packet
from paho.mqtt.client import MQTTProtocolVersion
from paho.mqtt.exception import MalformedPacket
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from domstadt.sensors.mqtt.receive import decode_publish
from domstadt.sensors.mqtt.topics import EVENT_MARKER


def _publish(
    topic: str, payload: bytes, *, qos: int, mid: int = 0, props: Properties | None
) -> tuple[int, bytes]:
    """The fixed header's first byte and the rest after the remaining length (MQTT 5, 3.3)."""
    encoded = topic.encode()
    body = struct.pack("!H", len(encoded)) + encoded
    if qos:
        body += struct.pack("!H", mid)
    body += props.pack() if props is not None else b"\x00"
    return 0x30 | (qos << 1) | 0x01, body + payload


def _user_props(*pairs: tuple[str, str]) -> Properties:
    props = Properties(PacketTypes.PUBLISH)
    props.UserProperty = list(pairs)
    return props


CASES = [
    ("v1.1/Datastreams(7)/Observations", b'{"result": 1}', 1, 513, None),
    ("köln/v1.1/Observations", b"", 0, 0, None),
    ("v1.1/Observations", b"x" * 300, 1, 65535, _user_props(("a", "b"))),
    ("v1.1/Observations", b"{}", 0, 0, _user_props(EVENT_MARKER)),
    ("v1.1/Observations", b"{}", 1, 9, _user_props(("x", "y"), EVENT_MARKER)),
]


@pytest.mark.parametrize(("topic", "payload", "qos", "mid", "props"), CASES)
def test_decodes_like_paho(
    topic: str, payload: bytes, qos: int, mid: int, props: Properties | None
) -> None:
    header, data = _publish(topic, payload, qos=qos, mid=mid, props=props)
    ours = decode_publish(header, data)
    theirs = _packet.decode_publish(header, data, MQTTProtocolVersion.MQTTv5)
    assert (ours.topic, ours.payload, ours.qos, ours.mid, ours.retain) == (
        theirs.topic.decode(),
        theirs.payload,
        theirs.qos,
        theirs.mid,
        theirs.retain,
    )
    pairs = getattr(theirs.properties, "UserProperty", [])
    assert ours.event == (EVENT_MARKER in pairs)


def test_marker_in_the_payload_is_not_an_event() -> None:
    marker = struct.pack("!BH", 0x26, len(EVENT_MARKER[0])) + EVENT_MARKER[0].encode()
    header, data = _publish("v1.1/Observations", marker * 3, qos=1, mid=4, props=None)
    assert decode_publish(header, data).event is False


@pytest.mark.parametrize("cut", [1, 5, 33, 36, 40, 49])
def test_truncated_packets_are_malformed(cut: int) -> None:
    props = _user_props(("key", "value"))  # 13 bytes after its length: the packet has 50
    header, data = _publish("v1.1/Datastreams(7)/Observations", b"", qos=1, mid=3, props=props)
    assert len(data) == 50 and decode_publish(header, data).topic.endswith("Observations")
    with pytest.raises(MalformedPacket):
        decode_publish(header, data[:cut])
