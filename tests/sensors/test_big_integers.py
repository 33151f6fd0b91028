"""Integers beyond 64 bits sent by a sensor come back exactly as sent, through every path
that reads or writes JSON with orjson: SensorThings bodies and answers, CreateObservations,
MQTT payloads and the JSON columns (results, parameters, resultQuality).

One exception, SQLite only: a JSON column there has NUMERIC affinity, so a *bare* number
beyond 64 bits (a result or resultQuality that is nothing but that number) is turned into a
float by SQLite itself when stored; inside an object or a list it is kept. PostgreSQL keeps
both (docs/architecture.md, "One JSON codec")."""

from __future__ import annotations

import json

from starlette.testclient import TestClient

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.sensors import mqtt_service
from domstadt.sensors.mqtt import topics
from tests.sensors.conftest import STA

UP, DOWN = 2**64, -(2**63) - 1
"""Just beyond what orjson keeps as integers, on each side."""


def _same(got: object, sent: object) -> bool:
    """Equal as JSON text: 18446744073709551616 is not 1.8446744073709552e+19 (though == is)."""
    return json.dumps(got, sort_keys=True) == json.dumps(sent, sort_keys=True)


def _sent(client: TestClient, auth: dict[str, str], body: bytes, path: str) -> int:
    headers = {**auth, "Content-Type": "application/json"}
    response = client.post(f"{STA}/{path}", content=body, headers=headers)
    assert response.status_code == 201, response.text
    return int(response.json()["@iot.id"])


def _bare(db: Database) -> int | list[int]:
    """A result beyond 64 bits as the engine can keep it: bare on PostgreSQL, in a list on
    SQLite (see the module docstring)."""
    return UP if db.engine.dialect.name == "postgresql" else [UP]


def test_post_and_read_back_integers_beyond_64_bits(
    client: TestClient, seeded: dict[str, int], auth: dict[str, str], db: Database
) -> None:
    ds = seeded["ds"]
    result = json.dumps(_bare(db))
    body = (
        f'{{"phenomenonTime": "2024-03-01T10:00:00Z", "result": {result},'
        f' "parameters": {{"low": {DOWN}, "list": [{UP}, 1]}}, "Datastream": {{"@iot.id": {ds}}}}}'
    ).encode()
    obs = _sent(client, auth, body, "Observations")
    got = json.loads(client.get(f"{STA}/Observations({obs})").content)  # the exact reader
    assert _same(got["result"], _bare(db))
    assert _same(got["parameters"], {"low": DOWN, "list": [UP, 1]})


def test_create_observations_and_mqtt_keep_them(
    client: TestClient, seeded: dict[str, int], auth: dict[str, str], db: Database
) -> None:
    ds = seeded["ds"]
    up = json.dumps(_bare(db))
    rows = (
        f'[["2024-03-02T10:00:00Z", [{DOWN}], {{"q": {UP}}}], ["2024-03-02T11:00:00Z", {up}, null]]'
    )
    body = (
        f'[{{"Datastream": {{"@iot.id": {ds}}}, "components": '
        f'["phenomenonTime", "result", "resultQuality"], "dataArray": {rows}}}]'
    ).encode()
    headers = {**auth, "Content-Type": "application/json"}
    created = client.post(f"{STA}/CreateObservations", content=body, headers=headers)
    assert created.status_code == 201 and "error" not in created.text, created.text
    payload = f'{{"phenomenonTime": "2024-03-02T12:00:00Z", "result": {{"n": {UP + 1}}}}}'.encode()
    message = mqtt_service.Message(f"v1.1/Datastreams({ds})/Observations", payload)
    with db.session() as session:
        report = mqtt_service.ingest(
            session, actor=system_actor("t"), messages=[message], root="v1.1", base=STA
        )
        session.commit()
    assert report.outcomes == ["created"], report.outcomes
    query = "$filter=phenomenonTime ge 2024-03-02T00:00:00Z&$orderby=phenomenonTime"
    listed = json.loads(client.get(f"{STA}/Datastreams({ds})/Observations?{query}").content)
    got = [(o["result"], o.get("resultQuality")) for o in listed["value"]]
    assert _same(got, [([DOWN], {"q": UP}), (_bare(db), None), ({"n": UP + 1}, None)])


def test_notifications_carry_them() -> None:
    encoded = topics._encode({"result": UP, "parameters": {"low": DOWN}})
    assert _same(json.loads(encoded), {"result": UP, "parameters": {"low": DOWN}})
