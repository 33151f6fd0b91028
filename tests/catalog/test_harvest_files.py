"""Harvested files are normalised and privacy-scanned like uploads: a local http.server
serves a DCAT catalogue whose distributions point at the real Cologne election CSV, a table
with personal data, a missing file, an oversize file and a broken XLSX."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from domstadt.catalog import distribution_service, harvest_service, privacy_service, service
from domstadt.catalog.harvest.files import FileOptions
from domstadt.catalog.harvest.runner import Limits
from domstadt.core.auth.models import Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings
from domstadt.core.db import Database
from tests.catalog.conftest import DATA_DIR, EDITOR
from tests.catalog.harvest_servers import LOOPBACK, Routes, add_source, static_server
from tests.catalog.test_privacy import SPRECHSTUNDEN
from tests.conftest import login, make_user

SYSTEM = system_actor("tests")
FAST = Limits(job_seconds=60, request_seconds=5)
CAP = 100_000

CATALOG = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
<{base}/katalog> a dcat:Catalog .
<https://example.org/ds/wahl> a dcat:Dataset ; dct:identifier "wahl" ;
  dct:title "Kommunalwahl nach Stadtbezirken" ;
  dct:license <http://dcat-ap.de/def/licenses/dl-by-de/2.0> ;
  dcat:distribution [ a dcat:Distribution ; dcat:downloadURL <{base}/wahl.csv> ;
    dct:title "Ergebnis" ; dct:format "CSV" ] .
<https://example.org/ds/sprechstunden> a dcat:Dataset ; dct:identifier "sprechstunden" ;
  dct:title "Bürgersprechstunden" ;
  dct:license <http://dcat-ap.de/def/licenses/dl-by-de/2.0> ;
  dcat:distribution [ a dcat:Distribution ; dcat:downloadURL <{base}/sprechstunden.csv> ;
    dcat:mediaType "text/csv" ] .
<https://example.org/ds/fehlt> a dcat:Dataset ; dct:identifier "fehlt" ;
  dct:title "Verschwundene Datei" ;
  dct:license <http://dcat-ap.de/def/licenses/dl-by-de/2.0> ;
  dcat:distribution [ a dcat:Distribution ; dcat:downloadURL <{base}/fehlt.csv> ;
    dct:format "CSV" ] .
<https://example.org/ds/gross> a dcat:Dataset ; dct:identifier "gross" ;
  dct:title "Riesige Tabelle" ;
  dct:license <http://dcat-ap.de/def/licenses/dl-by-de/2.0> ;
  dcat:distribution [ a dcat:Distribution ; dcat:downloadURL <{base}/gross.csv> ;
    dct:format "CSV" ] .
<https://example.org/ds/kaputt> a dcat:Dataset ; dct:identifier "kaputt" ;
  dct:title "Kaputte Tabelle" ;
  dct:license <http://dcat-ap.de/def/licenses/dl-by-de/2.0> ;
  dcat:distribution [ a dcat:Distribution ; dcat:downloadURL <{base}/kaputt.xlsx> ;
    dct:format "XLSX" ] .
"""


@pytest.fixture
def routes() -> Iterator[Routes]:
    with static_server() as served:
        yield served


def _serve(routes: Routes) -> str:
    routes.set("/wahl.csv", "text/csv", (DATA_DIR / "result_stadtbezirk.csv").read_bytes())
    routes.set("/sprechstunden.csv", "text/csv", SPRECHSTUNDEN.encode("cp1252", "replace"))
    routes.set("/gross.csv", "text/csv", "a;b\n" + "1;2\n" * 40_000)
    routes.set("/kaputt.xlsx", "application/octet-stream", b"kein Excel")
    return routes.set("/katalog", "text/turtle", CATALOG.replace("{base}", routes.base))


def _run(db: Database, data_dir: Path) -> harvest_service.HarvestReport:
    files = FileOptions(data_dir=data_dir, max_bytes=CAP)
    return harvest_service.harvest_run(
        db, actor=SYSTEM, name="dateien", limits=FAST, outbound=LOOPBACK, files=files
    )


