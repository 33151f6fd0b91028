"""Harvesting real FROST-Server output (BGS, tests/sensors/data/frost_bgs/, served by a local
http.server) and bad remotes: HTML, 500s, truncated JSON, no STA service, results of the wrong
type, duplicate remote ids, a nextLink loop, a failure half-way."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient
from typer.testing import CliRunner

from domstadt.core import config
from domstadt.core.auth.models import Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.sensors import harvest_service, tasks
from domstadt.sensors import models as m
from domstadt.sensors.cli import sensors_app
from domstadt.sensors.harvest.models import StaHarvestWatermark
from tests.catalog.harvest_servers import LOOPBACK
from tests.conftest import login, make_user
from tests.live import csrf_in
from tests.sensors.sta_servers import Answers, answering

SYSTEM = system_actor("tests")
DATA = Path(__file__).parent / "data" / "frost_bgs"
ROOT = "/FROST-Server/v1.1"
JSON = "application/json"
FAST = harvest_service.Limits(job_seconds=30, request_seconds=5, page_size=100)
MEASUREMENT = "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement"


@pytest.fixture
def frost() -> Iterator[Answers]:
    """The BGS sample at /FROST-Server/v1.1 on a local server."""
    with answering() as routes:
        for path, name in {
            "": "reconstructed_root.json",
            "/Datastreams": "datastreams_page1.json",
            "/Datastreams(48)/Thing": "reconstructed_thing.json",
            "/Datastreams(15)/Thing": "reconstructed_thing.json",
            "/Datastreams(48)/Sensor": "reconstructed_sensor.json",
            "/Datastreams(15)/Sensor": "reconstructed_sensor.json",
            "/Datastreams(48)/ObservedProperty": "reconstructed_observed_property_48.json",
            "/Datastreams(15)/ObservedProperty": "reconstructed_observed_property_15.json",
            "/Datastreams(48)/Observations": "observations_48.json",
            "/Datastreams(15)/Observations": "observations_15.json",
        }.items():
            routes.set(ROOT + path, (DATA / name).read_bytes())
        # the page-1 nextLink (…/Datastreams?$top=1&$skip=1) and the Observations nextLink
        # of Datastream 48 (…/Datastreams(1)/Observations?$top=500&$skip=500&…)
        routes.set(
            f"{ROOT}/Datastreams?$top=1&$skip=1",
            (DATA / "datastreams_page2.json").read_bytes(),
        )
        routes.set(f"{ROOT}/Datastreams(1)/Observations", '{"value": []}')
        yield routes


def _add(db: Database, url: str, name: str = "bgs") -> None:
    with db.session() as session:
        harvest_service.source_create(session, actor=SYSTEM, name=name, url=url, outbound=LOOPBACK)


def _run(db: Database, name: str = "bgs") -> Any:
    return harvest_service.harvest_run(db, actor=SYSTEM, name=name, outbound=LOOPBACK, limits=FAST)


def _count(db: Database, model: Any) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_real_frost_output_is_mirrored_and_rerun_changes_nothing(
    db: Database, frost: Answers
) -> None:
    _add(db, frost.base + ROOT)
    report = _run(db)
    assert report.status == "finished", report.error
    added = {k: c.added for k, c in report.counts.items()}
    assert added == {
        "Things": 1,
        "Locations": 1,
        "Sensors": 1,
        "ObservedProperties": 2,
        "Datastreams": 2,
        "Observations": 43,
    }
    assert report.problems == []
    # both nextLinks (naming sensors.bgs.ac.uk) were followed on the configured server
    assert frost.hits[f"{ROOT}/Datastreams(1)/Observations"] == 1
    assert frost.hits[f"{ROOT}/Datastreams?$top=1&$skip=1"] == 1
    with db.session() as session:
        ds = session.scalar(
            select(m.Datastream).where(m.Datastream.name == "GGA01_01 Absolute Pressure")
        )
        assert ds is not None and ds.observation_type == MEASUREMENT
        assert ds.unit_of_measurement["symbol"] == "mbar"
        assert "Open Government Licence" in ds.properties["data_usage"]
        first = session.scalar(
            select(m.Observation)
            .where(m.Observation.datastream_id == ds.id)
            .order_by(m.Observation.phenomenon_time_start)
        )
        assert first is not None and first.result_number == pytest.approx(1009.86)
        assert first.result_quality["quality"] == "Good" and first.parameters["sen_id"] == 211806310
        marks = dict(
            session.execute(
                select(
                    StaHarvestWatermark.remote_datastream_id, StaHarvestWatermark.phenomenon_time
                )
            ).all()
        )
    assert marks["48"].isoformat().startswith("2023-03-28T18:15")
    again = _run(db)
    assert again.status == "finished"
    assert {k: c.added + c.updated for k, c in again.counts.items()} == dict.fromkeys(added, 0)
    assert again.counts["Observations"].unchanged == 43  # the static server ignores $filter
    assert _count(db, m.Observation) == 43


def _bad(frost: Answers, path: str, body: str | bytes, ctype: str = JSON) -> None:
    frost.set(ROOT + path, body, ctype)


@pytest.mark.parametrize(
    ("path", "body", "ctype", "reason"),
    [
        ("", "<html><body>Willkommen</body></html>", "text/html", "HTML statt"),
        ("", '{"value": [{"name": "Datasets", "url": "x"}]}', JSON, "kein SensorThings-Dienst"),
        (
            "/Datastreams",
            '{"value": [{"@iot.id": 48, "name": "abgeschn',
            JSON,
            "kein gültiges JSON",
        ),
        ("/Datastreams", '{"hallo": 1}', JSON, 'Feld "value" fehlt'),
    ],
)
def test_bad_answers_fail_the_run_with_a_reason_and_write_nothing(
    db: Database, frost: Answers, path: str, body: str, ctype: str, reason: str
) -> None:
    _bad(frost, path, body, ctype)
    _add(db, frost.base + ROOT)
    report = _run(db)
    assert report.status == "failed" and reason in report.error
    assert _count(db, m.Thing) == 0 and _count(db, m.Observation) == 0


def test_a_500_half_way_keeps_what_was_stored_and_the_next_run_continues(
    db: Database, frost: Answers
) -> None:
    page = json.loads((DATA / "observations_15.json").read_text())
    first, rest = page["value"][:20], page["value"][20:]
    _bad(
        frost,
        "/Datastreams(15)/Observations",
        json.dumps(
            {
                "value": first,
                "@iot.nextLink": "http://intern:8080/FROST-Server/v1.1/Datastreams(15)/Observations?$skip=20",
            }
        ),
    )
    frost.set(f"{ROOT}/Datastreams(15)/Observations?$skip=20", "Internal Error", "text/plain", 500)
    _add(db, frost.base + ROOT)
    report = _run(db)
    # the second page fails: the run fails, page 1 and Datastream 48 stay stored
    assert report.status == "failed" and "HTTP-Status 500" in report.error
    assert _count(db, m.Observation) == 3 + 20
    with db.session() as session:
        mark = session.scalar(
            select(StaHarvestWatermark.phenomenon_time).where(
                StaHarvestWatermark.remote_datastream_id == "15"
            )
        )
    newest = max(o["phenomenonTime"] for o in first)
    assert mark is not None and mark.isoformat()[:16] == newest[:16]
    frost.set(f"{ROOT}/Datastreams(15)/Observations?$skip=20", json.dumps({"value": rest}))
    again = _run(db)
    assert again.status == "finished", again.error
    assert again.counts["Observations"].added == 20
    assert _count(db, m.Observation) == 43


def test_wrong_results_and_duplicate_ids_are_refused_with_reasons(
    db: Database, frost: Answers
) -> None:
    page = json.loads((DATA / "observations_15.json").read_text())
    values = page["value"][:5]
    values[1] = {**values[1], "result": "kaputt"}
    values[2] = {**values[2], "phenomenonTime": "gestern"}
    values[3] = {**values[3], "@iot.id": values[0]["@iot.id"]}
    _bad(frost, "/Datastreams(15)/Observations", json.dumps({"value": values}))
    two = json.loads((DATA / "datastreams_page2.json").read_text())
    two["value"].append(two["value"][0])  # Datastream 15 twice
    two["value"].append({**two["value"][0], "@iot.id": 99, "unitOfMeasurement": "m"})
    frost.set(f"{ROOT}/Datastreams?$top=1&$skip=1", json.dumps(two))
    _add(db, frost.base + ROOT)
    report = _run(db)
    assert report.status == "finished", report.error
    reasons = {(p.entity, p.remote_id): p.reason for p in report.problems}
    obs = [str(v["@iot.id"]) for v in values]
    assert "keine Zahl" in reasons[("Observations", obs[1])]
    assert "kein ISO-8601" in reasons[("Observations", obs[2])]
    assert "doppelte Kennung" in reasons[("Observations", obs[0])]
    assert "mehrfach" in reasons[("Datastreams", "15")]
    assert "unitOfMeasurement" in reasons[("Datastreams", "99")]
    assert report.counts["Observations"].added == 3 + 2
    assert report.counts["Datastreams"].added == 2 and report.counts["Datastreams"].refused == 2
    assert _count(db, m.Datastream) == 2


def test_a_next_link_loop_is_stopped(db: Database, frost: Answers) -> None:
    loop = {
        "value": [],
        "@iot.nextLink": "https://anderswo.example/FROST-Server/v1.1/Datastreams?$skip=7",
    }
    loop["value"] = json.loads((DATA / "datastreams_page1.json").read_text())["value"]
    frost.set(f"{ROOT}/Datastreams", json.dumps(loop))
    _add(db, frost.base + ROOT)
    report = _run(db)
    assert report.status == "failed" and "Endlosschleife" in report.error
    assert frost.hits[f"{ROOT}/Datastreams"] == 2  # the first page and the one repeat
    assert _count(db, m.Datastream) == 1  # what came before the loop stays


@pytest.fixture
def cli_env(cli_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shared command environment, with the local test servers allowed outbound."""
    monkeypatch.setenv("DOMSTADT_OUTBOUND_ALLOWED_HOSTS", "127.0.0.1")


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(sensors_app, ["harvest", *args])
    return result.exit_code, result.output


