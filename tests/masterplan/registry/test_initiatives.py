"""The initiatives registry as editors, the public and API clients meet it."""

from __future__ import annotations

from starlette.testclient import TestClient

from domstadt.core.auth.models import Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.masterplan.registry import service
from tests.conftest import csrf_of, login, make_user
from tests.masterplan.conftest import add_measure
from tests.masterplan.registry.conftest import create


def test_editor_registers_initiative_via_api_and_public_reads_it(
    client: TestClient, editor: dict[str, str]
) -> None:
    created = create(
        client,
        editor,
        title="Repair-Café Ehrenfeld",
        description="Ehrenamtliche reparieren Laptops und Smartphones.",
        owner_name="Bürgerverein Ehrenfeld e. V.",
        start_date="01.03.2024",
        status="active",
        website="https://repair.example.org",
    )
    assert isinstance(created["id"], int) and created["start_date"] == "2024-03-01"
    listing = client.get("/api/v1/initiatives").json()
    assert listing["total"] == 1 and listing["items"][0]["owner"] == "Bürgerverein Ehrenfeld e. V."
    assert client.get(f"/api/v1/initiatives/{created['id']}").json()["title"] == (
        "Repair-Café Ehrenfeld"
    )
    page = client.get(f"/initiativen/{created['id']}")
    assert page.status_code == 200 and "Bürgerverein Ehrenfeld" in page.text
    assert "laufend" in page.text
    found = client.get("/initiativen?q=Smartphones")
    assert "Repair-Café Ehrenfeld" in found.text and "1 Initiativen" in found.text
    assert "Repair-Café" not in client.get("/initiativen?q=Radweg").text


def test_writes_need_an_editor(client: TestClient, member: dict[str, str]) -> None:
    body = {"title": "Digitale Nachbarschaftshilfe", "description": "Eine App für Nachbarn."}
    assert client.post("/api/v1/initiatives", json=body).status_code == 401
    refused = client.post("/api/v1/initiatives", json=body, headers=member)
    assert refused.status_code == 403
    assert client.get("/api/v1/initiatives").json()["total"] == 0


def test_bad_input_names_the_field_and_writes_nothing(
    client: TestClient, editor: dict[str, str]
) -> None:
    missing = client.post("/api/v1/initiatives", json={"title": "Nur ein Titel"}, headers=editor)
    assert missing.status_code == 422
    assert missing.json()["error"]["details"][0]["field"] == "description"
    backwards = client.post(
        "/api/v1/initiatives",
        json={"title": "Zeitreise", "description": "x", "start_date": "2025-05-01",
              "end_date": "2024-01-01"},
        headers=editor,
    )  # fmt: skip
    assert backwards.status_code == 422 and "end_date" in backwards.text
    unknown = client.post(
        "/api/v1/initiatives",
        json={"title": "Verknüpft", "description": "x", "measure_ids": [999]},
        headers=editor,
    )
    assert unknown.status_code == 422
    assert unknown.json()["error"]["field"] == "measure_ids"
    create(client, editor, title="Erste", description="eins", code="INI-1")
    clash = client.post(
        "/api/v1/initiatives",
        json={"title": "Zweite", "description": "zwei", "code": "INI-1"},
        headers=editor,
    )
    assert clash.status_code == 409 and "INI-1" in clash.json()["error"]["message"]
    assert client.get("/api/v1/initiatives").json()["total"] == 1


def test_link_and_unlink_measures(
    client: TestClient, plan: Database, editor: dict[str, str]
) -> None:
    measure = add_measure(plan, code="DV-01", title="Digitales Bürgerportal")
    item = create(client, editor, title="Bürgerportal-Testlabor", description="Tests mit Bürgern.")
    url = f"/api/v1/initiatives/{item['id']}/measures/{measure.id}"
    linked = client.put(url, headers=editor)
    assert linked.status_code == 200
    assert linked.json()["measures"] == [{"id": measure.id, "title": "Digitales Bürgerportal"}]
    assert client.put(url, headers=editor).json()["measures"][0]["id"] == measure.id
    assert "Digitales Bürgerportal" in client.get(f"/initiativen/{item['id']}").text
    with plan.session() as session:
        linked_here = service.initiatives_for_measure(
            session, actor=system_actor("t"), measure_id=measure.id
        )
    assert [i.title for i in linked_here] == ["Bürgerportal-Testlabor"]
    english = client.get(f"/initiativen/{item['id']}?lang=en").text
    assert "Linked measures" in english and "Unlink" not in english
    assert client.delete(url, headers=editor).json()["measures"] == []
    assert client.delete(url, headers=editor).status_code == 404
    missing = client.put(f"/api/v1/initiatives/{item['id']}/measures/4711", headers=editor)
    assert missing.status_code == 422 and "4711" in missing.json()["error"]["message"]


def test_html_form_creates_and_links(
    client: TestClient, plan: Database, editor: dict[str, str]
) -> None:
    measure = add_measure(plan, code="SC-02", title="Smarte Straßenbeleuchtung")
    make_user(plan, "redaktion@stadt-koeln.example", Role.EDITOR, department_code="DIG")
    login(client, "redaktion@stadt-koeln.example")
    form = client.get("/initiativen/neu")
    assert form.status_code == 200 and 'hx-get="/initiativen/aehnliche"' in form.text
    token = csrf_of(client, "/initiativen/neu")
    bad = client.post(
        "/initiativen/neu",
        data={
            "csrf_token": token,
            "title": "Licht",
            "description": "x",
            "start_date": "32.13.2024",
        },
    )
    assert bad.status_code == 422 and "Beginn (start_date)" in bad.text
    response = client.post(
        "/initiativen/neu",
        data={"csrf_token": token, "title": "Lichtsensoren in Nippes",
              "description": "Laternen dimmen nachts.", "measure_ids": str(measure.id),
              "status": "planned"},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert "Smarte Straßenbeleuchtung" in page.text and "geplant" in page.text
    assert client.get("/initiativen").text.count("Lichtsensoren in Nippes") == 1


def test_editor_pages_send_anonymous_to_sign_in_and_refuse_members(
    client: TestClient, plan: Database
) -> None:
    for path in ("/initiativen/neu", "/initiativen/import", "/initiativen/dubletten"):
        response = client.get(path, follow_redirects=False)
        assert response.headers["location"].startswith(f"/login?next={path}")
    make_user(plan, "max@example.org")
    login(client, "max@example.org")
    for path in ("/initiativen/neu", "/initiativen/import", "/initiativen/dubletten"):
        assert client.get(path).status_code == 403
