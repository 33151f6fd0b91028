"""Harvesting from local servers: CKAN-to-CKAN from a second Domstadt, the real Rostock
DCAT-AP.de file, paged Turtle with old namespaces, DKAN data.json, plain files; bad sources."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from domstadt.catalog import harvest_service, service
from domstadt.catalog.harvest.runner import Limits
from domstadt.catalog.models import HarvestJob, HarvestObject
from domstadt.catalog.schemas import DatasetCreate, DatasetPatch
from domstadt.core.auth import directory_service as directory
from domstadt.core.auth.models import DepartmentKind
from domstadt.core.auth.permissions import system_actor
from domstadt.core.auth.schemas import DepartmentCreate
from domstadt.core.db import Database, utcnow
from domstadt.core.errors import Conflict
from tests.catalog.harvest_servers import (
    LOOPBACK,
    Routes,
    add_source,
    domstadt_server,
    static_server,
)

SYSTEM = system_actor("tests")
ROSTOCK = Path(__file__).parent / "data" / "dataset_gov_de.rdf"
FAST = Limits(job_seconds=60, request_seconds=5)


@pytest.fixture
def routes() -> Iterator[Routes]:
    with static_server() as served:
        yield served


def run(db: Database, name: str, limits: Limits = FAST) -> harvest_service.HarvestReport:
    return harvest_service.harvest_run(
        db, actor=SYSTEM, name=name, limits=limits, outbound=LOOPBACK
    )


def _remote_dataset(db: Database, name: str, title: str) -> str:
    with db.session() as session:
        return service.dataset_create(
            session,
            actor=SYSTEM,
            data=DatasetCreate(
                name=name,
                title=title,
                description=f"{title} – Testdaten der Quelle",
                department_code="32",
                license_id="cc-by/4.0",
                keywords=["Quelle"],
                themes=["GOVE"],
                contact_email="opendata@example.org",
                extras={"quelle": f"{title} – Umweltamt"},
            ),
        ).id


def test_ckan_to_ckan_harvest_is_incremental_and_withdraws_vanished(
    db: Database, departments: None, sqlite_template: Path, tmp_path: Path, client: TestClient
) -> None:
    with domstadt_server(sqlite_template, tmp_path / "remote") as (remote_url, remote):
        with remote.session() as session:
            directory.department_create(
                session,
                actor=SYSTEM,
                data=DepartmentCreate(code="32", name="Ordnungsamt", kind=DepartmentKind.AMT),
            )
        ids = [_remote_dataset(remote, f"quelle-{i}", f"Quelldatensatz {i}") for i in range(3)]
        add_source(db, "nachbar", remote_url, "ckan")

        first = run(db, "nachbar")
        assert (first.status, first.added, first.errored) == ("finished", 3, 0)
        page = client.get("/daten/quelle-1")
        assert "Quelldatensatz 1" in page.text and "nachbar" in page.text
        shown = client.get("/api/v1/datasets/quelle-1").json()
        assert shown["harvest_source"] == "nachbar" and shown["department_code"] == "69"
        assert shown["extras"] == {"quelle": "Quelldatensatz 1 – Umweltamt"}  # CKAN extras kept
        with db.session() as session, pytest.raises(Conflict, match="schreibgeschützt"):
            service.dataset_patch(
                session, actor=SYSTEM, id_or_name="quelle-1", data=DatasetPatch(title="X")
            )

        second = run(db, "nachbar")
        assert (second.added, second.updated, second.unchanged, second.deleted) == (0, 0, 3, 0)

        with remote.session() as session:
            service.dataset_patch(
                session, actor=SYSTEM, id_or_name=ids[0], data=DatasetPatch(title="Neuer Titel")
            )
            service.dataset_delete(session, actor=SYSTEM, id_or_name=ids[2])
        third = run(db, "nachbar")
        assert (third.added, third.updated, third.unchanged, third.deleted) == (0, 1, 1, 1)
    assert client.get("/api/v1/datasets/quelle-0").json()["title"] == "Neuer Titel"
    assert client.get("/api/v1/datasets/quelle-2").status_code == 404
    with db.session() as session:
        states = session.scalars(
            select(HarvestObject.state).where(HarvestObject.job_id == third.job_id)
        ).all()
    assert sorted(states) == ["deleted", "unchanged", "updated"]


def test_real_rostock_dcat_ap_de_file_harvests_with_its_details(
    db: Database, departments: None, routes: Routes
) -> None:
    url = routes.set("/rostock.rdf", "application/rdf+xml", ROSTOCK.read_bytes())
    add_source(db, "rostock", url, "dcat")
    report = run(db, "rostock")
    assert (report.status, report.added, report.errored) == ("finished", 1, 0), report
    with db.session() as session:
        ds = service.dataset_get(
            session, actor=SYSTEM, id_or_name="liefer-und-abholservices-gastronomie"
        )
    assert ds.title == "Liefer- und Abholservices (Gastronomie)"
    assert ds.contributor_id == "http://dcat-ap.de/def/contributors/openDataHRO"
    assert ds.political_geocoding_uri.endswith("/regionalKey/130030000000")
    assert ds.license_id == "cc-zero" and ds.themes == ["ECON"] and "ökonomie" in ds.keywords
    assert ds.contact_email == "geodienste@rostock.de"
    checksums = {d.checksum for d in ds.distributions}
    assert "1d5a3926327046c8fcd75652c6e44d3c74004c6727939f33fb05e16e324df241" in checksums
    geojson = next(d for d in ds.distributions if d.format == "GEOJSON")
    assert geojson.media_type == "application/geo+json" and geojson.byte_size == 147253
    assert run(db, "rostock").unchanged == 1


TTL_PAGE_1 = """
@prefix dcat: <https://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcatde: <http://dcat-ap.de/def/dcatde/1.0.1/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
<{base}/katalog> hydra:next "{base}/seite2.jsonld" .
<https://example.org/ds/baeume> a dcat:Dataset ;
  dct:identifier "baeume" ; dct:title "Baumkataster"@de ;
  dct:description "{huge}" ;
  dct:issued "21.04.2020" ; dct:modified "irgendwann" ;
  dcat:landingPage "https://example.org/baeume" ;
  dcatde:contributorID <http://dcat-ap.de/def/contributors/stadtKoeln> ;
  dcat:distribution [ a dcat:Distribution ; dcat:accessURL <https://example.org/baeume.csv> ;
    dct:license <http://dcat-ap.de/def/licenses/dl-by-de/2.0> ; dct:format "CSV" ] .
<https://example.org/ds/geheim> a dcat:Dataset ; dct:identifier "geheim" ;
  dct:title "Unbekannte Lizenz" ;
  dct:license <https://example.org/meine-lizenz> .
"""
JSONLD_PAGE_2 = """{"@context": {"dcat": "http://www.w3.org/ns/dcat#",
  "dct": "http://purl.org/dc/terms/"},
 "@id": "https://example.org/ds/parken", "@type": "dcat:Dataset",
 "dct:identifier": "parken", "dct:title": "Parkhäuser",
 "dct:license": {"@id": "http://dcat-ap.de/def/licenses/cc-by/4.0"}}"""


def test_paged_messy_dcat_one_bad_record_never_stops_the_job(
    db: Database, departments: None, routes: Routes
) -> None:
    page1 = TTL_PAGE_1.replace("{base}", routes.base).replace("{huge}", "Bäume " * 400_000)
    url = routes.set("/katalog", "text/turtle", page1)
    routes.set("/seite2.jsonld", "application/ld+json", JSONLD_PAGE_2)
    add_source(db, "messy", url, "dcat")
    report = run(db, "messy")
    assert (report.status, report.added, report.errored) == ("finished", 3, 0), report
    warned = {w["guid"]: w["reason"] for w in report.warnings}  # kept, not refused
    assert "meine-lizenz" in warned["geheim"] and "other-closed" in warned["geheim"]
    with db.session() as session:
        trees = service.dataset_get(session, actor=SYSTEM, id_or_name="baumkataster")
        parking = service.dataset_get(session, actor=SYSTEM, id_or_name="parkhaeuser")
    assert trees.contributor_id.endswith("/stadtKoeln") and trees.modified is None
    assert trees.issued is not None and trees.issued.date() == dt.date(2020, 4, 21)
    assert trees.landing_page == "https://example.org/baeume" and len(trees.description) == 50_000
    assert trees.distributions[0].format == "CSV" and parking.license_id == "cc-by/4.0"


DATA_JSON = {
    "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
    "dataset": [
        {
            "identifier": "a1b2",
            "title": "Wahlergebnisse Köln",
            "description": "Ergebnisse der Kommunalwahl",
            "keyword": ["Wahl", "Politik"],
            "modified": "2024-09-14",
            "accessLevel": "public",
            "license": "https://www.govdata.de/dl-de/by-2-0",
            "contactPoint": {
                "fn": "Statistikstelle",
                "hasEmail": "mailto:statistik@stadt-koeln.de",
            },
            "temporal": "2020-09-13/2020-09-27",
            "accrualPeriodicity": "R/P1Y",
            "distribution": [
                {
                    "downloadURL": "https://example.org/wahl.csv",
                    "mediaType": "text/csv",
                    "format": "csv",
                }
            ],
        },
        {
            "identifier": "c3d4",
            "title": "Kitas",
            "license": "http://opendefinition.org/licenses/odc-odbl/",
        },
        {"identifier": "e5f6", "title": "Ohne Lizenz"},
        "kaputt",
    ],
}


def test_dkan_data_json_catalog(db: Database, departments: None, routes: Routes) -> None:
    import json

    routes.set("/data.json", "application/json", json.dumps(DATA_JSON))
    add_source(db, "offenedaten-koeln", routes.base, "dkan")
    report = run(db, "offenedaten-koeln")
    assert (report.added, report.errored) == (3, 1), report  # only "kaputt" is no record
    assert "Keine Lizenz" in {w["guid"]: w["reason"] for w in report.warnings}["e5f6"]
    with db.session() as session:
        ds = service.dataset_get(session, actor=SYSTEM, id_or_name="wahlergebnisse-koeln")
        kitas = service.dataset_get(session, actor=SYSTEM, id_or_name="kitas")
    assert kitas.license_id == "odbl"
    assert ds.license_id == "dl-by-de/2.0" and ds.frequency == "ANNUAL"
    assert ds.temporal_start == dt.date(2020, 9, 13) and ds.contact_email.startswith("statistik@")
    assert ds.distributions[0].format == "CSV"


def test_html_timeouts_and_stale_jobs_end_as_failed_with_reason(
    db: Database, departments: None, routes: Routes
) -> None:
    html = "<!DOCTYPE html><html><body>Wartungsarbeiten</body></html>"
    add_source(db, "html-dcat", routes.set("/wartung.html", "text/html", html), "dcat")
    add_source(db, "html-dkan", routes.set("/wartung/data.json", "text/html", html), "dkan")
    add_source(db, "langsam", routes.set("/langsam.rdf", "application/rdf+xml", b"", 3.0), "dcat")
    assert "HTML statt RDF" in run(db, "html-dcat").error
    assert "HTML statt JSON" in run(db, "html-dkan").error
    slow = run(db, "langsam", Limits(job_seconds=60, request_seconds=0.5))
    assert slow.status == "failed" and "Keine vollständige Antwort innerhalb" in slow.error
    over = run(db, "langsam", Limits(job_seconds=1, request_seconds=30))
    assert over.status == "failed"

    with db.session() as session:
        source_id = session.scalar(select(HarvestJob.source_id).where(HarvestJob.id == over.job_id))
        hanging = HarvestJob(
            source_id=source_id,
            status="running",
            time_limit=60,
            started=utcnow() - dt.timedelta(hours=2),
        )
        session.add(hanging)
        session.flush()
        hanging_id = hanging.id
    routes.set("/langsam.rdf", "application/rdf+xml", ROSTOCK.read_bytes())
    assert run(db, "langsam").status == "finished"
    with db.session() as session:
        jobs = session.scalars(select(HarvestJob)).all()
        stale = session.get_one(HarvestJob, hanging_id)
    assert stale.status == "failed" and "Zeitlimit" in stale.error
    assert all(j.status != "running" for j in jobs)
