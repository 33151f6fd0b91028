"""Datasets linked to the masterplan measures and sensor Datastreams they belong to: set through
the CKAN API and the form, shown on the page, in package_show and in the DCAT export."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS
from starlette.testclient import TestClient

from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.masterplan import measure_service
from domstadt.masterplan.schemas import MeasureCreate
from tests.catalog.conftest import EDITOR
from tests.conftest import csrf_of, login


@pytest.fixture
def measure_id(db: Database, departments: None) -> int:
    """A masterplan measure led by Amt 69."""
    with db.session() as session:
        measure = measure_service.measure_create(
            session,
            actor=system_actor("tests"),
            data=MeasureCreate(code="MOB-07", title="Verkehrsdaten offen", lead_department="69"),
        )
    return measure.id


def test_links_show_in_package_show_page_and_dcat(
    client: TestClient, settings: Settings, editor_token: str, measure_id: int
) -> None:
    created = client.post(
        "/api/3/action/package_create",
        json={
            "name": "zaehlstellen",
            "title": "Zählstellen Radverkehr",
            "owner_org": "stadt-koeln-69",
            "extras": [
                {"key": "measures", "value": f"https://domstadt.example/massnahmen/{measure_id}"},
                {"key": "datastreams", "value": "/sta/v1.1/Datastreams(7), 8"},
            ],
        },
        headers={"Authorization": editor_token},
    )
    assert created.status_code == 200, created.text
    shown = client.get("/api/3/action/package_show", params={"id": "zaehlstellen"}).json()
    extras = {e["key"]: e["value"] for e in shown["result"]["extras"]}
    base = "http://testserver"  # links are built from the request when no base URL is set
    assert extras["measures"] == f"{base}/massnahmen/{measure_id}"
    streams = f"{base}/sta/v1.1/Datastreams(7), {base}/sta/v1.1/Datastreams(8)"
    assert extras["datastreams"] == streams
    twin = client.get("/api/v1/datasets/zaehlstellen").json()
    assert twin["measures"] == [measure_id] and twin["datastreams"] == [7, 8]

    page = client.get("/daten/zaehlstellen").text
    assert "Gehört zu den Maßnahmen" in page and "MOB-07 – Verkehrsdaten offen" in page
    assert f'href="/massnahmen/{measure_id}"' in page
    assert 'href="/sta/v1.1/Datastreams(8)"' in page

    graph = Graph().parse(data=client.get("/dataset/zaehlstellen.ttl").text, format="turtle")
    related = set(graph.objects(None, DCTERMS.relation))
    assert URIRef(f"{base}/massnahmen/{measure_id}") in related
    assert URIRef(f"{base}/sta/v1.1/Datastreams(7)") in related

    round_trip = client.post(  # what a CKAN client does: show, change, update
        "/api/3/action/package_update",
        json={**shown["result"], "title": "Zählstellen Radverkehr 2024"},
        headers={"Authorization": editor_token},
    )
    assert round_trip.status_code == 200, round_trip.text
    assert client.get("/api/v1/datasets/zaehlstellen").json()["measures"] == [measure_id]

    patched = client.post(
        "/api/3/action/package_patch",
        json={"id": "zaehlstellen", "measures": []},
        headers={"Authorization": editor_token},
    ).json()["result"]
    assert "measures" not in {e["key"] for e in patched["extras"]}
    assert client.get("/api/v1/datasets/zaehlstellen").json()["datastreams"] == [7, 8]


def test_unknown_measure_or_bad_address_is_refused_and_nothing_written(
    client: TestClient, editor_token: str
) -> None:
    bad = client.post(
        "/api/3/action/package_create",
        json={
            "name": "falsch",
            "title": "Falsch verknüpft",
            "measures": ["999"],
            "datastreams": ["/sta/v1.1/Things(3)"],
        },
        headers={"X-CKAN-API-Key": editor_token},
    )
    assert bad.status_code == 409
    error = bad.json()["error"]
    assert error["__type"] == "Validation Error"
    assert "Maßnahme 999 gibt es nicht" in error["measures"][0]
    assert "Things(3)" in error["datastreams"][0]
    assert client.get("/api/3/action/package_list").json()["result"] == []


def test_editor_links_a_measure_in_the_form(
    client: TestClient, editor_token: str, measure_id: int
) -> None:
    login(client, EDITOR)
    token = csrf_of(client, "/daten-neu")
    client.post("/daten-neu", data={"csrf_token": token, "title": "Baustellen"})
    form = client.get("/daten/baustellen/bearbeiten").text
    assert 'id="f-measures"' in form and "Masterplan-Maßnahmen" in form
    saved = client.post(
        "/daten/baustellen/bearbeiten",
        data={
            "csrf_token": token,
            "title": "Baustellen",
            "measures": f"/massnahmen/{measure_id}",
            "datastreams": "12",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = client.get("/daten/baustellen").text
    assert "MOB-07" in page and "Datastream 12" in page
    wrong = client.post(
        "/daten/baustellen/bearbeiten",
        data={"csrf_token": token, "title": "Baustellen", "measures": "4711"},
    )
    assert wrong.status_code == 422 and "Maßnahme 4711 gibt es nicht" in wrong.text
    assert "MOB-07" in client.get("/daten/baustellen").text
