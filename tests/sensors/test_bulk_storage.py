"""CreateObservations' lean writers (COPY on PostgreSQL, multi-row INSERTs on SQLite) store
exactly what SQLAlchemy's generic insert stores and hand back the ids of the stored rows;
what was sent reads back unchanged: an integer beyond a float's 2**53 is not rounded, and a
bare number as resultQuality does not break reads on SQLite (its JSON columns give numbers
back as numbers)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import JSON, Text, cast, insert, select
from starlette.testclient import TestClient

from domstadt.core.db import Database
from domstadt.sensors import models as m
from domstadt.sensors.sta import bulk
from tests.sensors.conftest import STA

AWKWARD = 'Tab\there, line\nbreak, back\\slash, "quotes", Köln ß, \\N, \x7f'
COMPONENTS = [
    "phenomenonTime",
    "result",
    "resultTime",
    "resultQuality",
    "validTime",
    "parameters",
]
VALUES: list[list[Any]] = [
    ["2024-03-01T10:00:00Z", 1.5, None, None, None, None],
    ["2024-03-01T10:05:00+02:00", -0.0, "2024-03-01T10:06:00Z", {"q": "ok"}, None, {"a": 1}],
    ["2024-03-01T10:10:00Z/2024-03-01T10:20:00Z", AWKWARD, None, [AWKWARD], None, {"t": AWKWARD}],
    [
        "2024-03-01T11:00:00Z",
        {"nested": [1, 2.25, None, True], AWKWARD: AWKWARD},
        None,
        None,
        "2024-03-01T00:00:00Z/2024-03-02T00:00:00Z",
        None,
    ],
    ["2024-03-01T12:00:00Z", True, None, "gut", None, {}],
    ["2024-03-01T13:00:00Z", 2**60 + 1, None, 5, None, None],
    ["2024-03-01T13:30:00Z", 7, None, 2.5, None, {"n": 2**60 + 1}],
    ["2024-03-01T14:00:00.123456Z", "", None, None, None, {"leer": ""}],
    ["2024-03-01T15:00:00Z", 5e-324, None, 1e300, None, None],
    ["2024-03-01T16:00:00Z", 0.1 + 0.2, None, None, None, {"NULL": None}],
]

COLUMNS = [c.name for c in m.Observation.__table__.c if c.name not in ("id", "datastream_id")]


def _stored(db: Database, ids: list[int]) -> list[dict[str, Any]]:
    """The rows as stored: JSON columns as their text, so JSON null and SQL NULL differ."""
    table: Any = m.Observation.__table__
    columns = [cast(c, Text).label(c.name) if isinstance(c.type, JSON) else c for c in table.c]
    with db.engine.connect() as conn:
        query = select(*columns).where(table.c.id.in_(ids)).order_by(table.c.id)
        rows = conn.execute(query).all()
    return [dict(row._mapping) for row in rows]


PLAIN = [[row[0], row[1], None, None, None, None] for row in VALUES]
"""Time and result only: the columns of resultTime and validTime and the end are NULL in every
row (PostgreSQL's COPY leaves them out)."""


@pytest.mark.parametrize("values", [VALUES, PLAIN], ids=["awkward", "plain"])
def test_lean_writer_stores_what_the_generic_insert_stores(
    client: TestClient,
    seeded: dict[str, int],
    auth: dict[str, str],
    db: Database,
    values: list[list[Any]],
) -> None:
    ds = seeded["ds"]
    other = client.get(f"{STA}/Things({seeded['Segment B']})/Datastreams").json()["value"][0]
    with db.session() as session:
        built = bulk._rows(session, bulk.Stream("Datastream", ds), COMPONENTS, values, [])
        rows = [row for row in built if isinstance(row, dict)]
        assert len(rows) == len(values), built
        lean_ids = bulk._insert(session, rows)
        generic = [{**row, "datastream_id": other["@iot.id"]} for row in rows]
        table: Any = m.Observation.__table__
        generic_ids = list(session.execute(insert(table).returning(table.c.id), generic).scalars())
    assert len(set(lean_ids)) == len(rows)
    lean = {row["id"]: row for row in _stored(db, lean_ids)}
    plain = {row["id"]: row for row in _stored(db, generic_ids)}
    assert len(lean) == len(plain) == len(rows)
    for lean_id, generic_id, row in zip(lean_ids, generic_ids, rows, strict=True):
        assert lean[lean_id]["datastream_id"] == ds
        assert lean[lean_id]["phenomenon_time_start"] == row["phenomenon_time_start"]
        assert {c: lean[lean_id][c] for c in COLUMNS} == {c: plain[generic_id][c] for c in COLUMNS}


def test_created_observations_read_back_as_sent(
    client: TestClient, seeded: dict[str, int], auth: dict[str, str]
) -> None:
    body = [
        {"Datastream": {"@iot.id": seeded["ds"]}, "components": COMPONENTS, "dataArray": VALUES}
    ]
    response = client.post(f"{STA}/CreateObservations", json=body, headers=auth)
    assert response.status_code == 201, response.text
    links = response.json()
    assert len(links) == len(VALUES) and not any(str(link).startswith("error") for link in links)
    for link, values in zip(links, VALUES, strict=True):
        got = client.get(link).json()
        sent = dict(zip(COMPONENTS, values, strict=True))
        assert got["result"] == sent["result"], link
        assert got.get("resultQuality") == sent["resultQuality"]
        assert got.get("parameters") == sent["parameters"]
        if "/" in sent["phenomenonTime"]:
            assert got["phenomenonTime"] == sent["phenomenonTime"]
    stream = f"{STA}/Datastreams({seeded['ds']})/Observations"
    for params in ({}, {"$resultFormat": "dataArray"}, {"$select": "resultQuality,parameters"}):
        listed = client.get(stream, params={"$top": "100", **params})
        assert listed.status_code == 200, (params, listed.text)
