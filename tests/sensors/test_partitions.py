"""Observations partitioned by month on PostgreSQL (migration 0042, ``sensors/partitions.py``):
rows land in past, future and default partitions, ``ensure`` creates months ahead and drains
the default partition, retention drops whole months (audited, admins only), and reads,
counts, the latest value, Observations(id) and the writes work the same on both engines."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import select, text
from starlette.testclient import TestClient
from typer.testing import CliRunner

from domstadt.core.audit import AuditEntry
from domstadt.core.auth.models import Role
from domstadt.core.auth.permissions import Actor, system_actor
from domstadt.core.db import Database, utcnow
from domstadt.core.errors import Forbidden, Invalid
from domstadt.core.migrate import alembic_config
from domstadt.sensors import partition_service, partitions, tasks
from domstadt.sensors.cli import sensors_app
from tests.sensors.conftest import STA, thing_payload

OPS = system_actor("tests")


def _z(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _stream(client: TestClient, auth: dict[str, str], name: str) -> int:
    thing = client.post(f"{STA}/Things", json=thing_payload(name), headers=auth).json()["@iot.id"]
    return int(client.get(f"{STA}/Things({thing})/Datastreams").json()["value"][0]["@iot.id"])


def _post(client: TestClient, auth: dict[str, str], ds: int, times: list[dt.datetime]) -> None:
    body = [
        {
            "Datastream": {"@iot.id": ds},
            "components": ["phenomenonTime", "result"],
            "dataArray": [[_z(t), i] for i, t in enumerate(times)],
        }
    ]
    response = client.post(f"{STA}/CreateObservations", json=body, headers=auth)
    assert response.status_code == 201 and "error" not in response.text, response.text


def _where(db: Database) -> dict[str, int]:
    """Rows per partition (PostgreSQL)."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT tableoid::regclass::text, count(*) FROM sta_observation GROUP BY 1")
        ).all()
    return {name: n for name, n in rows}


def _count(client: TestClient, ds: int) -> int:
    body = client.get(f"{STA}/Datastreams({ds})/Observations?$count=true&$top=1").json()
    return int(body["@iot.count"])


