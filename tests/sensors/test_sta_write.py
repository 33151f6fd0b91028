"""SensorThings writes: deep insert, links, PATCH/PUT, cascading DELETE, bulk ingest, auth."""

from __future__ import annotations

import json
from typing import Any

from starlette.testclient import TestClient

from domstadt.core.auth.models import Role
from domstadt.core.db import Database
from tests.conftest import make_token, make_user
from tests.sensors.conftest import STA, thing_payload


def _count(client: TestClient, path: str) -> int:
    return int(client.get(f"{STA}/{path}?$count=true&$top=0").json()["@iot.count"])


def test_reads_are_public_and_writes_need_an_editor_token(client: TestClient, db: Database) -> None:
    assert client.get(f"{STA}/Things").status_code == 200
    anonymous = client.post(f"{STA}/Things", json=thing_payload())
    assert anonymous.status_code == 401 and anonymous.json()["type"] == "error"
    make_user(db, "mitglied@example.org", Role.MEMBER)
    member = {"Authorization": f"Bearer {make_token(db, 'mitglied@example.org')}"}
    assert client.post(f"{STA}/Things", json=thing_payload(), headers=member).status_code == 403
    assert _count(client, "Things") == 0


def test_deep_insert_returns_201_location_and_writes_audit(
    client: TestClient, auth: dict[str, str]
) -> None:
    response = client.post(f"{STA}/Things", json=thing_payload(), headers=auth)
    assert response.status_code == 201
    thing = response.json()
    assert response.headers["Location"] == thing["@iot.selfLink"]
    assert thing["properties"] == {"owner": "Stadt Köln", "lanes": 2}
    assert _count(client, "Datastreams") == 1 and _count(client, "Sensors") == 1
    audit = client.get("/api/v1/audit", headers=auth).json()
    assert any(e["action"] == "sta.Thing.create" for e in audit["items"])


def test_broken_link_in_deep_insert_writes_nothing(
    client: TestClient, auth: dict[str, str]
) -> None:
    payload = thing_payload()
    payload["Datastreams"][0]["Sensor"] = {"@iot.id": 4711}
    response = client.post(f"{STA}/Things", json=payload, headers=auth)
    assert response.status_code == 400
    assert "4711" in response.json()["message"]
    assert _count(client, "Things") == 0 and _count(client, "Locations") == 0


def test_missing_datastream_link_and_malformed_json_are_400(
    client: TestClient, auth: dict[str, str]
) -> None:
    response = client.post(f"{STA}/Observations", json={"result": 1}, headers=auth)
    assert response.status_code == 400 and "Datastream" in response.json()["message"]
    bad = client.post(
        f"{STA}/Things", content=b'{"name": ', headers={**auth, "Content-Type": "application/json"}
    )
    assert bad.status_code == 400 and "JSON" in bad.json()["message"]
    unknown = client.post(f"{STA}/Things", json={**thing_payload(), "colour": "red"}, headers=auth)
    assert unknown.status_code == 400 and "colour" in unknown.json()["message"]


def test_observation_links_automatic_feature_and_duplicate(
    client: TestClient, seeded: dict[str, int], auth: dict[str, str]
) -> None:
    path = f"{STA}/Datastreams({seeded['ds']})/Observations"
    body: dict[str, Any] = {"phenomenonTime": "2014-02-04T12:00:00Z", "result": "gestört"}
    created = client.post(path, json=body, headers=auth)
    assert created.status_code == 201, created.text
    assert created.json()["result"] == "gestört"
    assert _count(client, "FeaturesOfInterest") == 1  # reused from the Thing's Location
    again = client.post(path, json=body, headers=auth)
    assert again.status_code == 409
    ds = client.get(f"{STA}/Datastreams({seeded['ds']})").json()
    assert ds["phenomenonTime"] == "2014-02-03T00:00:00Z/2014-02-04T12:00:00Z"