def test_cli_and_the_scheduled_task(db: Database, frost: Answers, cli_env: None) -> None:
    code, out = _cli("add", "bgs", frost.base + "/FROST-Server")
    assert code == 1 and "/v1.0 oder /v1.1" in out
    code, out = _cli("add", "bgs", frost.base + ROOT, "--filter", "name eq 'x")
    assert code == 1 and "Anführungszeichen" in out
    code, out = _cli("add", "bgs", frost.base + ROOT)
    assert code == 0, out
    code, out = _cli("run", "bgs", "--page-size", "50")
    assert code == 0 and "Observations: neu 43" in out, out
    report = tasks.run_harvest_source("bgs", db.url)
    assert report["status"] == "finished" and report["counts"]["Observations"]["unchanged"] == 43
    code, out = _cli("list")
    assert code == 0 and "bgs" in out and "Observations 0" not in out and "1 Quellen" in out
    frost.set(ROOT + "/Datastreams", "<html>Wartung</html>", "text/html")
    code, out = _cli("run", "bgs")
    assert code == 1 and "HTML statt" in out
    code, out = _cli("remove", "bgs", "--delete-data")
    assert code == 0 and _count(db, m.Thing) == 0 and _count(db, m.Observation) == 0
    code, out = _cli("run", "bgs")
    assert code == 1 and "nicht gefunden" in out


