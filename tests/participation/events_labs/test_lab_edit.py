"""Changing a lab session (issue 10): the department's editors change it at
/labore/{id}/bearbeiten (linked from the session page) or with PATCH /api/v1/ux-tests/{id};
the JSON twin shows the change, seats may not drop below the confirmed sign-ups, the start may
not move into the past, others are refused; audited with before and after."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from domstadt.core.audit import AuditEntry
from domstadt.core.db import Database
from tests.conftest import csrf_of, login
from tests.participation.events_labs.conftest import bearer

SOON = (dt.date.today() + dt.timedelta(days=14)).isoformat()
LATER = (dt.date.today() + dt.timedelta(days=21)).isoformat()
PAST = (dt.date.today() - dt.timedelta(days=2)).isoformat()


def _new_lab(client: TestClient, db: Database, capacity: int | None = 3) -> int:
    body: dict[str, Any] = {
        "title": "UX-Test Anwohnerparken",
        "department_code": "DIG",
        "service_name": "Anwohnerparkausweis online",
        "starts_at": f"{SOON}T10:00",
        "place": "Stadthaus Deutz",
        "capacity": capacity,
        "tasks": ["Beantragen Sie einen Ausweis."],
    }
    r = client.post("/api/v1/ux-tests", json=body, headers=bearer(db, "erik@stadt.example"))
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _updates(db: Database) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "lab.update")))


def _edit_fields(client: TestClient, lab_id: int, **over: str) -> dict[str, str]:
    page = f"/labore/{lab_id}/bearbeiten"
    return {
        "csrf_token": csrf_of(client, page),
        "title": "UX-Test Anwohnerparken",
        "kind": "ux_test",
        "service_name": "Anwohnerparkausweis online",
        "measure_id": "",
        "starts_at": f"{SOON}T10:00",
        "place": "Stadthaus Deutz",
        "capacity": "3",
        "tasks": "Beantragen Sie einen Ausweis.",
        "description": "",
        **over,
    }


def test_editor_changes_a_session_through_the_page(
    plan: Database, client: TestClient, people: dict[str, object]
) -> None:
    lab_id = _new_lab(client, plan)
    login(client, "erik@stadt.example")
    page = f"/labore/{lab_id}/bearbeiten"
    assert f'href="{page}"' in client.get(f"/labore/{lab_id}").text
    shown = client.get(page)
    assert shown.status_code == 200 and "Labortermin ändern" in shown.text
    assert 'value="UX-Test Anwohnerparken"' in shown.text and f'value="{SOON}T10:00"' in shown.text
    assert f'action="{page}"' in shown.text and "Änderungen speichern" in shown.text
    saved = client.post(
        page,
        data=_edit_fields(
            client,
            lab_id,
            title="UX-Test Bewohnerparken",
            starts_at=f"{LATER}T14:30",
            capacity="",
            tasks="Ausweis beantragen\nGebühr zahlen",
        ),
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    assert "Der Labortermin ist geändert." in client.get(saved.headers["location"]).text
    api = client.get(f"/api/v1/ux-tests/{lab_id}").json()
    assert api["title"] == "UX-Test Bewohnerparken" and api["capacity"] is None
    assert api["tasks"] == ["Ausweis beantragen", "Gebühr zahlen"]
    assert api["department"]["slug"] == "DIG"
    (entry,) = _updates(plan)
    assert entry.before["title"] == "UX-Test Anwohnerparken" and entry.before["capacity"] == 3
    assert entry.after["title"] == "UX-Test Bewohnerparken" and entry.after["capacity"] is None

    past = client.post(page, data=_edit_fields(client, lab_id, starts_at=f"{PAST}T10:00"))
    assert past.status_code == 422 and 'id="f-starts_at-error"' in past.text
    assert "nicht in der Vergangenheit" in past.text
    blank = client.post(page, data=_edit_fields(client, lab_id, title="", place="Ort X"))
    assert blank.status_code == 422 and 'id="f-title-error"' in blank.text
    assert 'value="Ort X"' in blank.text  # what was typed is kept
    assert client.get(f"/api/v1/ux-tests/{lab_id}").json()["title"] == "UX-Test Bewohnerparken"
    assert len(_updates(plan)) == 1


def test_seats_may_not_drop_below_the_confirmed_sign_ups(
    plan: Database, client: TestClient, people: dict[str, object]
) -> None:
    lab_id = _new_lab(client, plan, capacity=2)
    api = f"/api/v1/ux-tests/{lab_id}"
    for name in ("anna", "ben", "cem"):  # two seats, cem waits
        r = client.post(f"{api}/signups", headers=bearer(plan, f"{name}@example.org"))
        assert r.status_code == 201, r.text
    editor = bearer(plan, "erik@stadt.example")
    refused = client.patch(api, json={"capacity": 1}, headers=editor)
    assert refused.status_code == 422
    message = refused.json()["error"]["message"]
    assert "2 Personen sind schon fest angemeldet" in message and "nicht unter 2" in message
    assert client.get(api).json()["capacity"] == 2

    login(client, "erik@stadt.example")
    page = client.post(
        f"/labore/{lab_id}/bearbeiten", data=_edit_fields(client, lab_id, capacity="1")
    )
    assert page.status_code == 422 and 'id="f-capacity-error"' in page.text
    assert "nicht unter 2" in page.text

    more = client.patch(api, json={"capacity": 3, "place": "Raum 12"}, headers=editor)
    assert more.status_code == 200, more.text
    assert (more.json()["registered"], more.json()["waiting"]) == (3, 0)  # cem moved up
    assert more.json()["place"] == "Raum 12" and more.json()["title"] == "UX-Test Anwohnerparken"
    (entry,) = _updates(plan)
    assert entry.before["capacity"] == 2 and entry.after["capacity"] == 3
    assert len(entry.after["moved_up"]) == 1


def test_others_are_refused_and_bad_api_input_is_named(
    plan: Database, client: TestClient, people: dict[str, object]
) -> None:
    lab_id = _new_lab(client, plan)
    api = f"/api/v1/ux-tests/{lab_id}"
    for email in ("anna@example.org", "vera@stadt.example"):  # citizen, other department
        r = client.patch(api, json={"title": "Gekapert"}, headers=bearer(plan, email))
        assert r.status_code == 403, (email, r.text)
    assert client.patch(api, json={"title": "Gekapert"}).status_code == 401
    editor = bearer(plan, "erik@stadt.example")
    past = client.patch(api, json={"starts_at": f"{PAST}T10:00:00+01:00"}, headers=editor)
    assert past.status_code == 422 and "Vergangenheit" in past.text
    both_gone = client.patch(api, json={"service_name": ""}, headers=editor)
    assert both_gone.status_code == 422 and "Dienst" in both_gone.text
    assert client.patch(api, json={"department_code": "69"}, headers=editor).status_code == 422
    assert client.patch(api, json={"title": None}, headers=editor).status_code == 422
    assert client.patch("/api/v1/ux-tests/99999", json={}, headers=editor).status_code == 404
    assert client.get(api).json()["title"] == "UX-Test Anwohnerparken"

    login(client, "anna@example.org")
    assert "/bearbeiten" not in client.get(f"/labore/{lab_id}").text
    assert client.get(f"/labore/{lab_id}/bearbeiten").status_code == 403
    refused = client.post(f"/labore/{lab_id}/bearbeiten", data=_edit_fields(client, lab_id))
    assert refused.status_code == 403
    assert _updates(plan) == []
