"""Harvesting through the outbound guard (issue 14): private sources are refused when added;
files a catalogue names on internal addresses (directly, by redirect, by another name) are
never requested, yet the dataset arrives with a warning; a source redirecting inside is
refused at the hop; remote JSON-LD contexts go through the guard too; and closed, filtered,
reset and refused addresses all read the same."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from domstadt.catalog import harvest_service, service
from domstadt.catalog.harvest.files import FileOptions
from domstadt.catalog.harvest.runner import Limits
from domstadt.core.auth.models import Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.core.outbound import REFUSED
from tests.catalog.harvest_servers import LOOPBACK, Routes, add_source, static_server
from tests.conftest import csrf_of, login, make_user
from tests.core.outbound_servers import (
    SPELLINGS,
    FakeDns,
    closed_port,
    filtered_port,
    http_server,
    use_fake_dns,
)

SYSTEM = system_actor("tests")
LICENSE = "http://dcat-ap.de/def/licenses/dl-by-de/2.0"


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDns:
    return use_fake_dns(monkeypatch)


@pytest.fixture
def local() -> Iterator[Routes]:
    """The catalogue's server on 127.0.0.1 (allowed by LOOPBACK)."""
    with static_server("127.0.0.1") as routes:
        yield routes


@pytest.fixture
def internal() -> Iterator[Routes]:
    """An internal server on 127.0.0.2 (not allowed) with a file nobody may publish."""
    with static_server("127.0.0.2") as routes:
        routes.set("/geheim.csv", "text/csv", "name;gehalt\nErika;9000\n")
        routes.set("/kontext.jsonld", "application/ld+json", '{"@context": {}}')
        yield routes


def dcat(files: list[str]) -> str:
    dists = " , ".join(
        f'[ a dcat:Distribution ; dcat:downloadURL <{url}> ; dct:format "CSV" ]' for url in files
    )
    return f"""@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
<https://example.org/ds/intern> a dcat:Dataset ; dct:identifier "intern" ;
  dct:title "Interne Liste" ; dct:license <{LICENSE}> ; dcat:distribution {dists} ."""


def data_json(files: list[str]) -> str:
    dists = [{"downloadURL": url, "mediaType": "text/csv", "format": "csv"} for url in files]
    item = {"identifier": "intern", "title": "Interne Liste", "license": LICENSE}
    return json.dumps({"dataset": [{**item, "distribution": dists}]})


def ckan(files: list[str]) -> str:
    package = {
        "id": "intern",
        "name": "interne-liste",
        "title": "Interne Liste",
        "license_id": "dl-by-de/2.0",
        "resources": [{"url": url, "format": "CSV"} for url in files],
    }
    return json.dumps({"success": True, "result": {"count": 1, "results": [package]}})


CATALOGUES = {
    "dcat": ("/katalog.ttl", "text/turtle", dcat),
    "dkan": ("/data.json", "application/json", data_json),
    "ckan": ("/api/3/action/package_search", "application/json", ckan),
}


def harvest(
    db: Database, settings: Settings, name: str, limits: Limits | None = None
) -> dict[str, Any]:
    """Run a source with 127.0.0.1 allowed, fetching its files; the report as a dict."""
    files = FileOptions(data_dir=settings.data_dir)
    report = harvest_service.harvest_run(
        db,
        actor=SYSTEM,
        name=name,
        limits=limits or Limits(job_seconds=60, request_seconds=5),
        outbound=LOOPBACK,
        files=files,
    )
    return report.model_dump()


def test_private_sources_are_refused_when_an_editor_adds_them(
    client: TestClient, db: Database, departments: None, dns: FakeDns, local: Routes
) -> None:
    make_user(db, "redaktion@example.org", Role.EDITOR, department_code="69")
    login(client, "redaktion@example.org")
    token = csrf_of(client, "/daten/harvest")
    urls = [*SPELLINGS, local.set("/data.json", "application/json", data_json([]))]
    refused = {}
    for position, url in enumerate(urls):
        form = {"name": f"quelle-{position}", "url": url, "type": "dkan", "department_code": "69"}
        answer = client.post("/daten/harvest", data={"csrf_token": token, **form})
        refused[url] = answer.status_code == 422 and REFUSED in answer.text
    assert [url for url, ok in refused.items() if not ok] == []
    assert client.get("/api/v1/harvest/sources").json() == []
    assert local.hits == {}


