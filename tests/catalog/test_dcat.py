"""DCAT-AP.de export: formats, Hydra paging, content negotiation, and the official SHACL shapes."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Namespace
from rdflib.namespace import DCAT, RDF
from starlette.testclient import TestClient

from domstadt.catalog import distribution_service
from domstadt.catalog.schemas import DistributionCreate
from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings
from domstadt.core.db import Database
from tests.catalog.conftest import DATA_DIR, make_dataset

SHAPES = Path(__file__).resolve().parents[3] / "shared" / "standards" / "dcat-ap-de"
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")


def _full_dataset(db: Database, settings: Settings) -> str:
    ds = make_dataset(
        db,
        name="wahl-2013",
        title="Bundestagswahl 2013",
        description="Ergebnisse je Bezirk",
        themes=["GOVE"],
        keywords=["Wahl"],
        frequency="NEVER",
        contact_email="wahlen@stadt-koeln.de",
        contact_name="Wahlamt",
        temporal_start="2013-09-22",
        temporal_end="2013-09-22",
        issued="2013-10-01T00:00:00Z",
        datastreams=["/sta/v1.1/Datastreams(5)"],
    )
    with db.session() as session:
        distribution_service.distribution_create(
            session,
            actor=system_actor("tests"),
            dataset=ds.id,
            data=DistributionCreate(title="Ergebnis"),
            data_dir=settings.data_dir,
            upload=("result.csv", (DATA_DIR / "result_stadtbezirk.csv").read_bytes()),
        )
    return ds.name


def test_catalog_formats_and_hydra_paging(
    client: TestClient, db: Database, departments: None
) -> None:
    make_dataset(db, name="eins", title="Eins")
    ttl = client.get("/catalog.ttl")
    assert ttl.status_code == 200 and ttl.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=ttl.text, format="turtle")
    assert int(next(graph.objects(None, HYDRA.totalItems))) == 1
    assert client.get("/catalog.rdf").headers["content-type"].startswith("application/rdf+xml")
    jsonld = client.get("/catalog.jsonld")
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert jsonld.text.count(str(DCAT.Dataset)) == 1
    assert client.get("/catalog.csv").status_code == 404


def test_catalog_describes_its_data_services(
    client: TestClient, db: Database, departments: None, settings: Settings
) -> None:
    make_dataset(db, name="zaehlung", title="Zählung", datastreams=["3"])
    make_dataset(db, name="plan", title="Plan")
    graph = Graph().parse(data=client.get("/catalog.ttl").text, format="turtle")
    base = "http://testserver"  # links are built from the request when no base URL is set
    services = {
        str(next(graph.objects(s, DCAT.endpointURL))): s
        for s in graph.subjects(RDF.type, DCAT.DataService)
    }
    assert set(services) == {f"{base}/api/3/action", f"{base}/sta/v1.1"}
    catalog = next(graph.subjects(RDF.type, DCAT.Catalog))
    assert set(graph.objects(catalog, DCAT.service)) == set(services.values())
    ckan = services[f"{base}/api/3/action"]
    assert {str(d) for d in graph.objects(ckan, DCAT.servesDataset)} == {
        f"{base}/daten/zaehlung",
        f"{base}/daten/plan",
    }
    assert next(graph.objects(ckan, DCAT.endpointDescription)) is not None
    sta = services[f"{base}/sta/v1.1"]
    assert [str(d) for d in graph.objects(sta, DCAT.servesDataset)] == [f"{base}/daten/zaehlung"]


def test_content_negotiation_on_dataset_page(
    client: TestClient, db: Database, departments: None
) -> None:
    make_dataset(db, name="eins", title="Eins")
    turtle = client.get("/daten/eins", headers={"Accept": "text/turtle"})
    assert (
        turtle.headers["content-type"].startswith("text/turtle") and "dcat:Dataset" in turtle.text
    )
    assert client.get("/dataset/eins.rdf").headers["content-type"].startswith("application/rdf")
    html = client.get("/daten/eins", headers={"Accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html") and "Eins" in html.text


@pytest.mark.skipif(not SHAPES.is_dir(), reason="shared/standards/dcat-ap-de not present")
def test_export_conforms_to_dcat_ap_de_shapes(
    client: TestClient, db: Database, departments: None, settings: Settings
) -> None:
    name = _full_dataset(db, settings)
    data = Graph().parse(data=client.get("/catalog.ttl").text, format="turtle")
    assert name in client.get(f"/dataset/{name}.ttl").text
    shapes = Graph()
    for path in [
        SHAPES / "semic-dcat-ap-3.0.0" / "dcat-ap-SHACL.ttl",
        SHAPES / "v3.0" / "dcat-ap-SHACL-DE.ttl",
        SHAPES / "v3.0" / "dcat-ap-de-deprecated.ttl",
        SHAPES / "v3.0" / "dcat-ap-spec-german-additions.ttl",
    ]:
        shapes.parse(path, format="turtle")
    ontology = Graph()
    for path in (SHAPES / "mirror").iterdir():
        ontology.parse(path, format="xml" if path.suffix == ".rdf" else "turtle")
    conforms, _report, text = validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs", allow_warnings=True
    )
    assert conforms, text
