"""Harvesting a second Domstadt (real uvicorn server, own SQLite database, seeded through its
SensorThings API): the first run mirrors all, the next only new Observations, nextLinks are
followed page by page; permissions and audit rows."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from domstadt.core.audit import AuditEntry
from domstadt.core.auth.models import Department, Role
from domstadt.core.auth.permissions import Actor, system_actor
from domstadt.core.db import Database
from domstadt.core.errors import Forbidden, Invalid, NotFound
from domstadt.sensors import harvest_service
from domstadt.sensors import models as m
from domstadt.sensors.harvest.models import StaHarvestWatermark
from tests.catalog.conftest import departments  # noqa: F401  (fixture)
from tests.catalog.harvest_servers import LOOPBACK, domstadt_server
from tests.conftest import login, make_token, make_user
from tests.sensors.conftest import thing_payload

SYSTEM = system_actor("tests")
SMALL = harvest_service.Limits(job_seconds=60, request_seconds=10, page_size=5)


@pytest.fixture
def remote(sqlite_template: Path, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A second Domstadt with two Things and 12 Observations on the first Datastream."""
    with domstadt_server(sqlite_template, tmp_path / "remote") as (url, database):
        make_user(database, "quelle@example.org", Role.ADMIN)
        headers = {"Authorization": f"Bearer {make_token(database, 'quelle@example.org')}"}
        sta = f"{url}/sta/v1.1"
        with httpx.Client(base_url=sta, headers=headers, timeout=30) as client:
            for name in ("Segment A", "Segment B"):
                assert client.post("/Things", json=thing_payload(name)).status_code == 201
            ds = client.get("/Datastreams", params={"$filter": "name eq 'Segment A Auslastung'"})
            ds_id = ds.json()["value"][0]["@iot.id"]
            yield {"sta": sta, "client": client, "ds": ds_id, "db": database}


def _observe(client: httpx.Client, ds_id: int, minutes: range) -> None:
    rows = [[f"2014-02-03T{mi // 60:02d}:{mi % 60:02d}:00Z", mi] for mi in minutes]
    body = [
        {
            "Datastream": {"@iot.id": ds_id},
            "components": ["phenomenonTime", "result"],
            "dataArray": rows,
        }
    ]
    assert client.post("/CreateObservations", json=body).status_code == 201


def _add(db: Database, url: str, name: str = "nachbar", **extra: Any) -> None:
    with db.session() as session:
        harvest_service.source_create(
            session, actor=SYSTEM, name=name, url=url, outbound=LOOPBACK, **extra
        )


def _run(db: Database, name: str = "nachbar", limits: Any = SMALL) -> Any:
    return harvest_service.harvest_run(
        db, actor=SYSTEM, name=name, outbound=LOOPBACK, limits=limits
    )


def _count(db: Database, model: Any) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.usefixtures("departments")
def test_first_run_mirrors_all_second_only_new_observations(
    db: Database, remote: dict[str, Any], client: TestClient
) -> None:
    _observe(remote["client"], remote["ds"], range(0, 60, 5))  # 12
    _add(db, remote["sta"] + "/", department_code="69")
    first = _run(db)
    assert first.status == "finished", first.error
    counts = {k: (c.added, c.updated, c.unchanged, c.refused) for k, c in first.counts.items()}
    assert counts["Things"] == (2, 0, 0, 0)
    assert counts["Locations"] == (2, 0, 0, 0)
    assert counts["Datastreams"] == (2, 0, 0, 0)
    assert counts["Observations"] == (12, 0, 0, 0)
    # 12 observations in pages of 5: three pages, found by following @iot.nextLink
    assert first.requests >= 1 + 1 + 3 + 1
    assert _count(db, m.Observation) == 12 and _count(db, m.Thing) == 2
    with db.session() as session:
        thing = session.scalar(select(m.Thing).where(m.Thing.name == "Segment A"))
        assert thing is not None and thing.properties == {"owner": "Stadt Köln", "lanes": 2}
        amt = session.scalar(select(Department.id).where(Department.code == "69"))
        assert thing.department_id == amt  # the mirror belongs to the source's department
        mark = session.scalars(select(StaHarvestWatermark.phenomenon_time)).all()
        assert max(t for t in mark if t is not None).isoformat().startswith("2014-02-03T00:55")

    _observe(remote["client"], remote["ds"], range(60, 75, 5))  # 3 new
    patch = {"description": "Neu beschrieben"}
    things = remote["client"].get("/Things", params={"$filter": "name eq 'Segment B'"}).json()
    remote["client"].patch(f"/Things({things['value'][0]['@iot.id']})", json=patch)
    second = _run(db)
    assert second.status == "finished", second.error
    assert second.counts["Observations"].added == 3
    assert second.counts["Observations"].unchanged == 0
    assert second.counts["Things"].updated == 1 and second.counts["Things"].unchanged == 1
    assert second.counts["Datastreams"].unchanged == 2 and second.counts["Datastreams"].added == 0
    assert _count(db, m.Observation) == 15 and _count(db, m.Thing) == 2
    with db.session() as session:
        assert session.scalar(select(m.Thing.id).where(m.Thing.description == "Neu beschrieben"))

    listed = _list(db)
    assert listed[0].mirrored["Things"] == 2 and listed[0].last_run is not None
    assert listed[0].last_run.counts["Observations"].added == 3

    # the staff page and its JSON twin
    assert client.get("/sensoren/harvest", follow_redirects=False).status_code == 303
    make_user(db, "redaktion@example.org", Role.EDITOR, department_code="69")
    login(client, "redaktion@example.org")
    page = client.get("/sensoren/harvest")
    assert page.status_code == 200 and "nachbar" in page.text and "beendet" in page.text
    sources = client.get("/api/v1/sensors/harvest/sources").json()
    assert sources[0]["last_run"]["counts"]["Observations"]["added"] == 3


