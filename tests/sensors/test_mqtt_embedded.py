"""The embedded MQTT broker (amqtt, MQTT 3.1.1) started by the app's lifespan.

Each test runs the broker on a free port of its own against the test database and talks to
it with a real paho client speaking MQTT 3.1.1.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import paho.mqtt.client as paho
import pytest
from prometheus_client import REGISTRY
from starlette.testclient import TestClient

from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.sensors.mqtt import embedded
from tests.sensors.conftest import STA, thing_payload
from tests.sensors.mqtt_client import MqttTestClient

WAIT = 30.0
CREATE_CLASS = "create-observations-via-mqtt"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _app_client(settings: Settings, db: Database, port: int) -> TestClient:
    from domstadt.web.app import create_app

    settings = settings.model_copy(
        update={"mqtt_url": "", "mqtt_embedded_port": port, "mqtt_embedded_host": "127.0.0.1"}
    )
    app = create_app(settings, db)
    embedded.enable(app.state)
    return TestClient(app, base_url="http://testserver")


@pytest.fixture
def port() -> int:
    """A free TCP port for this test's broker."""
    return _free_port()


@pytest.fixture
def broker_client(settings: Settings, db: Database, port: int) -> Iterator[TestClient]:
    """An app client whose lifespan runs the embedded broker on ``port``."""
    with _app_client(settings, db, port) as client:
        assert client.app.state.mqtt_broker is not None  # type: ignore[attr-defined]
        yield client


def _broker(client: TestClient) -> embedded.EmbeddedBroker:
    broker: embedded.EmbeddedBroker = client.app.state.mqtt_broker  # type: ignore[attr-defined]
    return broker


def Client311(port: int, topics: list[str]) -> MqttTestClient:
    """An MQTT 3.1.1 client of the embedded broker (topic root ``v1.1``)."""
    return MqttTestClient("127.0.0.1", port, "v1.1", topics, protocol=paho.MQTTv311)


