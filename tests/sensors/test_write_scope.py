"""Editors write only their department's SensorThings entities (and those of units below it),
through every write path: POST, PATCH, PUT, DELETE, CreateObservations, $batch; admins write
everything. Refusals use the FROST envelope."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from domstadt.core.auth import directory_service as directory
from domstadt.core.auth.models import DepartmentKind, Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.auth.schemas import DepartmentCreate
from domstadt.core.db import Database
from domstadt.sensors import ownership_service
from tests.conftest import make_token, make_user
from tests.sensors.conftest import STA, thing_payload

Headers = dict[str, str]


@pytest.fixture
def editors(db: Database) -> dict[str, Headers]:
    """Mobility (Dezernat VIII), its Amt 69 and environment (Amt 57) editors' tokens."""
    with db.session() as session:
        for code, kind, parent in [
            ("VIII", DepartmentKind.DEZERNAT, None),
            ("69", DepartmentKind.AMT, "VIII"),
            ("IX", DepartmentKind.DEZERNAT, None),
            ("57", DepartmentKind.AMT, "IX"),
        ]:
            directory.department_create(
                session,
                actor=system_actor("tests"),
                data=DepartmentCreate(
                    code=code, name=f"Dienststelle {code}", kind=kind, parent_code=parent
                ),
            )
    tokens = {}
    for who, code in (("mira", "VIII"), ("anton", "69"), ("uwe", "57")):
        make_user(db, f"{who}@stadt-koeln.example", Role.EDITOR, department_code=code)
        tokens[who] = {"Authorization": f"Bearer {make_token(db, f'{who}@stadt-koeln.example')}"}
    return tokens


def _thing(client: TestClient, headers: Headers, name: str) -> dict[str, int]:
    """Create a Thing with Location and Datastream; ids of Thing, Datastream, Sensor, Location."""
    made = client.post(f"{STA}/Things", json=thing_payload(name), headers=headers)
    assert made.status_code == 201, made.text
    thing = made.json()["@iot.id"]
    ds = client.get(f"{STA}/Things({thing})/Datastreams?$expand=Sensor").json()["value"][0]
    location = client.get(f"{STA}/Things({thing})/Locations").json()["value"][0]
    return {"thing": thing, "ds": ds["@iot.id"], "sensor": ds["Sensor"]["@iot.id"],
            "location": location["@iot.id"]}  # fmt: skip


def _refused(response: Any) -> None:
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["code"] == 403 and body["type"] == "error"
    assert "gehört einer anderen Dienststelle" in body["message"]


def _obs(ds: int, minute: int = 0) -> dict[str, Any]:
    return {"phenomenonTime": f"2024-05-01T10:{minute:02d}:00Z", "result": 1.5,
            "Datastream": {"@iot.id": ds}}  # fmt: skip


def test_editors_change_only_their_departments_entities(
    client: TestClient, editors: dict[str, Headers]
) -> None:
    mira, uwe = editors["mira"], editors["uwe"]
    own = _thing(client, mira, "Segment A")
    thing, ds = own["thing"], own["ds"]
    _refused(client.patch(f"{STA}/Things({thing})", json={"name": "Mine"}, headers=uwe))
    _refused(client.put(f"{STA}/Datastreams({ds})", json={"name": "x"}, headers=uwe))
    _refused(client.delete(f"{STA}/Things({thing})", headers=uwe))
    _refused(client.post(f"{STA}/Observations", json=_obs(ds), headers=uwe))
    _refused(client.post(f"{STA}/Datastreams({ds})/Observations", json=_obs(ds), headers=uwe))
    _refused(client.post(
        f"{STA}/Things({thing})/Locations",
        json={"@iot.id": _thing(client, uwe, "Station")["location"]}, headers=uwe,
    ))  # fmt: skip
    bulk = [{"Datastream": {"@iot.id": ds}, "components": ["phenomenonTime", "result"],
             "dataArray": [["2024-05-01T11:00:00Z", 3]]}]  # fmt: skip
    _refused(client.post(f"{STA}/CreateObservations", json=bulk, headers=uwe))
    assert client.get(f"{STA}/Datastreams({ds})/Observations").json()["value"] == []
    batch = {"requests": [{"id": "1", "method": "patch", "url": f"Things({thing})",
                           "body": {"name": "Mine"}}]}  # fmt: skip
    answer = client.post(f"{STA}/$batch", json=batch, headers=uwe).json()["responses"][0]
    assert answer["status"] == 403 and "anderen Dienststelle" in answer["body"]["message"]
    assert client.get(f"{STA}/Things({thing})").json()["name"] == "Segment A"
    assert (
        client.patch(f"{STA}/Things({thing})", json={"name": "A"}, headers=mira).status_code == 200
    )
    assert client.post(f"{STA}/Observations", json=_obs(ds), headers=mira).status_code == 201
    bulk_ok = client.post(f"{STA}/CreateObservations", json=bulk, headers=mira)
    assert bulk_ok.status_code == 201 and "error" not in bulk_ok.text


