"""64-bit ids (issue 16): with the id counters past 2^53 (Datastreams) and near 2^63
(Observations), observations are written through POST, CreateObservations and the MQTT ingest
path and read back exactly by id, ``$filter``, ``$expand`` and paging. An id beyond 2^63-1 is
a 404 or 400, never a 500, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.sensors import mqtt_service
from tests.sensors.conftest import STA, thing_payload

DS0 = 2**53 + 10
"""The Datastream counter: the next id, 2^53+11, is no float a JavaScript number can hold."""
OBS0 = 9_223_372_036_854_775_000
"""The Observation counter: 807 ids below the 64-bit end."""
BEYOND = 2**63
"""One more than any id column holds."""


def _advance(db: Database, table: str, current_id: int, to: int) -> int:
    """Make ``to`` the last id handed out in ``table``, so the next insert gets ``to + 1``.

    PostgreSQL: the id sequence is set (``setval``; beyond 2^31 only when it is a bigint
    sequence). SQLite hands out max(rowid)+1: the row ``current_id`` (referenced by nothing
    yet) is renumbered to ``to``. Returns the id of that row afterwards."""
    with db.engine.begin() as conn:
        if db.dialect == "postgresql":
            conn.execute(
                text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v)"), {"t": table, "v": to}
            )
        else:
            conn.execute(
                text(f"UPDATE {table} SET id = :to WHERE id = :id"), {"to": to, "id": current_id}
            )
            return to
    return current_id


def _created_id(response: Any) -> int:
    assert response.status_code == 201, response.text
    key: int = response.json()["@iot.id"]
    return key


@pytest.fixture
def big(client: TestClient, auth: dict[str, str], db: Database) -> dict[str, int]:
    """A Thing and a Datastream with id DS0+1; the next Observation gets OBS0+1."""
    thing = _created_id(client.post(f"{STA}/Things", json=thing_payload(), headers=auth))
    first = client.get(f"{STA}/Things({thing})/Datastreams").json()["value"][0]
    first_id = _advance(db, "sta_datastream", first["@iot.id"], DS0)
    sensor = client.get(f"{STA}/Sensors").json()["value"][0]["@iot.id"]
    prop = client.get(f"{STA}/ObservedProperties").json()["value"][0]["@iot.id"]
    body = {
        "name": "Zähler groß",
        "description": "ids jenseits von 2^53",
        "observationType": "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement",
        "unitOfMeasurement": {"name": "Anzahl", "symbol": "", "definition": ""},
        "Sensor": {"@iot.id": sensor},
        "ObservedProperty": {"@iot.id": prop},
    }
    ds = _created_id(client.post(f"{STA}/Things({thing})/Datastreams", json=body, headers=auth))
    assert ds == DS0 + 1
    # on the first Datastream, so that the big one holds only the observations of the tests
    seed = client.post(f"{STA}/Observations", json=_observation(first_id, 0, 0), headers=auth)
    _advance(db, "sta_observation", _created_id(seed), OBS0)
    return {"thing": thing, "ds": ds}


def _observation(ds: int, hour: int, result: float) -> dict[str, Any]:
    return {
        "phenomenonTime": f"2024-05-01T{hour:02d}:00:00Z",
        "result": result,
        "Datastream": {"@iot.id": ds},
    }


def _write_four(client: TestClient, auth: dict[str, str], db: Database, ds: int) -> list[int]:
    """One Observation by POST, two by CreateObservations, one by MQTT ingest."""
    ids = [
        _created_id(client.post(f"{STA}/Observations", json=_observation(ds, 1, 1.5), headers=auth))
    ]
    group = {
        "Datastream": {"@iot.id": ds},
        "components": ["phenomenonTime", "result"],
        "dataArray": [["2024-05-01T02:00:00Z", 2], ["2024-05-01T03:00:00Z", 3]],
    }
    links = client.post(f"{STA}/CreateObservations", json=[group], headers=auth)
    assert links.status_code == 201, links.text
    ids += [int(link.rsplit("(", 1)[1].rstrip(")")) for link in links.json()]
    message = mqtt_service.Message(
        f"v1.1/Datastreams({ds})/Observations",
        json.dumps({"phenomenonTime": "2024-05-01T04:00:00Z", "result": 4}).encode(),
    )
    with db.session() as session:
        report = mqtt_service.ingest(
            session, actor=system_actor("t"), messages=[message], root="v1.1", base=STA
        )
    assert report.outcomes == ["created"], report.outcomes
    listed = client.get(f"{STA}/Datastreams({ds})/Observations?$orderby=id&$select=id").json()
    ids.append(listed["value"][-1]["@iot.id"])
    return ids


def test_observations_beyond_2_to_the_62_are_written_and_read_exactly(
    client: TestClient, auth: dict[str, str], db: Database, big: dict[str, int]
) -> None:
    ds = big["ds"]
    ids = _write_four(client, auth, db, ds)
    assert ids == [OBS0 + 1, OBS0 + 2, OBS0 + 3, OBS0 + 4]

    one = client.get(f"{STA}/Observations({OBS0 + 1})")
    assert one.status_code == 200, one.text
    # the exact digits travel in the JSON (a float would print 9223372036854775808)
    assert f'"@iot.id":{OBS0 + 1}' in one.text
    assert one.json()["result"] == 1.5
    assert one.json()["@iot.selfLink"].endswith(f"/Observations({OBS0 + 1})")

    expanded = client.get(f"{STA}/Observations({OBS0 + 2})?$expand=Datastream($select=id)")
    assert expanded.status_code == 200, expanded.text
    assert expanded.json()["Datastream"]["@iot.id"] == DS0 + 1
    assert f'"@iot.id":{DS0 + 1}' in expanded.text

    stream = client.get(f"{STA}/Datastreams({ds})?$expand=Observations($orderby=id;$select=id)")
    assert [o["@iot.id"] for o in stream.json()["Observations"]] == ids


def test_filter_and_paging_by_64_bit_ids(
    client: TestClient, auth: dict[str, str], db: Database, big: dict[str, int]
) -> None:
    ds = big["ds"]
    ids = _write_four(client, auth, db, ds)

    def ids_of(query: str) -> list[int]:
        response = client.get(f"{STA}/Observations?{query}")
        assert response.status_code == 200, (query, response.text)
        return [o["@iot.id"] for o in response.json()["value"]]

    assert ids_of(f"$filter=id eq {OBS0 + 3}") == [OBS0 + 3]
    assert ids_of(f"$filter=id gt {OBS0 + 1} and id le {OBS0 + 3}&$orderby=id") == ids[1:3]
    assert ids_of(f"$filter=Datastream/id eq {DS0 + 1}&$orderby=id desc") == ids[::-1]
    assert ids_of(f"$filter=id eq {2**63 - 1}") == []
    in_thing = f"Things({big['thing']})/Datastreams({ds})/Observations?$orderby=id"
    assert [o["@iot.id"] for o in client.get(f"{STA}/{in_thing}").json()["value"]] == ids

    first = client.get(f"{STA}/Datastreams({ds})/Observations?$orderby=id&$top=3")
    page = first.json()
    assert [o["@iot.id"] for o in page["value"]] == ids[:3]
    rest = client.get(page["@iot.nextLink"])
    assert [o["@iot.id"] for o in rest.json()["value"]] == ids[3:]

    patched = client.patch(f"{STA}/Observations({OBS0 + 4})", json={"result": 40}, headers=auth)
    assert patched.status_code == 200, patched.text
    assert client.get(f"{STA}/Observations({OBS0 + 4})/result").json()["result"] == 40
    deleted = client.delete(f"{STA}/Observations({OBS0 + 4})", headers=auth)
    assert deleted.status_code == 200, deleted.text
    assert client.get(f"{STA}/Observations({OBS0 + 4})").status_code == 404


@pytest.mark.parametrize("key", [2**63 - 1, BEYOND, 10**30])
def test_ids_at_and_beyond_the_64_bit_end_are_not_found(
    client: TestClient, auth: dict[str, str], db: Database, big: dict[str, int], key: int
) -> None:
    for path in (f"Observations({key})", f"Datastreams({key})/Observations"):
        response = client.get(f"{STA}/{path}")
        assert response.status_code == 404, (path, response.text)
        assert response.json()["type"] == "error"
    linked = client.post(f"{STA}/Observations", json=_observation(key, 5, 5), headers=auth)
    assert linked.status_code == 400, linked.text
    message = mqtt_service.Message(f"v1.1/Datastreams({key})/Observations", b'{"result": 5}')
    with db.session() as session:
        report = mqtt_service.ingest(
            session, actor=system_actor("t"), messages=[message], root="v1.1", base=STA
        )
    assert report.outcomes[0].startswith("invalid:") and str(key) in report.outcomes[0]
    filtered = client.get(f"{STA}/Observations?$filter=id eq {key}")
    if key < BEYOND:
        assert filtered.status_code == 200 and filtered.json()["value"] == [], filtered.text
    else:  # no id can equal it: refused, naming the range
        assert filtered.status_code == 400, filtered.text
        assert filtered.json()["type"] == "error"