def _pg(db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("partitions exist on PostgreSQL only")


def test_rows_land_in_month_default_and_ensured_partitions(
    client: TestClient, db: Database, auth: dict[str, str]
) -> None:
    _pg(db)
    now = partitions.month_start(utcnow())
    ahead = partitions.add_months(now, 2)
    far = dt.datetime(2099, 5, 7, tzinfo=dt.UTC)
    past = dt.datetime(1987, 3, 4, 5, tzinfo=dt.UTC)
    ds = _stream(client, auth, "Partitioniert")
    _post(client, auth, ds, [past, now, ahead, far, far + dt.timedelta(hours=1)])
    where = _where(db)
    assert where[partitions.partition_name(now)] == 1  # created by the migration
    assert where[partitions.partition_name(ahead)] == 1  # ahead of time
    assert where[partitions.DEFAULT] == 3  # no month partition: the default takes them
    with db.session() as session:
        created = partition_service.partitions_ensure(session, actor=OPS)
    assert set(created) >= {"sta_observation_p1987_03", "sta_observation_p2099_05"}
    where = _where(db)
    assert partitions.DEFAULT not in where  # drained
    assert where["sta_observation_p1987_03"] == 1 and where["sta_observation_p2099_05"] == 2
    assert _count(client, ds) == 5
    latest = client.get(f"{STA}/Datastreams({ds})/Observations?$orderby=phenomenonTime desc&$top=2")
    assert [o["phenomenonTime"] for o in latest.json()["value"]] == [
        _z(far + dt.timedelta(hours=1)),
        _z(far),
    ]
    values = {v["datastream_id"]: v for v in client.get("/api/v1/sensors/datastreams").json()}
    assert values[ds]["time"].startswith("2099-05-07T01:00")
    with db.session() as session:
        again = partition_service.partitions_ensure(session, actor=OPS)
        listed = partition_service.partitions_list(session, actor=OPS)
    assert again == []  # nothing left to create
    assert listed[-1].name == partitions.DEFAULT and listed[-1].start is None
    starts = [p.start for p in listed[:-1]]
    assert starts == sorted(starts) and partitions.add_months(now, 3) in starts


def test_drop_before_drops_whole_months_only(
    client: TestClient, db: Database, auth: dict[str, str], cli_env: None
) -> None:
    _pg(db)
    ds = _stream(client, auth, "Alt")
    other = _stream(client, auth, "Anderer")
    base = dt.datetime(2019, 3, 10, tzinfo=dt.UTC)
    months = [base, base + dt.timedelta(days=31), base + dt.timedelta(days=62)]  # Mar, Apr, May
    _post(client, auth, ds, months)
    _post(client, auth, other, [base + dt.timedelta(days=62, hours=1)])
    with db.session() as session:
        partition_service.partitions_ensure(session, actor=OPS)
    listing = CliRunner().invoke(sensors_app, ["partitions", "drop-before", "2019-05-20"])
    assert listing.exit_code == 0, listing.output
    assert "sta_observation_p2019_04" in listing.output and "Nichts gelöscht" in listing.output
    assert _count(client, ds) == 3  # listed only

    editor = Actor(user_id=1, email="redaktion@example.org", role=Role.EDITOR)
    with db.session() as session, pytest.raises(Forbidden):
        partition_service.partitions_drop_before(
            session, actor=editor, cutoff=dt.datetime(2019, 5, 1, tzinfo=dt.UTC)
        )
    with db.session() as session, pytest.raises(Invalid):
        partition_service.partitions_drop_before(
            session, actor=OPS, cutoff=utcnow() + dt.timedelta(days=62)
        )
    done = CliRunner().invoke(sensors_app, ["partitions", "drop-before", "2019-05-20", "--yes"])
    assert done.exit_code == 0, done.output
    assert (
        "sta_observation_p2019_03" in done.output and "sta_observation_p2019_05" not in done.output
    )
    assert _count(client, ds) == 1 and _count(client, other) == 1  # May stays, whole
    where = _where(db)
    assert "sta_observation_p2019_03" not in where and where["sta_observation_p2019_05"] == 2
    stream = client.get(f"{STA}/Datastreams({ds})").json()
    assert stream["phenomenonTime"].startswith(_z(months[2]))  # narrowed to what is left
    with db.session() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "sensors.partitions_drop")
        ).one()
        names = [p.name for p in partition_service.partitions_list(session, actor=OPS)]
    dropped = entry.after["dropped"]  # (and any older month another test left behind)
    assert dropped[-2:] == ["sta_observation_p2019_03", "sta_observation_p2019_04"]
    assert "sta_observation_p2019_04" not in names and "sta_observation_p2019_05" in names


def test_observation_by_id_count_and_writes_on_both_engines(
    client: TestClient, db: Database, auth: dict[str, str]
) -> None:
    ds = _stream(client, auth, "Einzeln")
    jan = dt.datetime(2021, 1, 15, tzinfo=dt.UTC)
    _post(client, auth, ds, [jan, jan + dt.timedelta(hours=1)])
    single = client.post(
        f"{STA}/Observations",
        json={"phenomenonTime": "2021-02-03T04:05:06Z", "result": 7, "Datastream": {"@iot.id": ds}},
        headers=auth,
    )
    assert single.status_code == 201, single.text
    obs = single.json()["@iot.id"]
    duplicate = client.post(
        f"{STA}/Observations",
        json={"phenomenonTime": "2021-02-03T04:05:06Z", "result": 8, "Datastream": {"@iot.id": ds}},
        headers=auth,
    )
    assert duplicate.status_code == 409  # the duplicate rule holds inside a partition
    assert client.get(f"{STA}/Observations({obs})").json()["result"] == 7
    moved = client.patch(
        f"{STA}/Observations({obs})",
        json={"phenomenonTime": "2021-06-03T04:05:06Z", "result": 9},
        headers=auth,
    )
    assert moved.status_code == 200, moved.text  # another month: another partition on PG
    got = client.get(f"{STA}/Observations({obs})").json()
    assert (got["result"], got["phenomenonTime"]) == (9, "2021-06-03T04:05:06Z")
    assert _count(client, ds) == 3
    assert client.get(f"{STA}/Observations?$count=true&$top=1").json()["@iot.count"] == 3
    assert client.delete(f"{STA}/Observations({obs})", headers=auth).status_code == 200
    assert client.get(f"{STA}/Observations({obs})").status_code == 404
    assert (
        client.patch(f"{STA}/Observations({obs})", json={"result": 1}, headers=auth).status_code
        == 404
    )
    assert _count(client, ds) == 2
    with db.session() as session:
        listed = partition_service.partitions_list(session, actor=OPS)
        created = partition_service.partitions_ensure(session, actor=OPS, ahead=0)
    if db.engine.dialect.name == "sqlite":
        assert listed == [] and created == []  # one table on SQLite
    else:
        assert "sta_observation_p2021_01" in created  # its rows waited in the default partition
        assert "sta_observation_p2021_01" not in {p.name for p in listed}


