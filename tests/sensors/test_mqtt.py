"""SensorThings over MQTT against the real local broker (DOMSTADT_TEST_MQTT_URL).

Each test uses its own topic root (``mqtt://host:port/<unique>`` → ``<unique>/v1.1``) and
its own client ids, so parallel runs on one broker do not see each other's messages.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.core.migrate import upgrade
from domstadt.sensors import mqtt_service
from domstadt.sensors.models import Datastream
from domstadt.sensors.mqtt.ingest import IngestWorker
from domstadt.sensors.mqtt.topics import BrokerUrl
from domstadt.sensors.mqtt.writer import WriterProcess
from domstadt.sensors.sta import write_service
from tests.sensors.conftest import STA, thing_payload
from tests.sensors.mqtt_client import MqttTestClient

BROKER = os.environ.get("DOMSTADT_TEST_MQTT_URL", "")
pytestmark = pytest.mark.skipif(
    not BROKER, reason="DOMSTADT_TEST_MQTT_URL not set (e.g. mqtt://127.0.0.1:1883): MQTT skipped"
)
WAIT = 20.0


@pytest.fixture
def mqtt_url() -> str:
    """The test broker with a topic root of this test's own."""
    return f"{BROKER.rstrip('/')}/t{uuid.uuid4().hex[:12]}"


@pytest.fixture
def mqtt_client(settings: Settings, db: Database, mqtt_url: str) -> Iterator[TestClient]:
    """An app client whose writes publish notifications to the test broker."""
    from domstadt.web.app import create_app

    settings = settings.model_copy(update={"mqtt_url": mqtt_url})
    with TestClient(create_app(settings, db), base_url="http://testserver") as test_client:
        yield test_client


Subscriber = MqttTestClient.for_url


