"""Issue 12: usage statistics per app (requests, errors, latency by endpoint family and day)
for its owner and operators, aggregated in memory and flushed, not written per request; the
public status page /status (HTML, JSON by Accept or /status.json) with incidents."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient
from typer.testing import CliRunner

from domstadt.core.auth import service as auth
from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings, get_settings
from domstadt.core.db import Database
from domstadt.developers import app_service
from domstadt.developers.models import AppUsage
from domstadt.developers.schemas import AppCreate, KeyCreate
from domstadt.web.app import create_app
from tests.conftest import login, make_token, make_user


def _app_with_key(db: Database, email: str = "dev@example.org") -> tuple[int, str]:
    user = make_user(db, email)
    with db.session() as session:
        person = auth.actor_for_user(session, actor=system_actor("tests"), user_id=user.id)
        assert person is not None
        app = app_service.app_register(
            session, actor=person, data=AppCreate(name="Luftkarte"), plan="standard"
        )
        key = app_service.key_create(session, actor=person, app_id=app.id, data=KeyCreate(name="k"))
    return app.id, key.key


def _usage_rows(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(AppUsage)) or 0)


def test_usage_is_counted_per_family_and_day_and_flushed_in_batches(
    client: TestClient, db: Database
) -> None:
    app_id, key = _app_with_key(db)
    headers = {"X-API-Key": key}
    for _ in range(3):
        assert client.get("/sta/v1.1/Things", headers=headers).status_code == 200
    assert client.get("/sta/v1.1/Things(999999)", headers=headers).status_code == 404
    assert client.get("/api/3/action/package_list", headers=headers).status_code == 200
    assert client.get("/api/v1/measures").status_code == 200  # no key: not the app's
    assert _usage_rows(db) == 0  # nothing written per request
    owner = {"Authorization": f"Bearer {make_token(db, 'dev@example.org')}"}
    rows = client.get(f"/api/v1/apps/{app_id}/usage", headers=owner).json()
    by_family = {r["family"]: r for r in rows}
    assert set(by_family) == {"sta", "ckan"}
    assert by_family["sta"]["requests"] == 4 and by_family["sta"]["errors"] == 1
    assert by_family["ckan"]["requests"] == 1 and by_family["ckan"]["errors"] == 0
    assert by_family["sta"]["day"] == dt.datetime.now(dt.UTC).date().isoformat()
    assert 0 < by_family["sta"]["latency_ms_mean"] <= by_family["sta"]["latency_ms_max"]
    other = {"Authorization": f"Bearer {make_token(db, make_user(db, 'x@example.org').email)}"}
    assert client.get(f"/api/v1/apps/{app_id}/usage", headers=other).status_code == 404


def test_two_workers_add_up_and_the_owner_sees_it_on_the_page(
    settings: Settings, db: Database
) -> None:
    app_id, key = _app_with_key(db)
    workers = [create_app(settings, db), create_app(settings, db)]
    with TestClient(workers[0]) as first, TestClient(workers[1]) as second:
        for _ in range(2):
            first.get("/catalog.ttl", headers={"X-API-Key": key})
        second.get("/catalog.ttl", headers={"X-API-Key": key})
        second.get("/api/v1/measures/424242", headers={"X-API-Key": key})
    # leaving the clients ran each worker's shutdown, which writes its counts
    with db.session() as session:
        rows = {r.family: r for r in session.scalars(select(AppUsage))}
    assert rows["dcat"].requests == 3 and rows["native"].errors == 1
    with TestClient(create_app(settings, db)) as client:
        login(client, "dev@example.org")
        page = client.get(f"/entwickler/apps/{app_id}")
    assert "DCAT-Katalog" in page.text and "Native Domstadt-API" in page.text


def test_the_status_page_shows_components_and_incidents(
    client: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = client.get("/status")
    assert page.status_code == 200 and "Datenbank" in page.text and "in Betrieb" in page.text
    report = client.get("/status.json").json()
    assert [c["name"] for c in report["components"]] == ["database", "broker", "jobs", "search"]
    assert report["components"][0]["state"] == "ok"
    assert report["state"] in {"ok", "degraded"}
    negotiated = client.get("/status", headers={"Accept": "application/json"})
    assert negotiated.headers["content-type"].startswith("application/json")
    runner = CliRunner()
    from domstadt.cli import app as cli

    monkeypatch.setenv("DOMSTADT_DATABASE_URL", db.url)
    get_settings.cache_clear()
    env: dict[str, str] = {}
    opened = runner.invoke(
        cli, ["status", "incident-open", "broker", "MQTT-Broker startet neu"], env=env
    )
    assert opened.exit_code == 0, opened.output
    client.app.state.status_cache = None  # type: ignore[attr-defined]
    page = client.get("/status")
    assert "MQTT-Broker startet neu" in page.text and "andauernd" in page.text
    incident_id = client.get("/status.json").json()["incidents"][0]["id"]
    resolved = runner.invoke(cli, ["status", "incident-resolve", str(incident_id)], env=env)
    assert resolved.exit_code == 0, resolved.output
    client.app.state.status_cache = None  # type: ignore[attr-defined]
    assert client.get("/status.json").json()["incidents"][0]["resolved_at"]
    wrong = runner.invoke(cli, ["status", "incident-open", "kaffee", "leer"], env=env)
    assert wrong.exit_code == 1 and "database, broker, jobs, search" in wrong.output
    get_settings.cache_clear()