@pytest.mark.parametrize("kind", sorted(CATALOGUES))
def test_files_on_internal_addresses_are_never_requested_but_the_dataset_arrives(
    db: Database,
    departments: None,
    settings: Settings,
    client: TestClient,
    dns: FakeDns,
    local: Routes,
    internal: Routes,
    kind: str,
) -> None:
    secret = internal.base + "/geheim.csv"
    port = internal.base.rsplit(":", 1)[1]
    files = [
        secret,
        local.redirect("/weiter.csv", secret),
        f"http://127.0.0.1.nip.io:{port}/geheim.csv",
        f"http://[::ffff:127.0.0.2]:{port}/geheim.csv",
    ]
    path, ctype, make = CATALOGUES[kind]
    url = local.set(path, ctype, make(files))
    add_source(db, "intern", local.base if kind == "ckan" else url, kind)
    report = harvest(db, settings, "intern")
    assert (report["status"], report["added"], report["errored"]) == ("finished", 1, 0), report
    reasons = {w["url"]: w["reason"] for w in report["warnings"]}
    assert reasons == {url: f"Datei nicht geladen: {url}: {REFUSED}" for url in files}
    assert internal.hits == {}
    dataset = client.get("/api/v1/datasets/interne-liste").json()
    assert len(dataset["distributions"]) == 4


def test_a_source_redirecting_inside_is_refused_at_the_hop(
    db: Database, departments: None, settings: Settings, local: Routes, internal: Routes
) -> None:
    internal.set("/katalog.ttl", "text/turtle", dcat([]))
    url = local.redirect("/katalog", internal.base + "/katalog.ttl")
    add_source(db, "umweg", url, "dcat")
    report = harvest(db, settings, "umweg")
    assert (report["status"], report["error"]) == ("failed", f"{url}: {REFUSED}")
    assert internal.hits == {}


JSON_LD = {
    "@context": ["{context}", {"dct": "http://purl.org/dc/terms/"}],
    "@id": "https://example.org/ds/parken",
    "@type": "dcat:Dataset",
    "dct:identifier": "parken",
    "dct:title": "Parkhäuser",
    "dct:license": {"@id": "http://dcat-ap.de/def/licenses/cc-by/4.0"},
}


def test_remote_json_ld_contexts_go_through_the_guard(
    db: Database, departments: None, settings: Settings, local: Routes, internal: Routes
) -> None:
    context = {"@context": {"dcat": "http://www.w3.org/ns/dcat#"}}
    inside = internal.base + "/kontext.jsonld"
    outside = local.set("/dcat-kontext.jsonld", "application/ld+json", json.dumps(context))
    for name, context_url in (("innen", inside), ("aussen", outside)):
        body = json.dumps(JSON_LD).replace("{context}", context_url)
        add_source(db, name, local.set(f"/{name}.jsonld", "application/ld+json", body), "dcat")
    refused = harvest(db, settings, "innen")
    assert (refused["status"], refused["error"]) == ("failed", f"{inside}: {REFUSED}")
    assert internal.hits == {}
    inlined = harvest(db, settings, "aussen")
    assert (inlined["status"], inlined["added"]) == ("finished", 1), inlined
    with db.session() as session:
        assert service.dataset_get(session, actor=SYSTEM, id_or_name="parkhaeuser").title


def test_closed_filtered_reset_and_refused_files_read_the_same(
    db: Database, departments: None, settings: Settings, local: Routes, internal: Routes
) -> None:
    with filtered_port() as filtered, http_server("127.0.0.1") as resetting:
        files = [
            f"http://127.0.0.1:{closed_port()}/a.csv",
            f"http://127.0.0.1:{filtered}/b.csv",
            resetting.url("/reset"),
            internal.base + "/geheim.csv",
        ]
        add_source(db, "vier", local.set("/katalog.ttl", "text/turtle", dcat(files)), "dcat")
        report = harvest(db, settings, "vier", Limits(job_seconds=60, request_seconds=1))
    reasons = {w["reason"].split(": ", 2)[2] for w in report["warnings"]}
    assert len(report["warnings"]) == 4 and reasons == {REFUSED}, report["warnings"]
    assert internal.hits == {}