def test_admins_queue_a_run_from_the_staff_page(
    db: Database, frost: Answers, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOMSTADT_OUTBOUND_ALLOWED_HOSTS", "127.0.0.1")
    config.get_settings.cache_clear()
    tasks.huey.immediate = True
    try:
        _add(db, frost.base + ROOT)
        assert client.get("/api/v1/sensors/harvest/sources").status_code in (401, 403)
        make_user(db, "admin@example.org", Role.ADMIN)
        login(client, "admin@example.org")
        page = client.get("/sensoren/harvest")
        assert "Jetzt ausführen" in page.text and "Noch keine Läufe" in page.text
        run = client.post(
            "/sensoren/harvest/bgs/run",
            data={"csrf_token": csrf_in(page)},
            follow_redirects=False,
        )
        assert run.status_code == 303, run.text[-1500:]
        page = client.get(run.headers["location"])
        main = page.text.split("<main", 1)[-1][:4000]
        assert "ist eingereiht" in page.text and "beendet" in page.text, main
        assert _count(db, m.Observation) == 43
        missing = client.post("/sensoren/harvest/fehlt/run", data={"csrf_token": csrf_in(page)})
        assert missing.status_code == 404
    finally:
        tasks.huey.immediate = False
        config.get_settings.cache_clear()


def test_the_page_budget_ends_a_run_that_the_next_one_finishes(
    db: Database, frost: Answers
) -> None:
    _add(db, frost.base + ROOT)
    tight = harvest_service.Limits(job_seconds=30, request_seconds=5, max_pages=3)
    first = harvest_service.harvest_run(
        db, actor=SYSTEM, name="bgs", outbound=LOOPBACK, limits=tight
    )
    # pages: Datastreams 1 and 2, Observations of 48 page 1; its next page is over budget
    assert first.status == "finished" and "Seiten" in first.notes[0]
    assert first.counts["Datastreams"].added == 2 and _count(db, m.Observation) == 3
    second = _run(db)
    assert second.status == "finished" and second.notes == []
    assert _count(db, m.Observation) == 43
