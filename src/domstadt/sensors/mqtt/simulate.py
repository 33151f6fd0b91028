"""The traffic simulator's engine: publish Observations of daily profiles to the platform's
MQTT ingest topics (``<root>/Datastreams(id)/Observations``), time-stamped now, at a fixed
rate, until stopped or a message count is reached."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Callable, Iterator

import orjson
import paho.mqtt.client as paho

from domstadt.sensors.mqtt.topics import BrokerUrl
from domstadt.sensors.profiles import DAY_SLOTS, DailyProfile, slot_of

CONNECT_WAIT = 10.0


class SimulatorError(Exception):
    """The broker cannot be reached (the message says why, in German)."""


def messages(
    profiles: list[DailyProfile], now: Callable[[], dt.datetime]
) -> Iterator[tuple[int, dict[str, object]]]:
    """Endless (datastream id, Observation) pairs, round robin over the streams: the value
    of the current 5-minute slot of the day, or the nearest earlier slot that has one."""
    while True:
        for profile in profiles:
            moment = now()
            slot = slot_of(moment)
            value = next(
                (
                    profile.values[s % DAY_SLOTS]
                    for s in range(slot, slot - DAY_SLOTS, -1)
                    if s % DAY_SLOTS in profile.values
                ),
                None,
            )
            if value is not None:
                yield (
                    profile.datastream_id,
                    {
                        "phenomenonTime": moment.isoformat().replace("+00:00", "Z"),
                        "result": value,
                    },
                )


def _connect(url: BrokerUrl) -> paho.Client:
    client = paho.Client(
        paho.CallbackAPIVersion.VERSION2,
        client_id=f"domstadt-simulate-{uuid.uuid4().hex[:8]}",
        protocol=paho.MQTTv5,
    )
    if url.username:
        client.username_pw_set(url.username, url.password)
    if url.tls:
        client.tls_set()
    connected = threading.Event()
    client.on_connect = lambda *_args: connected.set()
    try:
        client.connect(url.host, url.port)
    except OSError as exc:
        raise SimulatorError(f"MQTT-Broker {url.host}:{url.port} nicht erreichbar: {exc}") from None
    client.loop_start()
    if not connected.wait(CONNECT_WAIT):
        client.loop_stop()
        raise SimulatorError(f"MQTT-Broker {url.host}:{url.port} antwortet nicht.")
    return client


def run(
    url: str,
    profiles: list[DailyProfile],
    *,
    rate: float,
    count: int = 0,
    on_sent: Callable[[int], None] | None = None,
) -> int:
    """Publish ``rate`` messages a second (QoS 1) until ``count`` are sent (0: until
    KeyboardInterrupt, which the caller handles); returns the number sent."""
    broker = BrokerUrl.parse(url)
    client = _connect(broker)
    sent = 0
    try:
        for ds_id, observation in messages(profiles, lambda: dt.datetime.now(dt.UTC)):
            info = client.publish(
                f"{broker.root}/Datastreams({ds_id})/Observations", orjson.dumps(observation), qos=1
            )
            info.wait_for_publish(CONNECT_WAIT)
            sent += 1
            if on_sent:
                on_sent(sent)
            if count and sent >= count:
                break
            time.sleep(1 / rate)
    finally:
        client.disconnect()
        client.loop_stop()
    return sent
