"""Harvest never drops a record for one bad field: real DCAT-AP.de pages of German portals
(tests/catalog/data/real_catalogues, see SOURCES.md) arrive whole and re-run unchanged;
licence variants, broken dates, odd language tags and literals become warnings; every Hydra
paging form is followed, with a loop guard; Domstadt's own /catalog.ttl arrives whole."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import DCAT, RDF
from sqlalchemy import select

from domstadt.catalog import distribution_service, harvest_service, service
from domstadt.catalog.harvest.runner import Limits
from domstadt.catalog.models import Dataset
from domstadt.catalog.schemas import DatasetCreate, DistributionCreate
from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from tests.catalog.harvest_servers import LOOPBACK, Routes, add_source, static_server

SYSTEM = system_actor("tests")
REAL = Path(__file__).parent / "data" / "real_catalogues"
FAST = Limits(job_seconds=60, request_seconds=5)
PREFIXES = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


@pytest.fixture
def routes() -> Iterator[Routes]:
    with static_server() as served:
        yield served


def run(db: Database, name: str) -> harvest_service.HarvestReport:
    return harvest_service.harvest_run(db, actor=SYSTEM, name=name, limits=FAST, outbound=LOOPBACK)


def _count_datasets(path: Path) -> int:
    graph = Graph().parse(path, format="xml")
    return len(set(graph.subjects(RDF.type, DCAT.Dataset)))


PORTALS = {
    "govdata_ckan_catalog_endpoint.rdf": "GovData (Berlin, Rheinland-Pfalz, Hamburg)",
    "rostock_govdata_dataset.rdf": "Rostock via GovData",
    "rostock_dashboard_catalog.rdf": "Rostock (opendata-hro)",
    "brandenburg_dashboard_catalog.rdf": "Brandenburg (Potsdam, service.brandenburg.de)",
    "bremen_dashboard_catalog.rdf": "Bremen (transparenz.bremen.de)",
    "destatis_dashboard_catalog.rdf": "Statistisches Bundesamt (Destatis)",
    "schleswig_holstein_catalog_page50.rdf": "Schleswig-Holstein (opendata.schleswig-holstein.de)",
    "mcloud_export_4F5E35F6.rdf": "mCLOUD (BMVI, now Mobilithek)",
    "mcloud_export_91CDE1D7.rdf": "mCLOUD (BMVI, record of Geoportal NRW)",
}
"""Every page in tests/catalog/data/real_catalogues and its portal (sources: SOURCES.md)."""
NEXT_PAGE = {
    "rostock_dashboard_catalog.rdf": "https://www.opendata-hro.de/catalog.rdf?page=2",
    "schleswig_holstein_catalog_page50.rdf": (
        "http://opendata.schleswig-holstein.de/catalog.xml?page=51"
    ),
}
"""Pages of a paged catalogue (hydra:nextPage; Rostock's page 1, Schleswig-Holstein's page 50
of 84): offline, the next page is refused by the outbound guard, so that job ends 'failed'
naming it; the page's records stay."""