def test_a_datastream_cannot_be_moved_into_another_departments_thing(
    client: TestClient, editors: dict[str, Headers]
) -> None:
    mine, theirs = _thing(client, editors["mira"], "A"), _thing(client, editors["uwe"], "B")
    moved = client.patch(
        f"{STA}/Datastreams({mine['ds']})",
        json={"Thing": {"@iot.id": theirs["thing"]}},
        headers=editors["mira"],
    )
    _refused(moved)
    nested = client.post(
        f"{STA}/Datastreams",
        json={**thing_payload("C")["Datastreams"][0], "Thing": {"@iot.id": theirs["thing"]}},
        headers=editors["mira"],
    )
    _refused(nested)


def test_units_below_and_admins_and_unowned_entities(
    client: TestClient, db: Database, auth: Headers, editors: dict[str, Headers]
) -> None:
    by_amt = _thing(client, editors["anton"], "Amt 69")  # Amt 69 is below Dezernat VIII
    assert client.patch(
        f"{STA}/Things({by_amt['thing']})", json={"name": "x"}, headers=editors["mira"]
    ).status_code == 200  # fmt: skip
    _refused(client.patch(
        f"{STA}/Things({_thing(client, editors['mira'], 'VIII')['thing']})",
        json={"name": "x"}, headers=editors["anton"],
    ))  # fmt: skip
    unowned = _thing(client, auth, "Admin")  # the admin has no department
    refused = client.patch(
        f"{STA}/Things({unowned['thing']})", json={"name": "x"}, headers=editors["mira"]
    )
    assert refused.status_code == 403 and "keiner Dienststelle" in refused.json()["message"]
    with db.session() as session:
        ownership_service.assign_owner(session, actor=system_actor("t"), department_code="69")
    assert client.patch(
        f"{STA}/Things({unowned['thing']})", json={"name": "x"}, headers=editors["mira"]
    ).status_code == 200  # fmt: skip
    assert client.delete(f"{STA}/Things({by_amt['thing']})", headers=auth).status_code == 200


def test_shared_entities_are_linked_freely_but_deleted_by_their_users_only(
    client: TestClient, auth: Headers, editors: dict[str, Headers]
) -> None:
    mira, uwe = editors["mira"], editors["uwe"]
    own = _thing(client, mira, "A")
    station = client.post(
        f"{STA}/Things",
        json={**thing_payload("Station"), "Datastreams": [
            {**thing_payload("S")["Datastreams"][0], "Sensor": {"@iot.id": own["sensor"]}}
        ]},
        headers=uwe,
    )  # fmt: skip
    assert station.status_code == 201, station.text
    refused = client.delete(f"{STA}/Sensors({own['sensor']})", headers=mira)
    assert refused.status_code == 403 and "anderen Dienststelle verwendet" in refused.text
    _refused(client.patch(f"{STA}/Sensors({own['sensor']})", json={"name": "x"}, headers=uwe))
    assert client.delete(f"{STA}/Sensors({own['sensor']})", headers=auth).status_code == 200


def test_retention_of_another_departments_datastream_is_refused(
    client: TestClient, editors: dict[str, Headers]
) -> None:
    own = _thing(client, editors["mira"], "A")
    path = f"/api/v1/sensors/datastreams/{own['ds']}/retention"
    refused = client.put(path, json={"days": 30}, headers=editors["uwe"])
    assert refused.status_code == 403 and "anderen Dienststelle" in refused.text
    assert client.put(path, json={"days": 30}, headers=editors["mira"]).status_code == 200
