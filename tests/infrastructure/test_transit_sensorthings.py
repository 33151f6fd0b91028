"""Connectivity measurements sent as SensorThings Observations (HTTP and MQTT) under the
documented convention (ObservedProperty definition https://domstadt.koeln/def/connectivity,
a JSON result, the position in parameters or the FeatureOfInterest) reach the gap map
through the pull; an observation without a position is refused and named."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.infrastructure.transit.models import TransitMeasurement, TransitSegment
from domstadt.infrastructure.transit_service import CONNECTIVITY_DEFINITION
from tests.infrastructure.transit_helpers import import_vbb, midpoint, near
from tests.sensors.conftest import STA, auth  # noqa: F401  (fixture)

BROKER = os.environ.get("DOMSTADT_TEST_MQTT_URL", "")


def _phone(name: str = "Smartphone 1") -> dict[str, Any]:
    """A Thing (a phone, its home in Cologne) with one connectivity Datastream."""
    return {
        "name": name,
        "description": "Messungen auf dem Arbeitsweg",
        "Locations": [
            {
                "name": "Zuhause",
                "description": "Köln",
                "encodingType": "application/geo+json",
                "location": {"type": "Point", "coordinates": [6.9583, 50.9413]},
            }
        ],
        "Datastreams": [
            {
                "name": f"{name} Verbindung",
                "description": "Konnektivität",
                "observationType": "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Observation",
                "unitOfMeasurement": {
                    "name": "Konnektivität",
                    "symbol": "",
                    "definition": CONNECTIVITY_DEFINITION,
                },
                "Sensor": {
                    "name": "App",
                    "description": "Messapp",
                    "encodingType": "text/plain",
                    "metadata": "-",
                },
                "ObservedProperty": {
                    "name": "Konnektivität",
                    "definition": CONNECTIVITY_DEFINITION,
                    "description": "Mobilfunkverbindung",
                },
            }
        ],
    }


def _on_segment(db: Database) -> tuple[float, float]:
    with db.session() as session:
        coords = session.scalars(
            select(TransitSegment.coordinates).order_by(TransitSegment.id)
        ).first()
    assert coords is not None
    return near(*midpoint(coords), 10)


def _setup(client: TestClient, db: Database, headers: dict[str, str]) -> int:
    import_vbb(db)
    thing = client.post(f"{STA}/Things", json=_phone(), headers=headers)
    assert thing.status_code == 201, thing.text
    return int(
        client.get(f"{STA}/Things({thing.json()['@iot.id']})/Datastreams").json()["value"][0][
            "@iot.id"
        ]
    )


RESULT = {
    "operator": "Telekom",
    "network_type": "5G",
    "signal_dbm": -88,
    "down_mbit": 80.5,
    "up_mbit": 12,
    "latency_ms": 31,
    "accuracy_m": 6,
}


def test_observations_over_http_are_pulled_and_snapped(
    client: TestClient,
    db: Database,
    auth: dict[str, str],  # noqa: F811
) -> None:
    ds = _setup(client, db, auth)
    lon, lat = _on_segment(db)
    bodies = [
        {
            "phenomenonTime": "2026-04-01T07:00:00Z",
            "result": RESULT,
            "parameters": {"lat": lat, "lon": lon},
        },
        {
            "phenomenonTime": "2026-04-01T07:01:00Z",
            "result": {"no_connection": True},
            "FeatureOfInterest": {
                "name": "Messpunkt",
                "description": "GPS",
                "encodingType": "application/geo+json",
                "feature": {"type": "Point", "coordinates": [lon, lat]},
            },
        },
        {
            "phenomenonTime": "2026-04-01T07:02:00Z",
            "result": RESULT,
            "FeatureOfInterest": {
                "name": "Gebiet",
                "description": "ohne Punkt",
                "encodingType": "application/geo+json",
                "feature": {
                    "type": "Polygon",
                    "coordinates": [[[13, 52], [13.1, 52], [13.1, 52.1], [13, 52]]],
                },
            },
        },
        {"phenomenonTime": "2026-04-01T07:03:00Z", "result": RESULT},  # FoI from the Thing: Köln
    ]
    ids = []
    for body in bodies:
        answer = client.post(f"{STA}/Datastreams({ds})/Observations", json=body, headers=auth)
        assert answer.status_code == 201, answer.text
        ids.append(int(answer.headers["location"].rsplit("(", 1)[1].rstrip(")")))
    report = client.post("/api/v1/transit/measurements/sync", headers=auth).json()
    assert (report["received"], report["taken"], report["on_route"], report["off_route"]) == (
        4,
        3,
        2,
        1,
    )
    assert report["refused"] == [
        {"observation": ids[2], "field": "lat", "message": "Position fehlt (lat und lon nötig)"}
    ]
    with db.session() as session:
        rows = {m.ref: m for m in session.scalars(select(TransitMeasurement))}
    assert rows[f"sta:{ids[0]}"].down_mbit == 80.5 and rows[f"sta:{ids[0]}"].operator == "Telekom"
    assert rows[f"sta:{ids[1]}"].no_connection and rows[f"sta:{ids[1]}"].segment_id is not None
    assert rows[f"sta:{ids[3]}"].segment_id is None  # off-route, kept
    again = client.post("/api/v1/transit/measurements/sync", headers=auth).json()
    assert again["received"] == 0 and again["taken"] == 0


@pytest.fixture
def mqtt_client(settings: Settings, db: Database) -> Iterator[tuple[TestClient, str]]:
    if not BROKER:
        pytest.skip("DOMSTADT_TEST_MQTT_URL not set (e.g. mqtt://127.0.0.1:1883): MQTT skipped")
    from domstadt.web.app import create_app

    url = f"{BROKER.rstrip('/')}/t{uuid.uuid4().hex[:12]}"
    settings = settings.model_copy(update={"mqtt_url": url})
    with TestClient(create_app(settings, db), base_url="http://testserver") as test_client:
        yield test_client, url


def test_observations_over_mqtt_reach_the_gap_map(
    mqtt_client: tuple[TestClient, str],
    db: Database,
    auth: dict[str, str],  # noqa: F811
) -> None:
    from domstadt.sensors.mqtt.ingest import IngestWorker
    from tests.sensors.mqtt_client import MqttTestClient

    client, url = mqtt_client
    ds = _setup(client, db, auth)
    lon, lat = _on_segment(db)
    worker = IngestWorker(
        db, url, client_id=f"ingest-{uuid.uuid4().hex[:8]}", base=f"http://testserver{STA}"
    )
    worker.start()
    assert worker.connected.wait(20)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    sub = MqttTestClient.for_url(url, [])
    try:
        sub.publish(
            f"Datastreams({ds})/Observations",
            {
                "phenomenonTime": "2026-04-02T07:00:00Z",
                "result": RESULT,
                "parameters": {"lat": lat, "lon": lon},
            },
        )
        deadline = time.monotonic() + 20
        report: dict[str, Any] = {"taken": 0}
        while time.monotonic() < deadline and not report["taken"]:
            time.sleep(0.2)
            report = client.post("/api/v1/transit/measurements/sync", headers=auth).json()
        assert report["taken"] == 1 and report["on_route"] == 1
    finally:
        worker.stop()
        thread.join(10)
        sub.close()