def _list(db: Database) -> list[Any]:
    with db.session() as session:
        return harvest_service.source_list(session, actor=SYSTEM)


def test_filter_limits_the_datastreams(db: Database, remote: dict[str, Any]) -> None:
    _add(db, remote["sta"], filter="name eq 'Segment B Auslastung'")
    report = _run(db)
    assert report.status == "finished", report.error
    assert report.counts["Datastreams"].added == 1
    with db.session() as session:
        assert session.scalars(select(m.Thing.name)).all() == ["Segment B"]


def test_record_budget_stops_and_the_next_run_continues(
    db: Database, remote: dict[str, Any]
) -> None:
    _observe(remote["client"], remote["ds"], range(0, 60, 5))
    _add(db, remote["sta"])
    tight = harvest_service.Limits(job_seconds=60, request_seconds=10, page_size=5, max_records=20)
    first = _run(db, limits=tight)
    assert first.status == "finished" and first.notes and "nächste Lauf" in first.notes[0]
    stored = _count(db, m.Observation)
    assert 0 < stored < 12 and stored % 5 == 0  # whole pages only
    second = _run(db)
    assert second.counts["Observations"].added == 12 - stored
    assert _count(db, m.Observation) == 12


def test_remove_keeps_or_deletes_the_mirror(db: Database, remote: dict[str, Any]) -> None:
    _observe(remote["client"], remote["ds"], range(0, 10, 5))
    _add(db, remote["sta"], name="eins")
    assert _run(db, "eins").status == "finished"
    with db.session() as session:
        harvest_service.source_remove(session, actor=SYSTEM, name="eins")
    assert _count(db, m.Thing) == 2 and _list(db) == []
    _add(db, remote["sta"], name="zwei")
    second = _run(db, "zwei")
    assert second.counts["Things"].added == 2  # a new source mirrors anew
    with db.session() as session:
        harvest_service.source_remove(session, actor=SYSTEM, name="zwei", delete_data=True)
    assert _count(db, m.Thing) == 2 and _count(db, m.Observation) == 2


def test_only_admins_manage_sources_and_every_write_is_audited(
    db: Database, remote: dict[str, Any]
) -> None:
    editor = Actor(user_id=1, email="redaktion@example.org", role=Role.EDITOR)
    member = Actor(user_id=2, email="buerger@example.org", role=Role.MEMBER)
    with db.session() as session, pytest.raises(Forbidden):
        harvest_service.source_create(
            session, actor=editor, name="x1", url=remote["sta"], outbound=LOOPBACK
        )
    with pytest.raises(Forbidden):
        harvest_service.harvest_run(db, actor=editor, name="x1", outbound=LOOPBACK)
    _add(db, remote["sta"])
    with db.session() as session:
        assert [s.name for s in harvest_service.source_list(session, actor=editor)] == ["nachbar"]
        with pytest.raises(Forbidden):
            harvest_service.source_list(session, actor=member)
        with pytest.raises(Forbidden):
            harvest_service.source_remove(session, actor=editor, name="nachbar")
    _run(db)
    with db.session() as session:
        actions = set(session.scalars(select(AuditEntry.action)))
    assert {
        "sensors.harvest_source.create",
        "sensors.harvest.start",
        "sensors.harvest.finish",
    } <= actions


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.org/v1.1", "keine http(s)-Adresse"),
        ("http://127.0.0.1:9/sta", "/v1.0 oder /v1.1"),
        ("http://10.1.2.3/sta/v1.1", "internen Netz"),
    ],
)
def test_bad_addresses_are_refused_when_registering(db: Database, url: str, message: str) -> None:
    with db.session() as session, pytest.raises(Invalid, match=re.escape(message)):
        harvest_service.source_create(session, actor=SYSTEM, name="xx", url=url, outbound=LOOPBACK)


def test_unknown_source_and_bad_names(db: Database) -> None:
    with pytest.raises(NotFound):
        _run(db, "fehlt")
    with db.session() as session, pytest.raises(Invalid, match="Kleinbuchstaben"):
        harvest_service.source_create(
            session,
            actor=SYSTEM,
            name="Böse Quelle",
            url="http://127.0.0.1/v1.1",
            outbound=LOOPBACK,
        )
