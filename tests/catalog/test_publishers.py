"""Publisher pages: every dct:publisher URI of the DCAT export resolves to a page with its
JSON twin; a publisher of restricted datasets only is not shown to the public."""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import DCTERMS
from starlette.testclient import TestClient

from domstadt.core.db import Database
from tests.catalog.conftest import make_dataset


def test_every_publisher_uri_of_the_export_resolves(
    client: TestClient, db: Database, departments: None
) -> None:
    make_dataset(db, name="eins", title="A <b>fett</b>")
    make_dataset(db, name="zwei", title="B")
    make_dataset(
        db,
        name="drei",
        title="C",
        department_code="57",
        access_rights="NON_PUBLIC",
        restriction_reason="security",
    )
    graph = Graph().parse(data=client.get("/catalog.ttl").text, format="turtle")
    uris = {str(p) for p in graph.objects(None, DCTERMS.publisher)}
    assert len(uris) >= 2  # the catalogue's and the department's

    for uri in uris:
        path = uri.split("://", 1)[1].split("/", 1)[1]
        page = client.get("/" + path)
        assert page.status_code == 200, uri
        assert "<h1>" in page.text
    page = client.get("/daten/herausgeber/stadt-koeln-69")
    assert 'href="/daten?publisher=stadt-koeln-69">2</a>' in page.text
    twin = client.get("/api/v1/publishers/stadt-koeln-69").json()
    assert twin["name"] == "stadt-koeln-69" and twin["count"] == 2
    assert client.get("/api/v1/publishers/stadt-koeln").json()["count"] == 2
    assert client.get("/daten/herausgeber/stadt-koeln-57").status_code == 404
    assert client.get("/api/v1/publishers/gibt-es-nicht").status_code == 404
