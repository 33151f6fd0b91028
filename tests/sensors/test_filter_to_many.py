"""$filter paths through to-many relations: true when any related entity matches (EXISTS)."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.sensors.conftest import STA, thing_payload


def _names(client: TestClient, entity: str, query: str) -> list[str]:
    response = client.get(f"{STA}/{entity}", params={"$filter": query, "$orderby": "name"})
    assert response.status_code == 200, response.text
    return [row["name"] for row in response.json()["value"]]


def test_any_semantics_over_one_and_many_relations(
    client: TestClient, seeded: dict[str, int]
) -> None:
    assert _names(client, "Things", "Datastreams/name eq 'Segment A Auslastung'") == ["Segment A"]
    assert _names(client, "Things", "Locations/name eq 'Segment B Ort'") == ["Segment B"]
    assert _names(client, "Things", "Datastreams/Observations/result gt 100") == ["Segment A"]
    assert _names(client, "Things", "Datastreams/Observations/result add 1 eq 1") == ["Segment A"]
    assert _names(client, "Things", "not Datastreams/Observations/result ge 0") == ["Segment B"]
    assert _names(
        client, "Things", "startswith(Datastreams/name, 'Segment') and Locations/name ne 'x'"
    ) == ["Segment A", "Segment B"]
    assert _names(client, "Datastreams", "Thing/Locations/name eq 'Segment A Ort'") == [
        "Segment A Auslastung"
    ]
    assert _names(client, "Sensors", "Datastreams/Thing/name eq 'Segment B'") == [
        "Induktionsschleife"
    ]
    assert _names(client, "Locations", "Things/Datastreams/name eq 'Segment B Auslastung'") == [
        "Segment B Ort"
    ]


def test_geo_through_thing_locations_pages_and_counts(
    client: TestClient, seeded: dict[str, int], auth: dict[str, str]
) -> None:
    far = thing_payload("Segment C")
    far["Locations"][0]["location"] = {"type": "Point", "coordinates": [13.4, 52.5]}
    assert client.post(f"{STA}/Things", json=far, headers=auth).status_code == 201
    box = "geography'POLYGON((6.9 50.9, 7.0 50.9, 7.0 51.0, 6.9 51.0, 6.9 50.9))'"
    query = f"st_within(Locations/location, {box})"
    assert _names(client, "Things", query) == ["Segment A", "Segment B"]
    assert _names(client, "Things", f"not {query}") == ["Segment C"]
    assert _names(client, "Datastreams", f"geo.intersects(Thing/Locations/location, {box})") == [
        "Segment A Auslastung",
        "Segment B Auslastung",
    ]
    url = f"{STA}/Things?$filter={query}&$top=1&$count=true"
    seen = []
    while url:
        body = client.get(url).json()
        assert body["@iot.count"] == 2
        seen += [row["name"] for row in body["value"]]
        url = body.get("@iot.nextLink", "")
    assert sorted(seen) == ["Segment A", "Segment B"]


def test_unsupported_to_many_uses_name_the_problem(
    client: TestClient, seeded: dict[str, int]
) -> None:
    both = client.get(
        f"{STA}/Things", params={"$filter": "Datastreams/name eq Locations/name"}
    ).json()
    assert "nur einen Pfad über mehrere Entitäten" in both["message"]
    order = client.get(f"{STA}/Things", params={"$orderby": "Datastreams/name"})
    assert order.status_code == 400
    assert "$orderby" in order.json()["message"]
    end = client.get(f"{STA}/Things", params={"$filter": "Datastreams eq 1"}).json()
    assert "endet bei einer Entität" in end["message"]
