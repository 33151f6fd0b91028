"""A plain MQTT test client (paho) that records what arrives on its topics; shared by the
MQTT tests against Mosquitto (MQTT 5) and against the embedded broker (MQTT 3.1.1)."""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

import paho.mqtt.client as paho

from domstadt.sensors.mqtt.topics import BrokerUrl

WAIT = 30.0


class MqttTestClient:
    """Connects, subscribes to ``root/topic`` for each of ``topics`` and records messages."""

    def __init__(
        self,
        host: str,
        port: int,
        root: str,
        topics: list[str],
        *,
        protocol: paho.MQTTProtocolVersion = paho.MQTTv5,
    ) -> None:
        self.root = root
        self.received: list[tuple[str, Any]] = []
        self.client = paho.Client(
            paho.CallbackAPIVersion.VERSION2,
            client_id=f"t-{uuid.uuid4().hex[:10]}",
            protocol=protocol,
        )
        connected, subscribed = threading.Event(), threading.Event()
        self.client.on_connect = lambda *_args: connected.set()
        self.client.on_subscribe = lambda *_args: subscribed.set()
        self.client.on_message = lambda _c, _u, msg: self.received.append(
            (msg.topic, _decode(msg.payload))
        )
        self.client.connect(host, port)
        self.client.loop_start()
        assert connected.wait(WAIT)
        if topics:
            self.client.subscribe([(f"{root}/{t}", 1) for t in topics])
            assert subscribed.wait(WAIT)

    @classmethod
    def for_url(cls, url: str, topics: list[str]) -> MqttTestClient:
        """An MQTT 5 client of the broker and topic root in ``url``."""
        broker = BrokerUrl.parse(url)
        return cls(broker.host, broker.port, broker.root, topics)

    def on(self, path: str) -> list[Any]:
        """Payloads received on ``root/path``."""
        return [p for t, p in self.received if t == f"{self.root}/{path}"]

    def publish(self, path: str, payload: Any, *, raw: bool = False) -> None:
        """Publish ``payload`` (JSON unless ``raw``) at QoS 1 and wait for the broker."""
        data = payload if raw else json.dumps(payload)
        self.client.publish(f"{self.root}/{path}", data, qos=1).wait_for_publish(WAIT)

    def close(self) -> None:
        """Disconnect."""
        self.client.disconnect()
        self.client.loop_stop()


def _decode(payload: bytes) -> Any:
    try:
        return json.loads(payload)
    except ValueError:
        return None  # the malformed messages the tests publish themselves
