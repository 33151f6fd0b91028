"""An Observation's links to its Datastream, MultiDatastream and FeatureOfInterest hold on
both engines: a missing one refuses the statement, deleting the linked entity deletes its
Observations. SQLite keeps foreign keys; PostgreSQL checks once per statement by triggers
(migration 0047), including against a delete running at the same time."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from starlette.testclient import TestClient

from domstadt.core.db import Database
from tests.lock_waits import until_waiting
from tests.sensors.conftest import STA, thing_payload

INSERT = text(
    "INSERT INTO sta_observation (datastream_id, phenomenon_time_start, result_number,"
    " feature_of_interest_id) VALUES (:ds, :t, 1.0, :foi)"
)
JAN = dt.datetime(2021, 1, 15, tzinfo=dt.UTC)


def _stream(client: TestClient, auth: dict[str, str], name: str) -> tuple[int, int]:
    """A new Datastream with two Observations: (its id, its FeatureOfInterest's id)."""
    thing = client.post(f"{STA}/Things", json=thing_payload(name), headers=auth).json()["@iot.id"]
    ds = int(client.get(f"{STA}/Things({thing})/Datastreams").json()["value"][0]["@iot.id"])
    body = [
        {
            "Datastream": {"@iot.id": ds},
            "components": ["phenomenonTime", "result"],
            "dataArray": [["2021-01-01T00:00:00Z", 1], ["2021-01-01T01:00:00Z", 2]],
        }
    ]
    assert client.post(f"{STA}/CreateObservations", json=body, headers=auth).status_code == 201
    foi = client.get(f"{STA}/Datastreams({ds})/Observations?$expand=FeatureOfInterest").json()
    return ds, int(foi["value"][0]["FeatureOfInterest"]["@iot.id"])


def _stored(db: Database, column: str, value: int) -> int:
    with db.engine.connect() as conn:
        sql = f"SELECT count(*) FROM sta_observation WHERE {column} = :v"
        return int(conn.execute(text(sql), {"v": value}).scalar_one())


def test_a_missing_link_refuses_the_statement(
    client: TestClient, db: Database, auth: dict[str, str]
) -> None:
    ds, foi = _stream(client, auth, "Links")
    for params in ({"ds": ds + 1000, "foi": foi}, {"ds": ds, "foi": foi + 1000}):
        with pytest.raises(IntegrityError) as raised, db.engine.begin() as conn:
            conn.execute(INSERT, {**params, "t": JAN})
        if db.engine.dialect.name == "postgresql":
            assert "fk_sta_observation_" in str(raised.value)  # the foreign key's own message
            assert "is not present in table" in str(raised.value)
    with pytest.raises(IntegrityError), db.engine.begin() as conn:  # an update too
        conn.execute(
            text("UPDATE sta_observation SET feature_of_interest_id = :f WHERE datastream_id = :d"),
            {"f": foi + 1000, "d": ds},
        )
    with pytest.raises(IntegrityError), db.engine.begin() as conn:  # one bad row of many
        conn.execute(
            INSERT, [{"ds": ds, "foi": foi, "t": JAN}, {"ds": ds + 1000, "foi": foi, "t": JAN}]
        )
    assert _stored(db, "datastream_id", ds) == 2  # nothing half-written
    assert _stored(db, "feature_of_interest_id", foi) == 2


def test_deleting_a_datastream_thing_or_feature_deletes_its_observations(
    client: TestClient, db: Database, auth: dict[str, str]
) -> None:
    ds, _ = _stream(client, auth, "A")
    assert client.delete(f"{STA}/Datastreams({ds})", headers=auth).status_code == 200
    assert _stored(db, "datastream_id", ds) == 0
    ds, foi = _stream(client, auth, "B")
    assert client.delete(f"{STA}/FeaturesOfInterest({foi})", headers=auth).status_code == 200
    assert _stored(db, "datastream_id", ds) == 0
    ds, _ = _stream(client, auth, "C")
    thing = client.get(f"{STA}/Datastreams({ds})/Thing").json()["@iot.id"]
    assert client.delete(f"{STA}/Things({thing})", headers=auth).status_code == 200
    assert _stored(db, "datastream_id", ds) == 0
    kept, _ = _stream(client, auth, "D")
    assert _stored(db, "datastream_id", kept) == 2


def test_a_delete_running_beside_an_insert_leaves_no_orphan(
    client: TestClient, db: Database, auth: dict[str, str]
) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL (SQLite has one writer at a time)")
    ds, foi = _stream(client, auth, "Parallel")

    def delete() -> None:
        with db.engine.begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '20s'"))
            conn.execute(text("DELETE FROM sta_datastream WHERE id = :d"), {"d": ds})

    # the insert first: the delete waits for it, then its cascade takes the new rows too
    with ThreadPoolExecutor(1) as pool, db.engine.connect() as writer:
        writer.execute(INSERT, {"ds": ds, "foi": foi, "t": JAN})
        deleted = pool.submit(delete)
        until_waiting(db, deleted)
        writer.commit()
        deleted.result(30)
    assert _stored(db, "datastream_id", ds) == 0
    # the delete first: the insert waits for it, then fails on the missing Datastream
    ds, foi = _stream(client, auth, "Parallel 2")

    def insert() -> None:
        with db.engine.begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '20s'"))
            conn.execute(INSERT, {"ds": ds, "foi": foi, "t": JAN})

    with ThreadPoolExecutor(1) as pool, db.engine.connect() as deleter:
        deleter.execute(text("DELETE FROM sta_datastream WHERE id = :d"), {"d": ds})
        inserted = pool.submit(insert)
        until_waiting(db, inserted)
        deleter.commit()
        with pytest.raises(IntegrityError):
            inserted.result(30)
    assert _stored(db, "datastream_id", ds) == 0
