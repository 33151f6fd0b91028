"""Geo data in the catalogue (S4.2): GeoJSON and CSV with coordinate columns become canonical
WGS 84 GeoJSON beside the original, with provenance, and the dataset page shows a map."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from domstadt.catalog import distribution_service
from domstadt.catalog.normalise import geo
from domstadt.catalog.schemas import DistributionCreate, DistributionPublic
from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.core.errors import Invalid
from tests.catalog.conftest import DATA_DIR, EDITOR, make_dataset
from tests.conftest import csrf_of, login

# Cologne landmarks in ETRS89 / UTM zone 32N, semicolon and decimal comma like the city's CSVs.
LANDMARKS_UTM = (
    "Bauwerk;Rechtswert;Hochwert;Baujahr\n"
    "Kölner Dom;356600,0;5645900,0;1248\n"
    "Hohenzollernbrücke;357050,5;5645980,2;1911\n"
    "Rheinenergie-Stadion;349950,0;5642380,0;1923\n"
)


def _upload(db: Database, tmp_path: Path, name: str, filename: str, content: bytes) -> str:
    make_dataset(db, name=name, title=name.title())
    with db.session() as session:
        original = distribution_service.distribution_create(
            session,
            actor=system_actor("tests"),
            dataset=name,
            data=DistributionCreate(title=name),
            data_dir=tmp_path,
            upload=(filename, content),
        )
    return original.id


def _canonical(client: TestClient, name: str) -> tuple[DistributionPublic, dict]:
    ds = client.get(f"/api/v1/datasets/{name}").json()
    dist = next(d for d in ds["distributions"] if d["format"] == "GEOJSON" and d["derived_from"])
    body = client.get(f"/daten/ressource/{dist['id']}/download")
    assert body.status_code == 200 and body.headers["content-type"] == "application/geo+json"
    return DistributionPublic.model_validate(dist), body.json()


def test_csv_with_utm_columns_becomes_wgs84_points(
    client: TestClient, db: Database, departments: None, settings: Settings
) -> None:
    original = _upload(
        db, settings.data_dir, "wahrzeichen", "wahrzeichen.csv", LANDMARKS_UTM.encode()
    )
    dist, collection = _canonical(client, "wahrzeichen")
    assert dist.derived_from == original and len(collection["features"]) == 3
    dom = collection["features"][0]
    lon, lat = dom["geometry"]["coordinates"]
    assert dom["properties"] == {"Bauwerk": "Kölner Dom", "Baujahr": 1248}
    assert lat == pytest.approx(50.9469, abs=0.001) and lon == pytest.approx(6.9586, abs=0.001)
    assert dist.provenance["source_crs"] == "EPSG:25832"
    assert dist.provenance["crs_detected_by"] == "coordinate value ranges"
    assert dist.provenance["coordinate_columns"] == {"x": "Rechtswert", "y": "Hochwert"}
    assert "Rechtswert/Hochwert" in dist.provenance["columns_detected_by"]
    # the table itself still answers datastore_search
    rows = client.get(
        "/api/3/action/datastore_search", params={"resource_id": original, "sort": "Baujahr"}
    ).json()["result"]
    assert rows["records"][0]["Bauwerk"] == "Kölner Dom"


def test_geojson_upload_through_the_page_shows_a_map(
    client: TestClient, db: Database, editor_token: str
) -> None:
    login(client, EDITOR)
    token = csrf_of(client, "/daten-neu")
    client.post("/daten-neu", data={"csrf_token": token, "title": "Straßenabschnitte"})
    raw = (DATA_DIR / "koeln_traffic_street_segments.geojson").read_bytes()
    uploaded = client.post(
        "/daten/strassenabschnitte/dateien",
        data={"csrf_token": token, "title": "Abschnitte"},
        files={"file": ("segments.geojson", raw, "application/geo+json")},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303
    dist, collection = _canonical(client, "strassenabschnitte")
    assert len(collection["features"]) == 113
    assert {f["geometry"]["type"] for f in collection["features"]} == {"MultiLineString"}
    assert dist.provenance["source_crs"] == "EPSG:4326"
    west, south, east, north = dist.provenance["bbox"]
    assert 6.7 < west < east < 7.2 and 50.8 < south < north < 51.1
    page = client.get("/daten/strassenabschnitte")
    assert "Kartenvorschau" in page.text
    assert f'data-geojson="/daten/ressource/{dist.id}/download"' in page.text
    assert '<script src="/static/catalog/map.js" defer></script>' in page.text
    assert client.get("/static/catalog/map.js").status_code == 200
    assert client.get("/static/vendor/leaflet/leaflet.js").status_code == 200


def test_gauss_krueger_geojson_with_crs_member_is_transformed(
    client: TestClient, db: Database, departments: None, settings: Settings
) -> None:
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::31466"}},
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [2566500.0, 5644700.0]},
                "properties": {"Bezeichnung": "Dom (Gauß-Krüger)"},
            }
        ],
    }
    _upload(db, settings.data_dir, "gk", "dom.geojson", json.dumps(doc).encode())
    dist, collection = _canonical(client, "gk")
    lon, lat = collection["features"][0]["geometry"]["coordinates"]
    assert lat == pytest.approx(50.934, abs=0.002) and lon == pytest.approx(6.945, abs=0.002)
    assert "crs" not in collection
    assert dist.provenance["source_crs"] == "EPSG:31466"
    assert dist.provenance["crs_detected_by"] == "crs member of the file"


def test_gauss_krueger_zone_3_and_lat_lon_columns_are_recognised() -> None:
    names = ["Ort", "X", "Y"]
    gk3 = geo.from_table(names, [["Dom"], [3356650.0], [5646800.0]])
    assert gk3 is not None and gk3.provenance["source_crs"] == "EPSG:31467"
    lon, lat = gk3.collection["features"][0]["geometry"]["coordinates"]
    assert lat == pytest.approx(50.94, abs=0.01) and lon == pytest.approx(6.96, abs=0.01)
    wgs = geo.from_table(["Station", "Breite", "Länge"], [["Dom"], [50.9413], [6.9583]])
    assert wgs is not None and wgs.collection["features"][0]["geometry"]["coordinates"] == [
        6.9583,
        50.9413,
    ]
    assert geo.from_table(["Name", "Anzahl"], [["Kalk"], [3]]) is None
    assert geo.from_table(["Punkt", "x", "y"], [["A"], [3.0], [4.0]]) is None  # a chart's
    cologne = geo.from_table(["Punkt", "x", "y"], [["Dom"], [6.9583], [50.9413]])
    assert cologne is not None and cologne.provenance["source_crs"] == "EPSG:4326"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "kein gültiges JSON"),
        (b'{"type": "Topology"}', "kein GeoJSON"),
        (
            b'{"type": "Point", "coordinates": [123456789, 5]}',
            "keinem bekannten Koordinatensystem",
        ),
        (
            b'{"type":"Point","coordinates":[1,2],'
            b'"crs":{"type":"name","properties":{"name":"EPSG:3857"}}}',
            "EPSG:3857 wird nicht unterstützt",
        ),
    ],
)
def test_bad_geojson_is_refused_and_leaves_nothing(
    db: Database, departments: None, tmp_path: Path, content: bytes, message: str
) -> None:
    make_dataset(db, name="kaputt", title="Kaputt")
    with db.session() as session, pytest.raises(Invalid, match=message):
        distribution_service.distribution_create(
            session,
            actor=system_actor("tests"),
            dataset="kaputt",
            data=DistributionCreate(title="x"),
            data_dir=tmp_path / "files",
            upload=("x.geojson", content),
        )
    assert not any(p.is_file() for p in (tmp_path / "files").rglob("*"))


def test_ckan_resource_create_with_geojson_upload(
    client: TestClient, db: Database, editor_token: str
) -> None:
    make_dataset(db, name="messpunkte", title="Messpunkte")
    doc = {"type": "Point", "coordinates": [356600.0, 5645900.0]}  # UTM 32N, no crs member
    response = client.post(
        "/api/3/action/resource_create",
        data={"package_id": "messpunkte", "name": "Dom"},
        files={"upload": ("dom.geojson", json.dumps(doc).encode(), "application/geo+json")},
        headers={"Authorization": editor_token},
    )
    assert response.status_code == 200, response.text
    assert response.json()["result"]["format"] == "GEOJSON"
    pkg = client.get("/api/3/action/package_show", params={"id": "messpunkte"}).json()["result"]
    assert sorted(r["format"] for r in pkg["resources"]) == ["GEOJSON", "GEOJSON"]
    dist, collection = _canonical(client, "messpunkte")
    lon, lat = collection["features"][0]["geometry"]["coordinates"]
    assert round(lat, 2) == 50.95 and round(lon, 2) == 6.96
    assert dist.provenance["source_crs"] == "EPSG:25832"