def _until(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _invalid_total() -> float:
    value = REGISTRY.get_sample_value("domstadt_mqtt_messages_total", {"outcome": "invalid"})
    return value or 0.0


def _seed(client: TestClient, auth: dict[str, str]) -> int:
    thing = client.post(f"{STA}/Things", json=thing_payload(), headers=auth).json()
    return int(
        client.get(f"{STA}/Things({thing['@iot.id']})/Datastreams").json()["value"][0]["@iot.id"]
    )


def _results(client: TestClient, ds: int) -> list[Any]:
    page = client.get(f"{STA}/Datastreams({ds})/Observations?$orderby=phenomenonTime").json()
    return [o["result"] for o in page["value"]]


def test_published_observations_are_stored_and_bad_ones_counted(
    broker_client: TestClient, port: int, auth: dict[str, str]
) -> None:
    ds = _seed(broker_client, auth)
    broker = _broker(broker_client)
    invalid_before = _invalid_total()
    batches_before = REGISTRY.get_sample_value("domstadt_mqtt_lag_seconds_count") or 0.0
    sensor = Client311(port, [])
    try:
        sensor.publish(
            f"Datastreams({ds})/Observations",
            {"phenomenonTime": "2014-02-03T08:00:00Z", "result": 41},
        )
        sensor.publish(f"Datastreams({ds})/Observations", b"{kein json", raw=True)
        sensor.publish("Datastreams(999999)/Observations", {"result": 1})
        sensor.publish("Things(1)/Observations", {"result": 2})
        sensor.publish("Things(1)", {"name": "kein Observation-Topic"})  # not ingested at all
        sensor.publish(
            "Observations",
            {"phenomenonTime": "2014-02-03T08:05:00Z", "result": 42, "Datastream": {"@iot.id": ds}},
        )
        assert _until(lambda: broker.ingest.stats["created"] == 2), broker.ingest.stats
        assert _until(lambda: broker.ingest.stats["invalid"] == 3), broker.ingest.stats
        assert _results(broker_client, ds) == [41, 42]
        assert _invalid_total() - invalid_before == 3
        batches = REGISTRY.get_sample_value("domstadt_mqtt_lag_seconds_count") or 0.0
        assert batches > batches_before  # each written batch's lag is observed
        assert REGISTRY.get_sample_value("domstadt_mqtt_inbox_messages") == 0.0
        metrics = broker_client.get("/metrics").text  # the web process shows its ingest
        assert "domstadt_mqtt_lag_seconds_count" in metrics
        assert 'domstadt_mqtt_messages_total{outcome="invalid"}' in metrics
    finally:
        sensor.close()


def test_notifications_reach_subscribers_and_are_not_ingested_again(
    broker_client: TestClient, port: int, auth: dict[str, str]
) -> None:
    ds = _seed(broker_client, auth)
    broker = _broker(broker_client)
    sub = Client311(port, [f"Datastreams({ds})/Observations", "Observations"])
    try:
        created = broker_client.post(
            f"{STA}/Datastreams({ds})/Observations",
            json={"phenomenonTime": "2014-02-03T08:00:00Z", "result": 7},
            headers=auth,
        ).json()
        assert _until(
            lambda: [p["@iot.id"] for p in sub.on("Observations")] == [created["@iot.id"]]
        )
        sub.publish(
            f"Datastreams({ds})/Observations",
            {"phenomenonTime": "2014-02-03T08:05:00Z", "result": 8},
        )
        # the MQTT-created Observation is notified too (with its @iot.id, unlike the raw
        # message the subscriber also receives on that topic as an ordinary MQTT client) ...
        assert _until(lambda: len(sub.on("Observations")) == 2)
        notified = [p for p in sub.on(f"Datastreams({ds})/Observations") if "@iot.id" in p]
        assert sorted(p["result"] for p in notified) == [7, 8]
        # ... and none of these notifications came back as new (duplicate) Observations:
        # a later message is written after any echo would have been
        sub.publish(
            f"Datastreams({ds})/Observations",
            {"phenomenonTime": "2014-02-03T08:10:00Z", "result": 9},
        )
        assert _until(lambda: broker.ingest.stats["created"] == 2), broker.ingest.stats
        assert broker.ingest.stats["duplicate"] == 0
        assert _results(broker_client, ds) == [7, 8, 9]
    finally:
        sub.close()


def test_landing_lists_the_embedded_endpoint(broker_client: TestClient, port: int) -> None:
    settings = broker_client.get(f"{STA}/").json()["serverSettings"]
    create_class = next(c for c in settings["conformance"] if CREATE_CLASS in c)
    assert settings[create_class]["endpoints"] == [f"mqtt://127.0.0.1:{port}"]
    assert settings["domstadt:mqttTopicRoot"] == "v1.1"


def test_taken_port_logs_one_warning_and_http_keeps_serving(
    settings: Settings, db: Database, port: int, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        caplog.set_level(logging.INFO, logger="domstadt.sensors.mqtt")
        with _app_client(settings, db, port) as client:
            assert client.app.state.mqtt_broker is None  # type: ignore[attr-defined]
            landing = client.get(f"{STA}/")
            assert landing.status_code == 200
            assert not any(
                CREATE_CLASS in c for c in landing.json()["serverSettings"]["conformance"]
            )
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    message = warnings[0].getMessage()
    assert f"port {port}" in message
    assert "DOMSTADT_MQTT_URL" in message and "DOMSTADT_MQTT_EMBEDDED_PORT" in message


def test_apps_run_no_broker_unless_asked(client: TestClient) -> None:
    assert getattr(client.app.state, "mqtt_broker", None) is None  # type: ignore[attr-defined]
    conformance = client.get(f"{STA}/").json()["serverSettings"]["conformance"]
    assert not any(CREATE_CLASS in c for c in conformance)


def test_select_topics_need_no_registration_on_the_embedded_broker(
    broker_client: TestClient, port: int, auth: dict[str, str]
) -> None:
    ds = _seed(broker_client, auth)
    broker = _broker(broker_client)
    assert broker.publisher is not None
    topic = "Observations?$select=result,phenomenonTime"
    subscriber = Client311(port, [topic])
    try:
        assert _until(lambda: "Observations" in broker.publisher.live_selects())  # type: ignore[union-attr]
        body = {
            "phenomenonTime": "2014-02-03T09:00:00Z",
            "result": 7,
            "Datastream": {"@iot.id": ds},
        }
        assert broker_client.post(f"{STA}/Observations", json=body, headers=auth).status_code == 201
        expected = {"result": 7, "phenomenonTime": "2014-02-03T09:00:00Z"}
        assert _until(lambda: subscriber.on(topic) == [expected]), subscriber.received
    finally:
        subscriber.close()
    # the clean session ended: the topic is no longer published
    assert _until(lambda: not broker.publisher.live_selects())  # type: ignore[union-attr]
