"""The sensors demo: traffic load and DWD daily weather, loaded twice without duplicates."""

from __future__ import annotations

from starlette.testclient import TestClient

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.demo import sensors as demo_sensors
from tests.sensors.conftest import STA


def test_demo_loads_traffic_and_weather_idempotently(client: TestClient, db: Database) -> None:
    with db.session() as session:
        first = demo_sensors.load(session, system_actor("demo"))
    assert first["sensor things"] == 108  # 113 GeoJSON features, five segments in two pieces
    assert first["datastreams"] == 108 + 7
    assert first["observations"] > 200_000
    with db.session() as session:
        again = demo_sensors.load(session, system_actor("demo"))
    assert again == {"sensor things": 0, "datastreams": 0, "observations": 0}
    station = client.get(
        f"{STA}/Things",
        params={"$filter": "startswith(name, 'Wetterstation')", "$expand": "Datastreams"},
    ).json()["value"]
    assert [t["name"] for t in station] == ["Wetterstation Köln/Bonn (DWD 02667)"]
    assert len(station[0]["Datastreams"]) == 7
    near = "geography'POINT(7.1575 50.8645)'"
    found = client.get(
        f"{STA}/Things", params={"$filter": f"geo.distance(Locations/location, {near}) lt 0.001"}
    ).json()["value"]
    assert [t["name"] for t in found] == ["Wetterstation Köln/Bonn (DWD 02667)"]
