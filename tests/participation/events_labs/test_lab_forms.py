"""The department's lab forms (issue 10): a new lab session or UX test at /labore/neu and a
finding recorded on the session's page; the JSON twin shows what the pages saved, bad input
comes back in German next to its field and writes nothing, citizens are refused."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from starlette.testclient import TestClient

from domstadt.core.audit import AuditEntry
from domstadt.core.db import Database
from tests.conftest import csrf_of, login
from tests.masterplan.conftest import add_measure

SOON = (dt.date.today() + dt.timedelta(days=14)).isoformat()


def _form(client: TestClient, **over: str) -> dict[str, str]:
    return {
        "csrf_token": csrf_of(client, "/labore/neu"),
        "title": "UX-Test Anwohnerparken",
        "kind": "ux_test",
        "department_code": "DIG",
        "service_name": "Anwohnerparkausweis online",
        "measure_id": "",
        "starts_at": f"{SOON}T10:00",
        "place": "Stadthaus Deutz, Raum 12",
        "capacity": "8",
        "tasks": "Beantragen Sie einen Ausweis.\n\nZahlen Sie die Gebühr.",
        "description": "Wir testen den neuen Antrag.",
        **over,
    }


def _actions(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry.action)))


def test_editor_creates_a_lab_session_and_records_a_finding_through_the_pages(
    plan: Database, client: TestClient, people: dict[str, object]
) -> None:
    measure = add_measure(plan, code="DV-03", title="Digitale Parkausweise")
    login(client, "erik@stadt.example")
    assert 'href="/labore/neu"' in client.get("/labore").text
    page = client.get("/labore/neu")
    assert page.status_code == 200 and "DV-03 – Digitale Parkausweise" in page.text
    made = client.post(
        "/labore/neu", data=_form(client, measure_id=str(measure.id)), follow_redirects=False
    )
    assert made.status_code == 303, made.text
    lab_path = made.headers["location"].split("?")[0]
    lab_id = int(lab_path.rsplit("/", 1)[1])
    assert "Der Labortermin ist angelegt." in client.get(made.headers["location"]).text
    api = client.get(f"/api/v1/ux-tests/{lab_id}").json()
    assert api["title"] == "UX-Test Anwohnerparken" and api["capacity"] == 8
    assert api["tasks"] == ["Beantragen Sie einen Ausweis.", "Zahlen Sie die Gebühr."]
    assert api["measure"]["id"] == measure.id and api["department"]["slug"] == "DIG"
    starts = dt.datetime.fromisoformat(api["starts_at"]).astimezone(ZoneInfo("Europe/Berlin"))
    assert starts.strftime("%Y-%m-%dT%H:%M") == f"{SOON}T10:00"  # Cologne time

    shown = client.get(lab_path).text
    assert f'action="{lab_path}/befunde"' in shown and "Befund erfassen" in shown
    token = csrf_of(client, lab_path)
    empty = client.post(f"{lab_path}/befunde", data={"csrf_token": token, "severity": "major"})
    assert empty.status_code == 422 and 'id="fd-text-error"' in empty.text
    assert "Befund: bitte beschreiben" in empty.text
    wrong = client.post(
        f"{lab_path}/befunde",
        data={"csrf_token": token, "severity": "huge", "text": "Knopf zu klein"},
    )
    assert wrong.status_code == 422 and 'id="fd-severity-error"' in wrong.text
    assert "Knopf zu klein" in wrong.text  # kept
    assert client.get(f"/api/v1/ux-tests/{lab_id}").json()["findings"] == []
    saved = client.post(
        f"{lab_path}/befunde",
        data={"csrf_token": token, "severity": "critical", "text": "Die Zahlung bricht ab."},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert "Der Befund ist erfasst." in client.get(saved.headers["location"]).text
    [finding] = client.get(f"/api/v1/ux-tests/{lab_id}").json()["findings"]
    assert (finding["severity"], finding["text"]) == ("critical", "Die Zahlung bricht ab.")
    assert {"lab.create", "lab.finding_add"} <= set(_actions(plan))


def test_bad_lab_input_comes_back_in_german_next_to_the_field(
    plan: Database, client: TestClient, people: dict[str, object]
) -> None:
    login(client, "erik@stadt.example")
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"title": ""}, "f-title-error", "Titel: bitte 1 bis 300 Zeichen."),
        ({"capacity": "0"}, "f-capacity-error", "Plätze: eine ganze Zahl von 1 bis 10.000"),
        ({"capacity": "viele"}, "f-capacity-error", "Plätze:"),
        ({"starts_at": ""}, "f-starts_at-error", "Beginn: bitte Datum und Uhrzeit"),
        ({"starts_at": "2026-13-45T10:00"}, "f-starts_at-error", "Beginn:"),
        ({"service_name": ""}, "f-service_name-error", "Ein Labortermin gehört zu einem Dienst"),
        ({"measure_id": "4711"}, "f-measure_id-error", "Maßnahme 4711 nicht gefunden."),
        ({"department_code": "69"}, "", ""),
    ]
    for change, error_id, message in cases:
        r = client.post("/labore/neu", data=_form(client, **change))
        if not error_id:  # another department's: the service refuses
            assert r.status_code == 403, r.text[:300]
            continue
        assert r.status_code == 422, (change, r.text[:300])
        assert f'id="{error_id}"' in r.text and message in r.text, change
        assert "Wir testen den neuen Antrag." in r.text  # values kept
    both = client.post("/labore/neu", data=_form(client, title="", capacity="0"))
    assert 'id="f-title-error"' in both.text and 'id="f-capacity-error"' in both.text
    assert client.get("/api/v1/ux-tests").json()["items"] == []
    assert "lab.create" not in _actions(plan)


def test_citizens_get_neither_button_nor_form(
    plan: Database, client: TestClient, people: dict[str, object]
) -> None:
    assert client.get("/labore/neu", follow_redirects=False).status_code == 303  # sign in
    login(client, "anna@example.org")
    assert 'href="/labore/neu"' not in client.get("/labore").text
    page = client.get("/labore/neu")
    assert page.status_code == 403 and "Redaktion einer Dienststelle" in page.text
    assert client.post("/labore/neu", data=_form(client)).status_code == 403
    assert client.get("/api/v1/ux-tests").json()["items"] == []

    client.cookies.clear()
    login(client, "erik@stadt.example")
    made = client.post("/labore/neu", data=_form(client), follow_redirects=False)
    lab_path = made.headers["location"].split("?")[0]
    for email in ("anna@example.org", "vera@stadt.example"):  # citizen, other department
        client.cookies.clear()
        login(client, email)
        assert "Befund erfassen" not in client.get(lab_path).text
        refused = client.post(
            f"{lab_path}/befunde",
            data={"csrf_token": csrf_of(client, lab_path), "severity": "minor", "text": "x"},
        )
        assert refused.status_code == 403, email
    lab_id = int(lab_path.rsplit("/", 1)[1])
    assert client.get(f"/api/v1/ux-tests/{lab_id}").json()["findings"] == []