def test_daily_job_ensures_partitions(db: Database, cli_env: None) -> None:
    created = tasks.run_partitions_ensure(db.url)
    assert isinstance(created, list)
    with db.session() as session:
        names = [p.name for p in partition_service.partitions_list(session, actor=OPS)]
        with pytest.raises(Invalid):
            partition_service.partitions_ensure(session, actor=OPS, ahead=99)
    if db.engine.dialect.name == "postgresql":
        later = partitions.add_months(partitions.month_start(utcnow()), 3)
        assert partitions.partition_name(later) in names
    result = CliRunner().invoke(sensors_app, ["partitions", "list"])
    assert result.exit_code == 0, result.output


def test_migration_converts_a_filled_table_and_back(
    client: TestClient, db: Database, auth: dict[str, str]
) -> None:
    ds = _stream(client, auth, "Migration")
    times = [dt.datetime(2018, 12, 31, 23, tzinfo=dt.UTC), dt.datetime(2019, 1, 1, tzinfo=dt.UTC)]
    _post(client, auth, ds, times)
    before = client.get(f"{STA}/Datastreams({ds})/Observations?$orderby=id").json()["value"]
    cfg = alembic_config(db.url)
    for revision in ("0041_report_schedule", "head"):
        with db.engine.begin() as connection:
            cfg.attributes["connection"] = connection
            if revision == "head":
                command.upgrade(cfg, revision)
            else:
                command.downgrade(cfg, revision)
            partitioned = partitions.is_partitioned(connection)
        assert partitioned is (revision == "head" and db.engine.dialect.name == "postgresql")
        after = client.get(f"{STA}/Datastreams({ds})/Observations?$orderby=id").json()["value"]
        assert after == before  # every row, id and value kept
    if db.engine.dialect.name == "postgresql":
        assert {"sta_observation_p2018_12", "sta_observation_p2019_01"} <= set(_where(db))
    _post(client, auth, ds, [dt.datetime(2019, 1, 2, tzinfo=dt.UTC)])  # the sequence goes on
    ids = [
        o["@iot.id"] for o in client.get(f"{STA}/Datastreams({ds})/Observations").json()["value"]
    ]
    assert len(set(ids)) == 3 and max(ids) > max(o["@iot.id"] for o in before)


def test_latest_value_is_right_whatever_the_datastream_says_of_its_time(
    client: TestClient, auth: dict[str, str]
) -> None:
    """The dashboard's latest value looks near the Datastream's phenomenonTime end first; a
    client may set that end (PATCH) before or long after the newest Observation."""
    base = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    streams = {}
    for name in ("Normal", "Ende zu früh", "Ende viel später", "Ende fehlt"):
        ds = streams[name] = _stream(client, auth, name)
        _post(client, auth, ds, [base - dt.timedelta(days=90), base, base + dt.timedelta(hours=2)])
    for name, interval in (
        ("Ende zu früh", f"{_z(base - dt.timedelta(days=400))}/{_z(base + dt.timedelta(hours=1))}"),
        ("Ende viel später", f"{_z(base)}/{_z(base + dt.timedelta(days=300))}"),
    ):
        patched = client.patch(
            f"{STA}/Datastreams({streams[name]})", json={"phenomenonTime": interval}, headers=auth
        )
        assert patched.status_code == 200, patched.text
    patched = client.patch(
        f"{STA}/Datastreams({streams['Ende fehlt']})", json={"phenomenonTime": None}, headers=auth
    )
    assert patched.status_code == 200, patched.text
    values = {v["datastream_id"]: v for v in client.get("/api/v1/sensors/datastreams").json()}
    for name, ds in streams.items():
        assert values[ds]["time"].startswith("2024-05-01T02:00"), name
        assert values[ds]["result"] == 2, name
