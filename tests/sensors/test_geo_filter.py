"""Geospatial $filter functions (geo.*, st_*) on Locations, FeaturesOfInterest and paths."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.sensors.conftest import STA

# a box around the centre of Cologne
COLOGNE = "POLYGON((6.9 50.9, 7.0 50.9, 7.0 51.0, 6.9 51.0, 6.9 50.9))"
PLACES: dict[str, dict[str, Any]] = {
    "Dom": {"type": "Point", "coordinates": [6.958, 50.941]},
    "Bonn": {"type": "Point", "coordinates": [7.1, 50.73]},
    "Rheinufer": {"type": "LineString", "coordinates": [[6.95, 50.85], [6.97, 51.05]]},
    "Altstadt": {
        "type": "Polygon",
        "coordinates": [
            [[6.95, 50.93], [6.97, 50.93], [6.97, 50.95], [6.95, 50.95], [6.95, 50.93]]
        ],
    },
}


@pytest.fixture
def places(client: TestClient, auth: dict[str, str]) -> dict[str, int]:
    """Four Locations of different geometry types."""
    ids = {}
    for name, geometry in PLACES.items():
        body = {
            "name": name,
            "description": name,
            "encodingType": "application/geo+json",
            "location": geometry,
        }
        response = client.post(f"{STA}/Locations", json=body, headers=auth)
        assert response.status_code == 201, response.text
        ids[name] = response.json()["@iot.id"]
    return ids


def _names(client: TestClient, query: str, entity: str = "Locations") -> set[str]:
    response = client.get(f"{STA}/{entity}", params={"$filter": query, "$top": "100"})
    assert response.status_code == 200, response.text
    return {row["name"] for row in response.json()["value"]}


def test_intersects_within_contains_with_polygon_literal(
    client: TestClient, places: dict[str, int]
) -> None:
    inside = f"geography'{COLOGNE}'"
    hit = {"Dom", "Rheinufer", "Altstadt"}
    assert _names(client, f"geo.intersects(location, {inside})") == hit
    assert _names(client, f"st_intersects(location, {inside})") == hit
    assert _names(client, f"st_within(location, {inside})") == {"Dom", "Altstadt"}
    assert _names(client, f"st_disjoint(location, {inside})") == {"Bonn"}
    assert _names(client, f"st_contains({inside}, location)") == {"Dom", "Altstadt"}
    point = "geography'POINT(6.958 50.941)'"
    assert _names(client, f"st_contains(location, {point})") == {"Dom", "Altstadt"}
    assert _names(client, f"st_equals(location, {point})") == {"Dom"}
    assert _names(client, f"not st_equals(location, {point}) and name ne 'Bonn'") == {
        "Rheinufer",
        "Altstadt",
    }


def test_lines_touch_cross_overlap_and_relate(client: TestClient, places: dict[str, int]) -> None:
    across = "geography'LINESTRING(6.90 50.99, 7.05 50.99)'"
    assert _names(client, f"st_crosses(location, {across})") == {"Rheinufer"}
    edge = "geography'POLYGON((6.97 50.93, 6.99 50.93, 6.99 50.95, 6.97 50.95, 6.97 50.93))'"
    assert _names(client, f"st_touches(location, {edge})") == {"Altstadt"}
    half = "geography'POLYGON((6.96 50.92, 6.99 50.92, 6.99 50.96, 6.96 50.96, 6.96 50.92))'"
    assert _names(client, f"st_overlaps(location, {half})") == {"Altstadt"}
    assert _names(client, f"st_relate(location, {half}, '2********')") == {"Altstadt"}


def test_distance_and_length_in_degrees(client: TestClient, places: dict[str, int]) -> None:
    dom = "geography'POINT(6.958 50.941)'"
    assert _names(client, f"geo.distance(location, {dom}) lt 0.02") == {
        "Dom",
        "Rheinufer",
        "Altstadt",
    }
    assert _names(client, f"geo.distance(location, {dom}) gt 0.1") == {"Bonn"}
    assert _names(client, "geo.length(location) gt 0.1") == {"Rheinufer"}
    ordered = client.get(
        f"{STA}/Locations",
        params={"$filter": f"geo.distance(location, {dom}) le 1", "$orderby": "name desc"},
    ).json()
    assert [row["name"] for row in ordered["value"]] == ["Rheinufer", "Dom", "Bonn", "Altstadt"]


def test_paging_and_count_stay_exact(client: TestClient, places: dict[str, int]) -> None:
    query = f"geo.intersects(location, geography'{COLOGNE}')"
    url = f"{STA}/Locations?$filter={query}&$top=1&$count=true"
    seen = []
    while url:
        body = client.get(url).json()
        assert body["@iot.count"] == 3
        seen += [row["name"] for row in body["value"]]
        url = body.get("@iot.nextLink", "")
    assert sorted(seen) == ["Altstadt", "Dom", "Rheinufer"]


def test_paths_to_features_and_locations(client: TestClient, seeded: dict[str, int]) -> None:
    near = "geography'POLYGON((6.9 50.9, 7.0 50.9, 7.0 51.0, 6.9 51.0, 6.9 50.9))'"
    far = "geography'POINT(0 0)'"
    assert len(_names(client, f"st_within(feature, {near})", "FeaturesOfInterest")) == 1
    obs = client.get(
        f"{STA}/Observations",
        params={"$filter": f"st_within(FeatureOfInterest/feature, {near})", "$count": "true"},
    ).json()
    assert obs["@iot.count"] == 12
    none = client.get(
        f"{STA}/Observations",
        params={"$filter": f"geo.intersects(FeatureOfInterest/feature, {far})"},
    ).json()
    assert none["value"] == []


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("geo.intersects(location, geography'POINT(6.9)')", "ungültige Geometrie"),
        ("geo.distance(location, geography'POINT(1 2)')", "nur im Vergleich mit einer Zahl"),
        ("geo.distance(location, geography'POINT(1 2)') lt 'x'", "mit einer Zahl verglichen"),
        ("st_within(name, geography'POINT(1 2)')", "Geometrie erwartet"),
        ("st_relate(location, geography'POINT(1 2)', 'XYZ')", "DE-9IM"),
        ("location eq geography'POINT(1 2)'", "geo.*- oder st_*-Funktionen"),
        ("st_within(geography'POINT(1 2)', geography'POINT(1 2)')", "Geometrie-Eigenschaft"),
    ],
)
def test_bad_geo_filters_name_the_problem(
    client: TestClient, places: dict[str, int], expression: str, message: str
) -> None:
    response = client.get(f"{STA}/Locations", params={"$filter": expression})
    assert response.status_code == 400
    assert message in response.json()["message"]


def test_moved_location_is_found_at_its_new_place(
    client: TestClient, places: dict[str, int], auth: dict[str, str]
) -> None:
    bonn = "geography'POLYGON((7.0 50.7, 7.2 50.7, 7.2 50.8, 7.0 50.8, 7.0 50.7))'"
    assert _names(client, f"st_within(location, {bonn})") == {"Bonn"}
    moved = {"location": {"type": "Point", "coordinates": [7.1, 50.75]}}
    response = client.patch(f"{STA}/Locations({places['Dom']})", json=moved, headers=auth)
    assert response.status_code == 200, response.text
    assert _names(client, f"st_within(location, {bonn})") == {"Bonn", "Dom"}
