"""Harvest pages: editors read sources, jobs and the per-record report; admins add a source
and queue a run (the huey task, run immediately here) from /daten/harvest."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from domstadt.catalog import tasks
from domstadt.catalog.models import HarvestJob
from domstadt.core import config
from domstadt.core.auth.models import Role
from domstadt.core.config import Settings
from domstadt.core.db import Database, utcnow
from tests.catalog.conftest import EDITOR
from tests.catalog.harvest_servers import Routes, static_server
from tests.conftest import csrf_of, login, make_user

ADMIN = "admin.daten@example.org"
DATA_JSON = {
    "dataset": [
        {
            "identifier": "wahl-2020",
            "title": "Wahlergebnisse Köln",
            "description": "Ergebnisse der Kommunalwahl 2020 nach Stadtbezirken",
            "license": "https://www.govdata.de/dl-de/by-2-0",
            "distribution": [{"downloadURL": "https://example.org/wahl.csv", "format": "csv"}],
        },
        {"identifier": "ohne-lizenz", "title": "Ohne Lizenz"},
    ]
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test settings with the local portal's host allowed (as an operator would)."""
    return settings.model_copy(update={"outbound_allowed_hosts": ("127.0.0.1",)})


@pytest.fixture
def portal() -> Iterator[Routes]:
    with static_server() as routes:
        routes.set("/data.json", "application/json", json.dumps(DATA_JSON))
        yield routes


@pytest.fixture
def immediate_queue(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Queued jobs run at once, with the worker's settings allowing the local portal."""
    monkeypatch.setenv("DOMSTADT_OUTBOUND_ALLOWED_HOSTS", "127.0.0.1")
    config.get_settings.cache_clear()
    tasks.huey.immediate = True
    try:
        yield
    finally:
        tasks.huey.immediate = False
        config.get_settings.cache_clear()


def test_admin_adds_source_runs_it_and_reads_the_report(
    client: TestClient,
    db: Database,
    editor_token: str,
    portal: Routes,
    immediate_queue: None,
) -> None:
    make_user(db, ADMIN, Role.ADMIN, name="Ada Admin")
    login(client, ADMIN)
    page = client.get("/daten/harvest")
    assert page.status_code == 200 and "Noch keine Harvest-Quellen" in page.text
    token = csrf_of(client, "/daten/harvest")
    form = {"csrf_token": token, "name": "koeln-dkan", "type": "dkan", "department_code": "69"}
    bad = client.post("/daten/harvest", data={**form, "url": "ftp://example.org/data.json"})
    assert bad.status_code == 422 and "keine http(s)-Adresse" in bad.text
    assert 'value="koeln-dkan"' in bad.text  # the input is kept
    added = client.post(
        "/daten/harvest", data={**form, "url": portal.base + "/data.json"}, follow_redirects=False
    )
    assert added.status_code == 303
    run = client.post("/daten/harvest/koeln-dkan/run", data={"csrf_token": token})
    assert run.status_code == 200 and "ist eingereiht" in run.text
    assert "<td>beendet</td>" in run.text and "Jetzt ausführen" in run.text

    sources = client.get("/api/v1/harvest/sources").json()
    job = sources[0]["jobs"][0]
    assert sources[0]["name"] == "koeln-dkan" and sources[0]["department_code"] == "69"
    assert (job["status"], job["added"], job["errored"]) == ("finished", 2, 0)
    detail = client.get(f"/api/v1/harvest/jobs/{job['job_id']}").json()
    outcomes = {o["guid"]: o for o in detail["objects"]}
    assert outcomes["wahl-2020"]["state"] == "added"
    assert outcomes["wahl-2020"]["dataset_name"] == "wahlergebnisse-koeln"
    assert outcomes["ohne-lizenz"]["state"] == "added"  # kept, with the warning as reason
    assert "Keine Lizenz angegeben" in outcomes["ohne-lizenz"]["reason"]
    errored = client.get(f"/api/v1/harvest/jobs/{job['job_id']}", params={"state": "errored"})
    assert errored.json()["objects"] == []

    job_page = client.get(f"/daten/harvest/jobs/{job['job_id']}")
    assert job_page.status_code == 200 and "Harvest-Job" in job_page.text
    assert '<a href="/daten/wahlergebnisse-koeln">' in job_page.text
    assert "Keine Lizenz angegeben" in job_page.text
    assert client.get("/daten/harvest/jobs/9999").status_code == 404
    assert client.get(f"/api/v1/harvest/jobs/{job['job_id']}?state=x").status_code == 422

    with db.session() as session:  # a job still within its time limit blocks a second run
        session.add(HarvestJob(source_id=sources[0]["id"], status="running", started=utcnow()))
    again = client.post("/daten/harvest/koeln-dkan/run", data={"csrf_token": token})
    assert again.status_code == 409 and "wird gerade geerntet" in again.text


def test_editors_read_but_only_admins_run_and_strangers_see_nothing(
    client: TestClient, db: Database, editor_token: str, portal: Routes
) -> None:
    assert client.get("/daten/harvest", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/harvest/sources").status_code in (401, 403)
    login(client, EDITOR)
    token = csrf_of(client, "/daten/harvest")
    client.post(
        "/daten/harvest",
        data={
            "csrf_token": token,
            "name": "verkehr",
            "url": portal.base + "/data.json",
            "type": "dkan",
            "department_code": "69",
        },
    )
    page = client.get("/daten/harvest")
    assert page.status_code == 200 and "Noch keine Jobs" in page.text
    assert "Jetzt ausführen" not in page.text and "Harvest-Quelle hinzufügen" not in page.text
    refused = client.post("/daten/harvest/verkehr/run", data={"csrf_token": token})
    assert refused.status_code == 403
    assert client.get("/api/v1/harvest/sources").json()[0]["jobs"] == []