def _until(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _worker(db: Database, url: str, client_id: str) -> tuple[IngestWorker, threading.Thread]:
    worker = IngestWorker(db, url, client_id=client_id, base=f"http://testserver{STA}")
    worker.start()
    assert worker.connected.wait(WAIT)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    return worker, thread


def _observations(client: TestClient, ds: int) -> list[dict[str, Any]]:
    return client.get(f"{STA}/Datastreams({ds})/Observations?$orderby=phenomenonTime").json()[
        "value"
    ]


def _seed(client: TestClient, auth: dict[str, str]) -> tuple[int, int]:
    thing = client.post(f"{STA}/Things", json=thing_payload(), headers=auth).json()
    ds = client.get(f"{STA}/Things({thing['@iot.id']})/Datastreams").json()["value"][0]
    return thing["@iot.id"], ds["@iot.id"]


def test_published_observations_are_stored_and_notified(
    mqtt_client: TestClient, db: Database, mqtt_url: str, auth: dict[str, str]
) -> None:
    thing_id, ds = _seed(mqtt_client, auth)
    with db.session() as session:
        mqtt_service.select_topic_add(
            session,
            actor=system_actor("t"),
            topic="v1.1/Observations?$select=result,phenomenonTime",
        )
    sub = Subscriber(
        mqtt_url,
        [
            f"Datastreams({ds})/Observations",
            "Observations?$select=result,phenomenonTime",
            f"Things({thing_id})/name",
        ],
    )
    worker, thread = _worker(db, mqtt_url, f"ingest-{uuid.uuid4().hex[:8]}")
    try:
        sub.publish(
            f"Datastreams({ds})/Observations",
            {"phenomenonTime": "2014-02-03T08:00:00Z", "result": 41},
        )
        sub.publish(
            "Observations",
            {"phenomenonTime": "2014-02-03T08:05:00Z", "result": 42, "Datastream": {"@iot.id": ds}},
        )
        sub.publish(f"Datastreams({ds})/Observations", b"{kein json", raw=True)
        sub.publish("Datastreams(999999)/Observations", {"result": 1})
        sub.publish("Observations", {"result": 3})
        assert _until(lambda: worker.stats["invalid"] == 3), worker.stats
        assert [o["result"] for o in _observations(mqtt_client, ds)] == [41, 42]
        # the server keeps working and notifies subscribers after every commit
        assert _until(
            lambda: (
                len([p for p in sub.on(f"Datastreams({ds})/Observations") if p and "@iot.id" in p])
                == 2
            )
        )
        selected = sub.on("Observations?$select=result,phenomenonTime")
        assert sorted(p["result"] for p in selected) == [41, 42]
        assert all(set(p) == {"result", "phenomenonTime"} for p in selected)
        renamed = mqtt_client.patch(f"{STA}/Things({thing_id})", json={"name": "Neu"}, headers=auth)
        assert renamed.status_code == 200
        assert _until(lambda: sub.on(f"Things({thing_id})/name") == [{"name": "Neu"}])
    finally:
        worker.stop()
        thread.join(WAIT)
        sub.close()


def test_rest_created_observation_is_notified_and_landing_lists_mqtt(
    mqtt_client: TestClient, mqtt_url: str, auth: dict[str, str]
) -> None:
    _thing, ds = _seed(mqtt_client, auth)
    sub = Subscriber(mqtt_url, ["Observations", f"Datastreams({ds})"])
    created = mqtt_client.post(
        f"{STA}/Datastreams({ds})/Observations", json={"result": 7}, headers=auth
    ).json()
    assert _until(lambda: [p["@iot.id"] for p in sub.on("Observations")] == [created["@iot.id"]])
    sub.close()
    settings = mqtt_client.get(f"{STA}/").json()["serverSettings"]
    create_class = next(c for c in settings["conformance"] if "create-observations-via-mqtt" in c)
    broker = BrokerUrl.parse(mqtt_url)
    assert settings[create_class]["endpoints"] == [f"mqtt://{broker.host}:{broker.port}"]
    assert settings["domstadt:mqttTopicRoot"] == broker.root


def _published_while_away(db: Database, url: str, ds: int, count: int) -> str:
    """Create a worker's persistent session, stop the worker, publish ``count`` Observations
    (one a minute from 2014-02-04) for Datastream ``ds``; the worker's client id."""
    client_id = f"ingest-{uuid.uuid4().hex[:8]}"
    worker, thread = _worker(db, url, client_id)
    worker.stop()
    thread.join(WAIT)
    sub = Subscriber(url, [])
    for n in range(count):
        stamp = dt.datetime(2014, 2, 4, tzinfo=dt.UTC) + dt.timedelta(minutes=n)
        sub.publish(
            f"Datastreams({ds})/Observations", {"phenomenonTime": stamp.isoformat(), "result": n}
        )
    sub.close()
    return client_id


def test_messages_published_while_the_worker_is_away_are_not_lost(
    mqtt_client: TestClient, db: Database, mqtt_url: str, auth: dict[str, str]
) -> None:
    _thing, ds = _seed(mqtt_client, auth)
    client_id = _published_while_away(db, mqtt_url, ds, 30)
    worker, thread = _worker(db, mqtt_url, client_id)
    try:
        assert _until(lambda: worker.stats["created"] == 30), worker.stats
        assert len(_observations(mqtt_client, ds)) == 30
    finally:
        worker.stop()
        thread.join(WAIT)


def test_stopping_mid_stream_finishes_the_batch_and_loses_nothing(
    mqtt_client: TestClient,
    db: Database,
    mqtt_url: str,
    auth: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # stop() comes from another thread while the writer process has a batch: that batch is
    # finished and acknowledged, the rest stays with the broker for the next worker.
    _thing, ds = _seed(mqtt_client, auth)
    client_id = _published_while_away(db, mqtt_url, ds, 900)  # Mosquitto queues up to 1,000
    base = f"http://testserver{STA}"
    worker = IngestWorker(
        db, mqtt_url, client_id=client_id, base=base, max_batch=20, writer_process=True
    )
    worker.start()
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    assert _until(lambda: worker.stats["created"] >= 100), worker.stats
    worker.stop()
    thread.join(WAIT)
    assert not thread.is_alive()
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    worker, thread = _worker(db, mqtt_url, client_id)
    try:
        assert _until(lambda: _count(mqtt_client, ds) == 900), _count(mqtt_client, ds)
    finally:
        worker.stop()
        thread.join(WAIT)


def _count(client: TestClient, ds: int) -> int:
    url = f"{STA}/Datastreams({ds})/Observations?$count=true&$top=0"
    count: int = client.get(url).json()["@iot.count"]
    return count


def test_a_database_that_cannot_write_refuses_nothing_and_ingest_resumes(
    mqtt_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The worker starts before `domstadt db upgrade` ran ("no such table", an OperationalError
    # like a lost connection or a full disk): no Observation is refused or acknowledged; all
    # are stored once the database can take them.
    database = Database(f"sqlite:///{tmp_path}/domstadt.sqlite3")
    worker, thread = _worker(database, mqtt_url, f"ingest-{uuid.uuid4().hex[:8]}")
    sub = Subscriber(mqtt_url, [])
    try:
        for minute in range(5):
            stamp = f"2014-02-06T10:{minute:02d}:00Z"
            sub.publish("Datastreams(1)/Observations", {"phenomenonTime": stamp, "result": 1})
        assert _until(lambda: any("stays queued" in r.getMessage() for r in caplog.records))
        assert worker.stats["invalid"] == 0 and worker.stats["created"] == 0
        upgrade(database)
        with database.session() as session:
            write_service.create(
                session, actor=system_actor("test"), path="Things", base=STA, data=thing_payload()
            )
            assert session.scalars(select(Datastream.id)).one() == 1
        assert _until(lambda: worker.stats["created"] == 5), worker.stats
        assert worker.stats["invalid"] == 0
    finally:
        sub.close()
        worker.stop()
        thread.join(WAIT)


def test_writer_process_stores_notifies_and_survives_its_own_crash(
    mqtt_client: TestClient, db: Database, mqtt_url: str, auth: dict[str, str]
) -> None:
    _thing, ds = _seed(mqtt_client, auth)
    sub = Subscriber(mqtt_url, [f"Datastreams({ds})/Observations"])
    worker = IngestWorker(
        db,
        mqtt_url,
        client_id=f"ingest-{uuid.uuid4().hex[:8]}",
        base=f"http://testserver{STA}",
        writer_process=True,
    )
    worker.start()
    assert worker.connected.wait(WAIT)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        topic = f"Datastreams({ds})/Observations"
        sub.publish(topic, {"phenomenonTime": "2014-02-03T09:00:00Z", "result": 1})
        assert _until(lambda: worker.stats["created"] == 1), worker.stats
        assert isinstance(worker.writer, WriterProcess)
        os.kill(worker.writer.pid, signal.SIGKILL)  # the writer process dies
        sub.publish(topic, {"phenomenonTime": "2014-02-03T09:05:00Z", "result": 2})
        assert _until(lambda: worker.stats["created"] == 2), worker.stats
        assert [o["result"] for o in _observations(mqtt_client, ds)][-2:] == [1, 2]
        assert _until(
            lambda: sorted(p["result"] for p in sub.on(topic) if p and "@iot.id" in p) == [1, 2]
        )
    finally:
        worker.stop()
        thread.join(WAIT)
        sub.close()


def _ids_on(sub: MqttTestClient, path: str) -> list[int]:
    return [p["@iot.id"] for p in sub.on(path) if p and "@iot.id" in p]


def _arrived(sub: MqttTestClient, expected: dict[str, list[int]]) -> bool:
    """True once every path has received (at least) the expected entity ids."""
    return all(set(ids) <= set(_ids_on(sub, path)) for path, ids in expected.items())


def _missing(sub: MqttTestClient, expected: dict[str, list[int]]) -> dict[str, list[int]]:
    return {p: ids for p, ids in expected.items() if not set(ids) <= set(_ids_on(sub, p))}


def _at_the_dome(key: str) -> dict[str, Any]:
    """A Location (``key`` "location") or FeatureOfInterest (``key`` "feature") at the Dom."""
    point = {"type": "Point", "coordinates": [6.958, 50.941]}
    return {
        "name": "Dom",
        "description": "Platte",
        "encodingType": "application/geo+json",
        key: point,
    }


def _first_id(client: TestClient, path: str) -> int:
    found: int = client.get(f"{STA}/{path}").json()["value"][0]["@iot.id"]
    return found


def test_entities_created_as_side_effects_are_notified(
    mqtt_client: TestClient, mqtt_url: str, auth: dict[str, str]
) -> None:
    thing, ds = _seed(mqtt_client, auth)
    sub = Subscriber(mqtt_url, ["#"])
    try:
        # CreateObservations generates the FeatureOfInterest from the Thing's Location
        group = {"Datastream": {"@iot.id": ds}, "components": ["result"], "dataArray": [[1]]}
        assert mqtt_client.post(f"{STA}/CreateObservations", json=[group], headers=auth).is_success
        feature = _first_id(mqtt_client, "FeaturesOfInterest")
        # a deep insert: every nested entity on its set and on the collections holding it
        payload = thing_payload("Neu")
        payload["Datastreams"][0]["Observations"] = [{"result": 2}]
        new = mqtt_client.post(f"{STA}/Things", json=payload, headers=auth).json()["@iot.id"]
        new_ds = _first_id(mqtt_client, f"Things({new})/Datastreams")
        location = _first_id(mqtt_client, f"Things({new})/Locations")
        sensor = mqtt_client.get(f"{STA}/Datastreams({new_ds})/Sensor").json()["@iot.id"]
        history = _first_id(mqtt_client, f"Things({new})/HistoricalLocations")
        new_obs = _first_id(mqtt_client, f"Datastreams({new_ds})/Observations")
        new_feature = mqtt_client.get(f"{STA}/Observations({new_obs})/FeatureOfInterest").json()
        # PATCH of a Thing's Locations writes a HistoricalLocation
        moved = mqtt_client.patch(
            f"{STA}/Things({thing})", json={"Locations": [{"@iot.id": location}]}, headers=auth
        )
        assert moved.status_code == 200
        moved_history = max(
            mqtt_client.get(f"{STA}/Things({thing})/HistoricalLocations").json()["value"],
            key=lambda h: h["@iot.id"],
        )["@iot.id"]
        # a new Location linked to an existing Thing writes one too
        place = {**_at_the_dome("location"), "Things": [{"@iot.id": thing}]}
        placed = mqtt_client.post(f"{STA}/Locations", json=place, headers=auth).json()["@iot.id"]
        placed_history = _first_id(mqtt_client, f"Locations({placed})/HistoricalLocations")
        expected = {
            "FeaturesOfInterest": [feature, new_feature["@iot.id"]],
            "Things": [new],
            "Locations": [location, placed],
            f"Things({new})/Locations": [location],
            f"Locations({location})/Things": [new, thing],
            "Datastreams": [new_ds],
            f"Things({new})/Datastreams": [new_ds],
            f"Sensors({sensor})/Datastreams": [new_ds],
            "Sensors": [sensor],
            "ObservedProperties": [
                mqtt_client.get(f"{STA}/Datastreams({new_ds})/ObservedProperty").json()["@iot.id"]
            ],
            f"Datastreams({new_ds})/Observations": [new_obs],
            "HistoricalLocations": [history, moved_history, placed_history],
            f"Things({new})/HistoricalLocations": [history],
            f"Things({thing})/HistoricalLocations": [moved_history, placed_history],
            f"Locations({location})/HistoricalLocations": [history, moved_history],
            f"Things({thing})/Locations": [location, placed],
            f"Locations({placed})/Things": [thing],
        }
        assert _until(lambda: _arrived(sub, expected)), _missing(sub, expected)
        # the existing Location only joined a collection: nothing on its own topic or its set
        assert _ids_on(sub, f"Locations({location})") == [location]  # its creation only
        assert _ids_on(sub, "Locations").count(location) == 1
    finally:
        sub.close()


def test_updates_reach_entity_set_collection_and_select_topics(
    mqtt_client: TestClient, db: Database, mqtt_url: str, auth: dict[str, str]
) -> None:
    # OGC 18-088 §14.2: entity set and $select topics carry "the newly created or updated"
    # entities, not only the entity's own topic
    thing, ds = _seed(mqtt_client, auth)
    location = _first_id(mqtt_client, f"Things({thing})/Locations")
    with db.session() as session:
        mqtt_service.select_topic_add(
            session, actor=system_actor("t"), topic="Observations?$select=result"
        )
    obs = mqtt_client.post(
        f"{STA}/Datastreams({ds})/Observations", json={"result": 1}, headers=auth
    ).json()["@iot.id"]
    topics = [
        "Observations",
        f"Datastreams({ds})/Observations",
        "Observations?$select=result",
        "Things",
        f"Locations({location})/Things",
    ]
    sub = Subscriber(mqtt_url, topics)
    try:
        patched = mqtt_client.patch(f"{STA}/Observations({obs})", json={"result": 99}, headers=auth)
        assert patched.status_code == 200
        renamed = mqtt_client.patch(f"{STA}/Things({thing})", json={"name": "Neu"}, headers=auth)
        assert renamed.status_code == 200
        assert _until(lambda: sub.on("Observations?$select=result") == [{"result": 99}])
        for path in ("Observations", f"Datastreams({ds})/Observations"):
            assert _until(
                lambda p=path: [(o["@iot.id"], o["result"]) for o in sub.on(p)] == [(obs, 99)]
            )
        for path in ("Things", f"Locations({location})/Things"):
            assert _until(lambda p=path: [t["name"] for t in sub.on(p)] == ["Neu"])
    finally:
        sub.close()


def test_observations_published_over_mqtt_widen_the_datastream(
    mqtt_client: TestClient, db: Database, mqtt_url: str, auth: dict[str, str]
) -> None:
    worker, thread = _worker(db, mqtt_url, f"ingest-{uuid.uuid4().hex[:8]}")
    sub = Subscriber(mqtt_url, [])
    _thing, ds = _seed(mqtt_client, auth)
    try:
        topic = f"Datastreams({ds})/Observations"
        sub.publish(topic, {"phenomenonTime": "2020-01-01T00:00:00Z", "result": 1})
        rich = {  # a FeatureOfInterest inline: the deep insert path of ingest
            "phenomenonTime": "2020-01-03T00:00:00Z",
            "resultTime": "2020-01-04T00:00:00Z",
            "result": 2,
            "FeatureOfInterest": _at_the_dome("feature"),
        }
        sub.publish(topic, rich)
        assert _until(lambda: worker.stats["created"] == 2), worker.stats
        stream = mqtt_client.get(f"{STA}/Datastreams({ds})").json()
        assert stream["phenomenonTime"] == "2020-01-01T00:00:00Z/2020-01-03T00:00:00Z"
        assert stream["resultTime"] == "2020-01-04T00:00:00Z"
    finally:
        worker.stop()
        thread.join(WAIT)
        sub.close()
