"""Real traffic data import, the /sensoren dashboard and the analytics JSON endpoints."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.sensors import import_service
from tests.sensors.conftest import STA

SEGMENTS = 3


def _small_traffic(tmp_path: Path) -> tuple[Path, Path]:
    """The first segments of the shipped data and their CSV rows."""
    import json

    source = json.loads(
        (import_service._data_file("koeln_traffic_street_segments.geojson")).read_text("utf-8")
    )
    source["features"] = source["features"][:SEGMENTS]
    idents = {f["properties"]["IDENTIFIER"] for f in source["features"]}
    geojson = tmp_path / "segments.geojson"
    geojson.write_text(json.dumps(source), "utf-8")
    lines = (
        import_service._data_file("koeln_traffic_load_2014-02-03_to_05.csv")
        .read_text("utf-8")
        .splitlines()
    )
    kept = [lines[0]] + [line for line in lines[1:] if line.split(",")[1].strip('"') in idents]
    csv_path = tmp_path / "load.csv"
    csv_path.write_text("\n".join(kept) + "\n", "utf-8")
    return geojson, csv_path


def test_traffic_import_dashboard_aggregation_and_outages(
    client: TestClient, db: Database, tmp_path: Path
) -> None:
    geojson, csv_path = _small_traffic(tmp_path)
    with db.session() as session:
        report = import_service.import_traffic(
            session, actor=system_actor("tests"), geojson_path=geojson, csv_path=csv_path
        )
    assert report.things == SEGMENTS and report.observations > 1000
    with db.session() as session:
        again = import_service.import_traffic(
            session, actor=system_actor("tests"), geojson_path=geojson, csv_path=csv_path
        )
    assert again.observations == 0  # idempotent

    things = client.get(f"{STA}/Things?$filter=properties/identifier eq 'ST022'").json()
    assert things["value"][0]["name"].startswith("ST022 Industriestraße")

    page = client.get("/sensoren")
    assert page.status_code == 200
    assert "Verkehrsauslastung ST022" in page.text and "CC-BY 3.0" in page.text
    latest = client.get("/api/v1/sensors/datastreams").json()
    assert len(latest) == SEGMENTS
    assert all(s["time"].startswith("2014-02-05T23:5") for s in latest)

    ds_id = latest[0]["datastream_id"]
    buckets = client.get(
        "/api/v1/sensors/aggregate",
        params={
            "datastream": ds_id,
            "start": "2014-02-03T00:00:00Z",
            "end": "2014-02-04T00:00:00Z",
            "bucket": 3600,
        },
    ).json()["buckets"]
    assert len(buckets) == 24 and all(0 < b["count"] <= 12 for b in buckets)  # 5-minute values
    assert all(b["min"] <= b["mean"] <= b["max"] for b in buckets)
    bad = client.get(
        "/api/v1/sensors/aggregate",
        params={
            "datastream": ds_id,
            "start": "2014-02-04T00:00:00Z",
            "end": "2014-02-03T00:00:00Z",
        },
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "end"

    quiet = client.get("/api/v1/sensors/outages", params={"at": "2014-02-06T00:00:00Z"}).json()
    silent = client.get("/api/v1/sensors/outages", params={"at": "2014-02-06T06:00:00Z"}).json()
    assert quiet == [] and len(silent) == SEGMENTS
    assert silent[0]["usual_interval_seconds"] == 300

    geo = client.get("/api/v1/sensors/locations.geojson").json()
    assert geo["features"][0]["geometry"]["type"] == "MultiLineString"


def test_traffic_import_keeps_each_segment_once_and_code_16_as_missing(
    client: TestClient, db: Database, tmp_path: Path
) -> None:
    """The real GeoJSON lists ST066 in two pieces; the real series of ST066 has 35 rows with
    the code 16 between its load levels, and ST012's series is nothing but 16."""
    import json

    source = json.loads(
        (import_service._data_file("koeln_traffic_street_segments.geojson")).read_text("utf-8")
    )
    wanted = {"ST066", "ST012"}
    source["features"] = [f for f in source["features"] if f["properties"]["IDENTIFIER"] in wanted]
    pieces = [f for f in source["features"] if f["properties"]["IDENTIFIER"] == "ST066"]
    assert len(pieces) == 2
    geojson = tmp_path / "segments.geojson"
    geojson.write_text(json.dumps(source), "utf-8")
    lines = (
        import_service._data_file("koeln_traffic_load_2014-02-03_to_05.csv")
        .read_text("utf-8")
        .splitlines()
    )
    kept = [lines[0]] + [line for line in lines[1:] if line.split(",")[1].strip('"') in wanted]
    csv_path = tmp_path / "load.csv"
    csv_path.write_text("\n".join(kept) + "\n", "utf-8")
    with db.session() as session:
        report = import_service.import_traffic(
            session, actor=system_actor("tests"), geojson_path=geojson, csv_path=csv_path
        )
    assert report.things == 2
    assert report.missing_values == 35 + 859
    assert report.observations == 864 - 35

    thing = client.get(
        f"{STA}/Things",
        params={"$filter": "properties/identifier eq 'ST066'", "$expand": "Locations"},
    ).json()["value"]
    assert len(thing) == 1
    geometry = thing[0]["Locations"][0]["location"]
    assert geometry["type"] == "MultiLineString"
    expected = sum(len(p["geometry"]["coordinates"]) for p in pieces)
    assert len(geometry["coordinates"]) == expected
    results = client.get(
        f"{STA}/Datastreams",
        params={
            "$filter": "properties/identifier eq 'ST066'",
            "$expand": "Observations($top=1000)",
        },
    ).json()["value"][0]["Observations"]
    assert len(results) == 864 - 35 and 16 not in {o["result"] for o in results}
    empty = client.get(
        f"{STA}/Datastreams",
        params={"$filter": "properties/identifier eq 'ST012'", "$expand": "Observations"},
    ).json()["value"][0]
    assert empty["Observations"] == []
