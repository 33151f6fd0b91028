"""The measure pages as a person meets them: list with filters, measure page with progress,
timeline, KPI chart data and readable history, and the editor form with CSRF."""

from __future__ import annotations

from starlette.testclient import TestClient

from domstadt.core.auth.models import Role
from domstadt.core.db import Database
from tests.conftest import csrf_of, login, make_token, make_user
from tests.masterplan.conftest import add_measure


def test_list_page_filters_and_links(client: TestClient, plan: Database) -> None:
    add_measure(plan, code="DV-1", title="E-Akte für alle Ämter", summary="Papierlos arbeiten.")
    add_measure(
        plan,
        code="SC-1",
        title="Parksensoren Ehrenfeld",
        lead_department="69",
        fields=["smart-city"],
    )
    page = client.get("/massnahmen?field=smart-city")
    assert page.status_code == 200
    assert "Parksensoren Ehrenfeld" in page.text and "E-Akte" not in page.text
    assert "<strong>1</strong> Maßnahmen gefunden" in page.text
    assert 'href="/api/v1/measures?field=smart-city"' in page.text
    searched = client.get("/massnahmen?q=papierlos")
    assert "E-Akte für alle Ämter" in searched.text and "Parksensoren" not in searched.text
    bad = client.get("/massnahmen?status=fertig")
    assert bad.status_code == 200 and "Ungültiger Filter ignoriert" in bad.text
    assert 'href="/massnahmen"' in client.get("/masterplan").text


def test_measure_page_shows_progress_timeline_kpis_and_history(
    client: TestClient, plan: Database
) -> None:
    m = add_measure(
        plan,
        code="DV-1",
        title="Digitaler Bauantrag",
        status="in_implementation",
        planned_start="2025-01-01",
        planned_end="2026-06-30",
        milestones=[
            {"title": "Start Pilotamt", "planned_date": "2025-03-01", "actual_date": "2025-03-15"}
        ],
        kpis=[
            {
                "name": "Digitale Anträge",
                "unit": "%",
                "target": 90,
                "values": [{"date": "2025-06-30", "value": 54, "source": "Amt 63"}],
            }
        ],
        description="Anträge werden digital eingereicht.",
    )
    make_user(plan, "ada@example.org", Role.ADMIN)
    token = make_token(plan, "ada@example.org")
    client.patch(
        f"/api/v1/measures/{m.id}",
        headers={"Authorization": f"Bearer {token}"},
        json={"description": "Anträge werden digital eingereicht und parallel geprüft."},
    )
    page = client.get(f"/massnahmen/{m.id}").text
    assert '<progress max="100" value="50"' in page
    assert "Start Pilotamt" in page and "15.03.2025" in page and "30.06.2026" in page
    assert "data-charts=" in page and "Digitale Anträge" in page
    assert '<script src="/static/masterplan/measure.js" defer></script>' in page
    assert "<script>" not in page
    assert "<del>eingereicht.</del><ins>eingereicht und parallel geprüft.</ins>" in page
    assert "Änderung Nr. 2" in page and "Beschreibung" in page
    assert client.get("/static/masterplan/measure.js").status_code == 200


def test_editor_creates_and_edits_through_the_form(client: TestClient, plan: Database) -> None:
    make_user(plan, "erik@stadt-koeln.example", Role.EDITOR, department_code="DIG")
    login(client, "erik@stadt-koeln.example")
    token = csrf_of(client, "/massnahmen/neu")
    form = {
        "csrf_token": token,
        "code": "DV-9",
        "title": "Chatbot Bürgerbüro",
        "lead_department": "DIG",
        "fields": "digitale-verwaltung",
        "status": "planned",
        "priority": "high",
        "rollout_stage": "idea",
        "ms-0-planned": "2026-01-31",
        "ms-0-title": "Ausschreibung",
    }
    response = client.post("/massnahmen/neu", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    url, _, query = response.headers["location"].partition("?")
    assert query == "gespeichert=1"
    page = client.get(url).text
    assert "Chatbot Bürgerbüro" in page and "Ausschreibung" in page and 'value="5"' in page

    edit = client.get(url + "/bearbeiten").text
    assert 'value="DV-9"' in edit
    bad = client.post(url + "/bearbeiten", data={**form, "progress": "120", "progress_before": "5"})
    assert bad.status_code == 422
    assert "Nicht gespeichert." in bad.text and "zwischen 0 und 100" in bad.text
    assert 'value="Chatbot Bürgerbüro"' in bad.text  # the input is kept
    no_csrf = client.post(url + "/bearbeiten", data={**form, "csrf_token": "x"})
    assert no_csrf.status_code == 403
    ok = client.post(
        url + "/bearbeiten",
        data={**form, "status": "in_preparation", "progress": "5", "progress_before": "5"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert client.get("/api/v1" + url.replace("/massnahmen", "/measures")).json()["progress"] == 15


def test_member_cannot_open_the_editor(client: TestClient, plan: Database) -> None:
    make_user(plan, "lena@example.org", Role.MEMBER)
    login(client, "lena@example.org")
    assert client.get("/massnahmen/neu").status_code == 403


def test_pages_switch_to_english(client: TestClient, plan: Database) -> None:
    m = add_measure(plan, code="DV-1", title="E-Akte", status="paused")
    page = client.get(f"/massnahmen/{m.id}?lang=en").text
    assert "Paused" in page and "Lead department" in page
    assert "Pausiert" in client.get(f"/massnahmen/{m.id}?lang=de").text
