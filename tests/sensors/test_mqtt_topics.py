"""MQTT topics and the $select registry without a broker."""

from __future__ import annotations

import pytest

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.core.errors import Invalid
from domstadt.sensors import mqtt_service
from domstadt.sensors.mqtt.topics import (
    BrokerUrl,
    IngestTarget,
    ingest_subscriptions,
    ingest_target,
    is_ingest_topic,
    parents_of,
)
from domstadt.sensors.sta.entities import ENTITY_TYPES


def test_broker_url_root_and_ingest_topics() -> None:
    broker = BrokerUrl.parse("mqtt://ingest:geheim@broker.example:1884/koeln")
    assert (broker.host, broker.port, broker.username, broker.root) == (
        "broker.example",
        1884,
        "ingest",
        "koeln/v1.1",
    )
    assert BrokerUrl.parse("mqtts://b.example").port == 8883
    with pytest.raises(ValueError, match="keine MQTT-URL"):
        BrokerUrl.parse("http://b.example")
    assert ingest_target("v1.1", "v1.1/Datastreams(7)/Observations") == IngestTarget(7, None)
    assert ingest_target("v1.1", "v1.1/FeaturesOfInterest(3)/Observations").feature_id == 3
    with pytest.raises(ValueError, match="keine Observations"):
        ingest_target("v1.1", "v1.1/Things(1)/Datastreams")


def test_ingest_topics_are_one_list_for_workers_and_the_embedded_broker() -> None:
    assert ingest_subscriptions("koeln/v1.1") == [
        "$share/domstadt/koeln/v1.1/Observations",
        "$share/domstadt/koeln/v1.1/+/Observations",
    ]
    for topic in ("v1.1/Observations", "v1.1/Datastreams(7)/Observations"):
        assert is_ingest_topic("v1.1", topic), topic
    for topic in (
        "v1.1/Observations(3)",
        "v1.1/Things(1)/Datastreams",
        "v1.1/Datastreams(7)/Observations/x",
        "koeln/v1.1/Observations",
        "v1.0/Observations",
    ):
        assert not is_ingest_topic("v1.1", topic), topic


def test_not_an_observation_is_refused_with_a_reason(db: Database) -> None:
    messages = [
        mqtt_service.Message("v1.1/Observations", b'{"result": 1}'),
        mqtt_service.Message("v1.1/Datastreams(5)/Observations", b"[1, 2]"),
        mqtt_service.Message("v1.1/Datastreams(5)/Observations", b'{"phenomenonTime": "x"}'),
    ]
    with db.session() as session:
        report = mqtt_service.ingest(
            session, actor=system_actor("t"), messages=messages, root="v1.1", base="http://x"
        )
    assert [o.split(":")[0] for o in report.outcomes] == ["invalid"] * 3
    assert "Datastream" in report.outcomes[0] and "result" in report.outcomes[2]


def test_select_topics_are_checked_and_listed(db: Database) -> None:
    actor = system_actor("t")
    with db.session() as session:
        added = mqtt_service.select_topic_add(
            session, actor=actor, topic="v1.1/Observations?$select=result,phenomenonTime"
        )
        assert added.topic == "Observations?$select=result,phenomenonTime"
        with pytest.raises(Invalid, match="colour"):
            mqtt_service.select_topic_add(session, actor=actor, topic="Things?$select=colour")
    with db.session() as session:
        assert [t.topic for t in mqtt_service.select_topics(session)] == [added.topic]
        mqtt_service.select_topic_remove(session, actor=actor, topic_id=added.id)
        assert mqtt_service.select_topics(session) == []


def test_new_entities_are_published_under_their_own_parent_collections() -> None:
    datastream = parents_of(
        ENTITY_TYPES["Datastreams"], {"thing_id": 1, "sensor_id": 2, "observed_property_id": 3}
    )
    assert datastream == [
        ("Things", 1, "Datastreams"),
        ("Sensors", 2, "Datastreams"),
        ("ObservedProperties", 3, "Datastreams"),
    ]
    multi = parents_of(ENTITY_TYPES["MultiDatastreams"], {"thing_id": 1, "sensor_id": 2})
    assert multi == [("Things", 1, "MultiDatastreams"), ("Sensors", 2, "MultiDatastreams")]
