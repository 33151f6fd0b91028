"""The sensors demo: traffic load and DWD daily weather (replayed to end today), loaded twice
without duplicates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

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
    _weather_ends_within_the_last_day(client)


def _weather_ends_within_the_last_day(client: TestClient) -> None:
    """The replayed DWD series ends today (moved by whole years), not in 2014."""
    newest = client.get(
        f"{STA}/Datastreams",
        params={
            "$filter": "name eq 'Lufttemperatur Tagesmittel Köln/Bonn'",
            "$expand": "Observations($orderby=phenomenonTime desc;$top=1)",
        },
    ).json()["value"][0]["Observations"][0]
    start = dt.datetime.fromisoformat(newest["phenomenonTime"].split("/")[0])
    assert dt.datetime.now(dt.UTC) - start < dt.timedelta(days=2)


def test_weather_is_moved_by_whole_years_to_end_today(tmp_path: Path) -> None:
    """The real DWD file ends on 13 May 2014: on 6 December 2026 it ends on that day, each
    day moved by 13 years (same season), and nothing after 6 December 2013 is kept."""
    source = tmp_path / "dwd.csv"
    source.write_text(
        "Mess_Datum,LUFTTEMPERATUR\n19570901,14.4\n20120229,3.1\n20131206,4.0\n"
        "20131207,5.0\n20140513,9.6\n",
        encoding="utf-8",
    )
    (tmp_path / "out").mkdir()
    (tmp_path / "spring").mkdir()
    out = demo_sensors.replay_weather(source, dt.date(2026, 12, 6), tmp_path / "out")
    lines = out.read_text(encoding="utf-8").splitlines()
    # 2012-02-29 + 13 years has no 29 February: left out, not doubled onto the 28th
    assert lines == ["Mess_Datum,LUFTTEMPERATUR", "19700901,14.4", "20261206,4.0"]
    spring = demo_sensors.replay_weather(source, dt.date(2027, 5, 13), tmp_path / "spring")
    assert spring.read_text(encoding="utf-8").splitlines()[-1] == "20270513,9.6"
