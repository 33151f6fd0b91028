"""The directory as people and programs use it: /oekosystem and /api/v1/ecosystem with search
and filters, an organisation's entry with what it takes part in, people's opt-in profiles."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from domstadt.core.auth.models import Role
from domstadt.core.db import Database
from tests.conftest import csrf_of, login, make_user

pytestmark = pytest.mark.xdist_group("ecosystem-demo")  # one demo load for both modules


def test_directory_json_lists_40_demo_organisations_with_competences(
    client: TestClient, demo: Database
) -> None:
    body = client.get("/api/v1/ecosystem", params={"type": "company", "limit": 500}).json()
    everything = client.get("/api/v1/ecosystem", params={"limit": 500}).json()
    orgs = [e for e in everything["items"] if e["type"] not in ("person", "lab")]
    with_competences = [e for e in orgs if e["concepts"] or e["free_tags"]]
    assert len(with_competences) >= 40
    assert body["count"] == len(body["items"]) and all(
        e["type"] == "company" for e in body["items"]
    )
    people = [e for e in everything["items"] if e["type"] == "person"]
    assert {p["name"] for p in people} == {"Mara Feldmann", "Tim Okafor"}
    mara = next(p for p in people if p["name"] == "Mara Feldmann")
    assert "Stadtgeschichte" in mara["free_tags"]
    assert {c["id"] for c in mara["concepts"]} >= {"datenanalyse", "python", "offene-daten"}


def test_search_by_competence_synonym_district_and_type(client: TestClient, demo: Database) -> None:
    ki = client.get("/api/v1/ecosystem", params={"q": "KI", "limit": 500}).json()
    names = {e["name"] for e in ki["items"]}
    assert {"Fraunhofer IAIS", "DeepL SE", "Sprachwerk KI GmbH (Beispiel)", "KI.NRW"} <= names
    english = client.get("/api/v1/ecosystem", params={"q": "artificial intelligence"}).json()
    assert {e["name"] for e in english["items"]} >= {"Fraunhofer IAIS", "DeepL SE"}
    by_concept = client.get(
        "/api/v1/ecosystem", params={"competence": "internet-der-dinge", "district": "Ehrenfeld"}
    ).json()
    assert by_concept["count"] >= 1
    assert all(e["district"] == "Ehrenfeld" for e in by_concept["items"])
    assert all(
        "internet-der-dinge" in {c["id"] for c in e["concepts"]} for e in by_concept["items"]
    )
    research = client.get("/api/v1/ecosystem", params={"type": "research"}).json()
    assert research["count"] >= 5 and all(e["type"] == "research" for e in research["items"])
    assert client.get("/api/v1/ecosystem", params={"district": "Atlantis"}).status_code == 422
    assert client.get("/api/v1/ecosystem", params={"type": "alien"}).status_code == 422
    assert client.get("/api/v1/ecosystem", params={"competence": "kochen"}).status_code == 404


def test_directory_page_is_german_with_map_and_filters(client: TestClient, demo: Database) -> None:
    page = client.get("/oekosystem", params={"district": "Kalk"})
    assert page.status_code == 200
    assert "Kompetenzen und Ökosystem" in page.text and "Stadtbezirk" in page.text
    assert 'id="eco-map"' in page.text and "/static/ecosystem/map.js" in page.text
    assert "Kalker Code eG (Beispiel)" in page.text
    assert "Fraunhofer IAIS" not in page.text
    bad = client.get("/oekosystem", params={"district": "Atlantis"})
    assert bad.status_code == 200 and "Ungültiger Filter ignoriert" in bad.text
    vocab = client.get("/oekosystem/vokabular")
    assert vocab.status_code == 200 and "Künstliche Intelligenz" in vocab.text
    assert client.get("/api/v1/ecosystem/competences").json()["count"] >= 50


def test_entry_links_to_measures_and_shows_cpv(client: TestClient, demo: Database) -> None:
    ihk = next(
        e
        for e in client.get("/api/v1/ecosystem", params={"q": "IHK"}).json()["items"]
        if e["name"] == "IHK Köln"
    )
    detail = client.get(f"/api/v1/ecosystem/organisations/{ihk['id']}").json()
    measures = [link for link in detail["links"] if link["kind"] == "measure"]
    assert any("IHK-07" in link["title"] for link in measures)
    assert all(link["url"].startswith("/massnahmen/") for link in measures)
    page = client.get(f"/oekosystem/organisationen/{ihk['id']}")
    assert page.status_code == 200 and "Nimmt teil an" in page.text
    domsensor = client.get("/api/v1/ecosystem", params={"q": "Domsensor"}).json()["items"][0]
    assert [c["code"] for c in domsensor["cpv"]] == ["48000000-8", "72700000-7"]
    assert client.get("/api/v1/ecosystem/organisations/999999").status_code == 404


def test_person_opts_in_and_out(client: TestClient, demo: Database) -> None:
    make_user(demo, "ines@example.org", Role.MEMBER, name="Ines Kaya")
    login(client, "ines@example.org")
    token = csrf_of(client, "/oekosystem/mein-profil")
    saved = client.post(
        "/oekosystem/mein-profil",
        data={"csrf_token": token, "listed": "on", "district": "Porz", "headline": "GIS",
              "competences": "Geodaten, Kartographie, KI"},
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303
    found = client.get("/api/v1/ecosystem", params={"type": "person", "district": "Porz"}).json()
    assert [e["name"] for e in found["items"]] == ["Ines Kaya"]
    assert found["items"][0]["free_tags"] == ["Kartographie"]
    bad = client.post(
        "/oekosystem/mein-profil",
        data={"csrf_token": token, "district": "Atlantis", "competences": "x"},
    )
    assert bad.status_code == 422 and "nicht gespeichert" in bad.text
    client.post("/oekosystem/mein-profil", data={"csrf_token": token, "competences": "KI"})
    hidden = client.get("/api/v1/ecosystem", params={"type": "person", "district": "Porz"}).json()
    assert hidden["count"] == 0


def test_profile_needs_sign_in(client: TestClient, demo: Database) -> None:
    assert client.get("/api/v1/ecosystem/me").status_code in (401, 403)
    page = client.get("/oekosystem/mein-profil", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_labs_appear_with_the_competences_their_text_names(
    client: TestClient, demo: Database
) -> None:
    import datetime as dt

    from domstadt.core.auth.permissions import system_actor
    from domstadt.participation import lab_service
    from domstadt.participation.labs.schemas import LabSessionCreate

    with demo.session() as session:
        lab_service.lab_create(
            session,
            actor=system_actor("tests"),
            data=LabSessionCreate(
                title="UX-Test: barrierefreie Online-Terminvergabe",
                department_code="33",
                service_name="Terminvergabe",
                starts_at=dt.datetime(2027, 3, 4, 10, 0),
                place="Kundenzentrum Kalk",
            ),
        )
    labs = client.get("/api/v1/ecosystem", params={"type": "lab"}).json()
    lab = next(e for e in labs["items"] if e["name"].startswith("UX-Test: barrierefreie"))
    assert {c["id"] for c in lab["concepts"]} >= {"ux-design", "barrierefreiheit", "webentwicklung"}
    assert lab["lat"] is not None and lab["url"]
    by_competence = client.get(
        "/api/v1/ecosystem", params={"competence": "barrierefreiheit", "type": "lab"}
    ).json()
    assert by_competence["count"] >= 1