def test_patch_put_and_location_history(
    client: TestClient, seeded: dict[str, int], auth: dict[str, str]
) -> None:
    thing = f"{STA}/Things({seeded['Segment A']})"
    patched = client.patch(thing, json={"description": "neu"}, headers=auth)
    assert patched.status_code == 200 and patched.json()["name"] == "Segment A"
    location_b = client.get(f"{STA}/Things({seeded['Segment B']})/Locations").json()["value"][0]
    moved = client.patch(
        thing, json={"Locations": [{"@iot.id": location_b["@iot.id"]}]}, headers=auth
    )
    assert moved.status_code == 200
    assert len(client.get(f"{thing}/HistoricalLocations").json()["value"]) == 2
    assert client.get(f"{thing}/Locations").json()["value"][0]["name"] == "Segment B Ort"
    incomplete = client.put(thing, json={"name": "nur Name"}, headers=auth)
    assert incomplete.status_code == 400 and "description" in incomplete.json()["message"]
    replaced = client.put(thing, json={"name": "X", "description": "Y"}, headers=auth)
    assert replaced.json().get("properties") is None  # null (or left out when null)


def test_delete_cascades_to_datastreams_and_observations(
    client: TestClient, seeded: dict[str, int], auth: dict[str, str]
) -> None:
    assert _count(client, "Observations") == 12
    response = client.delete(f"{STA}/Things({seeded['Segment A']})", headers=auth)
    assert response.status_code == 200
    assert client.get(f"{STA}/Things({seeded['Segment A']})").status_code == 404
    assert _count(client, "Observations") == 0 and _count(client, "Datastreams") == 1
    assert _count(client, "Sensors") == 2  # Sensors are not owned by the Thing


def test_create_observations_answers_per_row(
    client: TestClient, seeded: dict[str, int], auth: dict[str, str]
) -> None:
    body = [
        {
            "Datastream": {"@iot.id": seeded["ds"]},
            "components": ["phenomenonTime", "result", "resultTime"],
            "dataArray": [
                ["2014-02-05T00:00:00Z", 1.5, None],
                ["kein Datum", 2, None],
                ["2014-02-03T00:00:00Z", 3, None],
                ["2014-02-05T00:05:00Z", 4, "2014-02-05T00:06:00Z"],
            ],
        }
    ]
    response = client.post(f"{STA}/CreateObservations", json=body, headers=auth)
    links = response.json()
    assert response.status_code == 201
    assert links[0].startswith(f"http://testserver{STA}/Observations(")
    assert links[1].startswith("error") and "kein Datum" in links[1]
    assert links[2].startswith("error") and "Duplikat" in links[2]
    assert client.get(links[3].replace("http://testserver", "")).json()["result"] == 4
    assert _count(client, "Observations") == 14


def test_create_observations_for_missing_datastream_writes_nothing(
    client: TestClient, seeded: dict[str, int], auth: dict[str, str]
) -> None:
    body = [
        {"Datastream": {"@iot.id": seeded["ds"]}, "components": ["result"], "dataArray": [[1]]},
        {"Datastream": {"@iot.id": 999}, "components": ["result"], "dataArray": [[1]]},
    ]
    response = client.post(f"{STA}/CreateObservations", json=body, headers=auth)
    assert response.status_code == 400 and "999" in response.json()["message"]
    assert _count(client, "Observations") == 12


def test_json_patch_changes_only_what_the_operations_say(
    client: TestClient, seeded: dict[str, int], auth: dict[str, str]
) -> None:
    thing = f"{STA}/Things({seeded['Segment A']})"
    headers = {**auth, "Content-Type": "application/json-patch+json"}
    ops = [
        {"op": "replace", "path": "/properties/owner", "value": "Stadtwerke"},
        {"op": "add", "path": "/properties/colour", "value": "grün"},
        {"op": "remove", "path": "/properties/lanes"},
    ]
    patched = client.patch(thing, content=json.dumps(ops), headers=headers)
    assert patched.status_code == 200, patched.text
    assert patched.json()["properties"] == {"owner": "Stadtwerke", "colour": "grün"}
    assert patched.json()["name"] == "Segment A"
    failing = [{"op": "test", "path": "/name", "value": "anders"}]
    refused = client.patch(thing, content=json.dumps(failing), headers=headers)
    assert refused.status_code == 400 and "JSON-Patch" in refused.json()["message"]
    required = [{"op": "remove", "path": "/name"}]
    assert client.patch(thing, content=json.dumps(required), headers=headers).status_code == 400
    assert client.get(thing).json()["properties"]["owner"] == "Stadtwerke"