def test_harvested_files_are_normalised_scanned_and_failures_only_warn(
    db: Database,
    departments: None,
    routes: Routes,
    settings: Settings,
    client: TestClient,
) -> None:
    data_dir = settings.data_dir
    make_user(db, EDITOR, Role.EDITOR, department_code="VIII", name="Vera Verkehr")
    url = _serve(routes)
    add_source(db, "dateien", url, "dcat")
    report = _run(db, data_dir)
    assert (report.status, report.added, report.errored) == ("finished", 5, 0), report
    assert report.waiting == 1 and report.held_back[0]["guid"].endswith("sprechstunden")
    reasons = {w["url"].rsplit("/", 1)[1]: w["reason"] for w in report.warnings}
    assert set(reasons) == {"fehlt.csv", "gross.csv", "kaputt.xlsx"}, reasons
    assert "HTTP-Status 404" in reasons["fehlt.csv"]
    assert "größer als" in reasons["gross.csv"]
    assert "XLSX-Datei ist nicht lesbar" in reasons["kaputt.xlsx"]

    with db.session() as session:
        election = service.dataset_get(
            session, actor=SYSTEM, id_or_name="kommunalwahl-nach-stadtbezirken"
        )
        formats = sorted(d.format for d in election.distributions)
        assert formats == ["CSV", "CSV", "JSON", "PARQUET"]
        rows = distribution_service.datastore_search(
            session,
            actor=SYSTEM,
            resource_id=election.distributions[0].id,
            data_dir=data_dir,
            filters={"Name": "Ehrenfeld"},
        )
        assert rows["total"] == 1 and rows["records"][0]["Wahlberechtigte"] == 71639
        missing = service.dataset_get(session, actor=SYSTEM, id_or_name="verschwundene-datei")
        assert [d.format for d in missing.distributions] == ["CSV"]

    anonymous = TestClient(client.app)
    assert anonymous.get("/daten/buergersprechstunden").status_code == 404
    assert anonymous.get("/daten/kommunalwahl-nach-stadtbezirken").status_code == 200

    again = _run(db, data_dir)
    assert (again.unchanged, again.added, again.updated) == (5, 0, 0), again
    assert routes.hits["/wahl.csv"] == 1 and routes.hits["/sprechstunden.csv"] == 1
    assert again.waiting == 0 and again.warnings == []

    board = harvest_dashboard(client)
    assert board["waiting"] == 1 and board["open"] == 4
    job_page = client.get(f"/daten/harvest/jobs/{report.job_id}")
    assert job_page.status_code == 200, job_page.text
    assert "Von der Datenschutzprüfung zurückgehalten" in job_page.text
    assert "Warnungen" in job_page.text and "HTTP-Status 404" in job_page.text
    edit = client.get("/daten/buergersprechstunden/bearbeiten")
    assert "Datenschutzprüfung" in edit.text and "Anschriften mit Hausnummer" in edit.text
    routes.set(
        "/katalog",
        "text/turtle",
        CATALOG.replace("{base}", routes.base).replace(
            "Bürgersprechstunden", "Bürgersprechstunden 2025"
        ),
    )
    changed = _run(db, data_dir)
    assert (changed.updated, changed.unchanged, changed.waiting) == (1, 4, 1), changed
    assert routes.hits["/sprechstunden.csv"] == 2
    with db.session() as session:
        findings = privacy_service.finding_list(
            session, actor=SYSTEM, dataset="buergersprechstunden"
        )
    assert {f.kind for f in findings} >= {"email", "phone"}
    assert len(findings) == len({(f.kind, f.column) for f in findings})


def harvest_dashboard(client: TestClient) -> dict[str, int]:
    """The dashboard's counts for Amt 69, as an editor sees them."""
    login(client, EDITOR)
    board = client.get("/api/v1/catalog/dashboard").json()
    row: dict[str, int] = next(d for d in board["departments"] if d["department_code"] == "69")
    return row