def test_every_real_page_is_listed_with_its_portal() -> None:
    assert {p.name for p in REAL.glob("*.rdf")} == set(PORTALS)
    assert len(PORTALS) >= 9  # nine pages of seven portals: Rostock, mCLOUD twice (SOURCES.md)
    assert len({portal.split(" ")[0] for portal in PORTALS.values()}) >= 7
    sources = (REAL / "SOURCES.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in sources for name in PORTALS)


def test_real_portal_pages_arrive_whole_and_a_rerun_is_unchanged(
    db: Database, departments: None, routes: Routes
) -> None:
    files = sorted(REAL.glob("*.rdf"))
    expected = {}
    for number, path in enumerate(files):
        url = routes.set(f"/{path.name}", "application/rdf+xml", path.read_bytes())
        add_source(db, f"real-{number}", url, "dcat")
        expected[path.name] = _count_datasets(path)
    first = {path.name: run(db, f"real-{n}") for n, path in enumerate(files)}
    again = {path.name: run(db, f"real-{n}") for n, path in enumerate(files)}
    figures = {
        name: (expected[name], r.added, r.errored, len(r.warnings), again[name].unchanged)
        for name, r in first.items()
    }
    print("page: datasets, added, errored, warnings, unchanged on re-run", figures)
    for name, report in first.items():
        rerun = again[name]
        for job in (report, rerun):
            if name in NEXT_PAGE:
                assert job.status == "failed" and job.error.startswith(NEXT_PAGE[name]), name
            else:
                assert job.status == "finished", (name, job.error)
            assert "Traceback" not in job.model_dump_json(), name
        assert report.added >= 0.98 * expected[name], (PORTALS[name], figures[name], report.errors)
        assert rerun.unchanged == report.added, (name, rerun.errors)
        assert rerun.added + rerun.updated + rerun.deleted == 0, (name, figures[name])
        assert "Traceback" not in rerun.model_dump_json(), name
    with db.session() as session:
        licences = set(session.scalars(select(Dataset.license_id)))
    assert {"dl-by-de/2.0", "cc-by", "cc-zero"} <= licences  # "dl-by-de/2_0" read
    with db.session() as session:
        bremen = session.scalar(select(Dataset).where(Dataset.title == "Haushaltsporträt 2012"))
    assert bremen is not None and bremen.license_id == "cc-by-nc/4.0"
    with db.session() as session:
        krummbek = session.scalar(
            select(Dataset).where(Dataset.title == "Regionaldaten für die Gemeinde Krummbek")
        )
        nrw = session.scalar(
            select(Dataset).where(Dataset.title == "Kartenlayer Stationierung NRW")
        )
        assert krummbek is not None and nrw is not None
        assert krummbek.license_id == "dl-by-de/2.0"
        assert krummbek.contributor_id == "http://dcat-ap.de/def/contributors/schleswigHolstein"
        # mCLOUD names the licence only on its distributions and types a date-time as xsd:date
        # ("2010-01-20T10:22:00Z"): the licence is read from them, the date as a date
        assert nrw.license_id == "dl-by-de/2.0"
        assert nrw.issued is not None and nrw.issued.date().isoformat() == "2010-01-20"
        assert len(nrw.distributions) == 3


def test_a_german_cc_4_licence_is_the_international_one() -> None:
    """Transparenzportal Bremen writes …/licenses/cc-by-nc-de/4_0 (15 datasets of its page,
    e.g. "Haushaltsporträt 2012"); CC 4.0 has no German port, and reading it as unknown gave
    them 'other-closed' with a warning although the licence is clear."""
    from domstadt.catalog.harvest.records import license_of

    assert license_of("http://dcat-ap.de/def/licenses/cc-by-nc-de/4_0") == "cc-by-nc/4.0"
    assert license_of("https://www.dcat-ap.de/def/licenses/cc-by-sa-de/4.0") == "cc-by-sa/4.0"
    assert license_of("http://dcat-ap.de/def/licenses/cc-by-nc-de/3.0") == "cc-by-nc-de/3.0"
    assert license_of("http://dcat-ap.de/def/licenses/cc-by-xx-de/4_0") is None


MESSY = (
    PREFIXES
    + """
<https://portal.example/ds/1> a dcat:Dataset ; dct:identifier "eins" ;
    dct:title "Null-Lizenz mit https"@DE ;
    dct:license <https://www.dcat-ap.de/def/licenses/cc-zero> .
<https://portal.example/ds/2> a dcat:Dataset ; dct:identifier "zwei" ;
    dct:title "Lizenz als Text"@de-DE ; dct:license "Nutzungsbedingungen der LHP" .
<https://portal.example/ds/3> a dcat:Dataset ; dct:identifier "drei" ;
    dct:title "Ausländische Lizenz" ;
    dct:license <https://www.etalab.gouv.fr/licence-ouverte-open-licence> .
<https://portal.example/ds/4> a dcat:Dataset ; dct:identifier "vier" ;
    dct:title "Kaputtes Datum" ; dct:license "CC-BY-4.0" ;
    dct:modified "2021-01-28 GMT 01:51:03.34919300"^^xsd:dateTime ;
    dct:issued "irgendwann"^^xsd:dateTime .
<https://portal.example/ds/5> a dcat:Dataset ; dct:title "Ohne Kennung, mit URI" ;
    dcat:landingPage "https://portal.example/seite/5" ;
    dct:license <http://dcat-ap.de/def/licenses/dl-by-de/2_0> .
[] a dcat:Dataset ; dct:title "Leerer Knoten mit Titel" ; dct:license "dl-de/by-2-0" .
[] a dcat:Dataset ; dct:description "Weder Kennung noch Titel" .
"""
)


def test_one_bad_field_is_a_warning_never_a_lost_record(
    db: Database, departments: None, routes: Routes
) -> None:
    url = routes.set("/messy.ttl", "text/turtle", MESSY)
    add_source(db, "messy", url, "dcat")
    report = run(db, "messy")
    assert (report.added, report.errored) == (6, 1)
    assert "Weder Kennung noch Titel" not in str(report.errors)  # refused, reason given
    assert "ohne Kennung" in report.errors[0]["reason"]
    warned = {w["guid"]: w["reason"] for w in report.warnings}
    assert "Nutzungsbedingungen der LHP" in warned["zwei"]
    assert "other-closed" in warned["zwei"]
    assert "etalab" in warned["drei"]
    assert "irgendwann" in warned["vier"]
    assert "eins" not in warned  # https and www. are a spelling, not an unknown licence
    assert "Traceback" not in report.model_dump_json()
    with db.session() as session:
        rows = {d.identifier: d for d in session.scalars(select(Dataset))}
    assert rows["eins"].license_id == "cc-zero"
    assert rows["eins"].title == "Null-Lizenz mit https"  # DE tag read as German
    assert rows["vier"].license_id == "cc-by/4.0"
    assert rows["vier"].modified is not None and rows["vier"].modified.year == 2021
    assert rows["https://portal.example/ds/5"].landing_page == "https://portal.example/seite/5"
    assert rows["https://portal.example/ds/5"].license_id == "dl-by-de/2.0"
    assert rows["zwei"].license_id == "other-closed"
    assert any(k.startswith("title:") for k in rows)
    again = run(db, "messy")
    assert (again.unchanged, again.added, again.updated) == (6, 0, 0)


def _page(number: int, paging: str) -> str:
    return PREFIXES + (
        f'<https://p.example/{number}> a dcat:Dataset ; dct:identifier "seite-{number}" ;'
        f' dct:title "Seite {number}" ; dct:license "cc-by/4.0" .\n{paging}'
    )


def test_every_hydra_paging_form_is_followed_and_a_loop_ends(
    db: Database, departments: None, routes: Routes
) -> None:
    base = routes.base
    routes.set(
        "/cat?page=1",
        "text/turtle",
        _page(1, f"<{base}/cat?page=1> hydra:nextPage <{base}/cat?page=2> ."),
    )
    routes.set(
        "/cat?page=2",
        "text/turtle",
        _page(
            2,
            f"<{base}/cat> hydra:view [ a hydra:PartialCollectionView ;"
            f" hydra:next <{base}/cat?page=3> ] .",
        ),
    )
    routes.set(  # only firstPage/lastPage: the next page number is counted on
        "/cat?page=3",
        "text/turtle",
        _page(
            3,
            f"<{base}/cat?page=3> a hydra:PagedCollection ;"
            f' hydra:firstPage "{base}/cat?page=1" ; hydra:lastPage "{base}/cat?page=4" .',
        ),
    )
    routes.set(  # points back to the start: the loop guard ends the job
        "/cat?page=4",
        "text/turtle",
        _page(4, f"<{base}/cat?page=4> hydra:next <{base}/cat?page=1> ."),
    )
    add_source(db, "paged", f"{base}/cat?page=1", "dcat")
    report = run(db, "paged")
    assert report.status == "finished"
    assert (report.added, report.errored) == (4, 0)
    assert routes.hits["/cat?page=1"] == 1


def test_domstadts_own_catalog_ttl_arrives_whole(
    db: Database, departments: None, client: object, routes: Routes, tmp_path: Path
) -> None:
    licences = ["dl-by-de/2.0", "cc-by/4.0", "dl-zero-de/2.0", "cc-zero", "odbl"]
    with db.session() as session:
        for number, licence in enumerate(licences):
            ds = service.dataset_create(
                session,
                actor=SYSTEM,
                data=DatasetCreate(
                    name=f"eigen-{number}",
                    title=f"Eigener Datensatz {number}",
                    description="Aus dem eigenen Katalog",
                    department_code="69",
                    license_id=licence,
                    contact_email="opendata@example.org",
                ),
            )
            distribution_service.distribution_create(
                session,
                actor=SYSTEM,
                dataset=ds.name,
                data=DistributionCreate(download_url=f"https://example.org/{number}.csv"),
                data_dir=tmp_path,
            )
    ttl = client.get("/catalog.ttl")  # type: ignore[attr-defined]
    assert ttl.status_code == 200
    url = routes.set("/own.ttl", "text/turtle", ttl.content)
    with db.session() as session:
        for ds in session.scalars(select(Dataset)):
            ds.name = "alt-" + ds.name  # free the names; the harvest adds its own copies
    add_source(db, "eigen", url, "dcat")
    report = run(db, "eigen")
    assert (report.added, report.errored) == (len(licences), 0)
    assert report.warnings == []
    with db.session() as session:
        harvested = session.scalars(select(Dataset).where(Dataset.harvest_source_id.is_not(None)))
        assert sorted(d.license_id for d in harvested) == sorted(licences)


BAD_TAGS = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/">
  <dcat:Dataset rdf:about="https://portal.example/ds/unterstrich">
    <dct:identifier>unterstrich</dct:identifier>
    <dct:title xml:lang="de_DE">Sprachangabe mit Unterstrich</dct:title>
    <dct:title xml:lang="en">Language tag with underscore</dct:title>
    <dct:license rdf:resource="http://dcat-ap.de/def/licenses/cc-by/4.0"/>
  </dcat:Dataset>
  <dcat:Dataset rdf:about="https://portal.example/ds/leerzeichen">
    <dct:identifier>leerzeichen</dct:identifier>
    <dct:title xml:lang="de DE">Sprachangabe mit Leerzeichen</dct:title>
    <dct:license rdf:resource="http://dcat-ap.de/def/licenses/cc-by/4.0"/>
  </dcat:Dataset>
</rdf:RDF>
"""


def test_a_wrong_language_tag_never_costs_the_page(
    db: Database, departments: None, routes: Routes
) -> None:
    url = routes.set("/tags.rdf", "application/rdf+xml", BAD_TAGS)
    add_source(db, "tags", url, "dcat")
    report = run(db, "tags")
    assert (report.status, report.added, report.errored) == ("finished", 2, 0), report.error
    with db.session() as session:
        titles = {d.identifier: d.title for d in session.scalars(select(Dataset))}
    assert titles == {
        "unterstrich": "Sprachangabe mit Unterstrich",
        "leerzeichen": "Sprachangabe mit Leerzeichen",
    }


def test_reasons_in_reports_are_one_line_without_sql() -> None:
    from pydantic import ValidationError
    from sqlalchemy.exc import IntegrityError

    from domstadt.catalog.harvest.records import safely
    from domstadt.catalog.harvest.runner import short_reason

    database = IntegrityError("INSERT INTO catalog_dataset (name) VALUES (?)", ("x",), Exception())
    assert short_reason(database) == "Datenbankfehler (IntegrityError)"
    try:
        DatasetCreate.model_validate({"title": 5, "themes": "x"})
    except ValidationError as exc:
        assert short_reason(exc) == "ungültige Werte in themes, title"
    assert short_reason(RuntimeError("erste Zeile\n  File x, line 1")) == (
        "RuntimeError: erste Zeile"
    )

    def explode(item: object) -> object:
        raise RuntimeError("a\nTraceback (most recent call last)")

    bad = safely(explode, {"id": "k"})
    assert "Traceback" not in bad.reason and bad.guid == "k"  # type: ignore[union-attr]


def test_a_record_reads_the_same_on_every_parse() -> None:
    """Blank node ids are new on each parse and order a graph's values: a record's content hash
    must not follow them, or a re-run reports datasets as changed that are not."""
    from domstadt.catalog.harvest import dcat

    def hashes(path: Path) -> dict[str, str]:
        graph = Graph().parse(path, format="xml")
        out = {}
        for node in graph.subjects(RDF.type, DCAT.Dataset):
            record = dcat.to_record(graph, node, "other-open")
            assert not isinstance(record, dcat.r.BadRecord)
            out[record.guid] = record.content_hash()
        return out

    for path in sorted(REAL.glob("*.rdf")):
        first = hashes(path)
        assert all(hashes(path) == first for _ in range(3)), path.name
