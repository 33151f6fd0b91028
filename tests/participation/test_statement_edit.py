"""Changing a problem statement through its page (issue 10): /fragestellungen/{id}/bearbeiten
(the /fragestellungen/neu form with the current values, linked from the statement's page for
its department's editors) calls the same service as PATCH /api/v1/problem-statements/{id};
the JSON twin shows the change, others are refused, criteria are locked once scored."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from domstadt.core.audit import AuditEntry
from domstadt.core.db import Database
from tests.conftest import csrf_of, login
from tests.participation.conftest import bearer, people
from tests.participation.test_criteria_lock import RULE
from tests.participation.test_pitches import move_to, new_statement, pitch

__all__ = ["people"]


def _fields(client: TestClient, sid: int, **over: str) -> dict[str, str]:
    page = f"/fragestellungen/{sid}/bearbeiten"
    shown = client.get(page)
    assert shown.status_code == 200, shown.text[:500]
    api = client.get(f"/api/v1/problem-statements/{sid}").json()
    return {
        "csrf_token": csrf_of(client, page),
        "title": api["title"],
        "question": api["question"],
        "context": api["context"],
        "deadline": _value(shown.text, "f-deadline"),
        "review_ends": _value(shown.text, "f-review_ends"),
        "criteria": "\n".join(f"{c['name']}; {c['weight']:g}" for c in api["criteria"]),
        "scale_min": str(api["scale_min"]),
        "scale_max": str(api["scale_max"]),
        **over,
    }


def _value(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    tag = html[start : html.index(">", start)]
    return tag.split('value="', 1)[1].split('"', 1)[0]


def _updates(db: Database) -> list[AuditEntry]:
    with db.session() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == "problem_statement.update")
            )
        )


def test_editor_changes_a_statement_through_the_page(
    client: TestClient, people: dict[str, Any], db: Database
) -> None:
    sid = new_statement(client, people["editor"])
    login(client, "erik@stadt.example")
    page = f"/fragestellungen/{sid}/bearbeiten"
    assert f'href="{page}"' in client.get(f"/fragestellungen/{sid}").text
    shown = client.get(page).text
    assert "Fragestellung ändern" in shown and f'action="{page}"' in shown
    assert 'value="Leerstand in Erdgeschossen erkennen"' in shown and "Wirkung; 2" in shown
    saved = client.post(
        page,
        data=_fields(
            client,
            sid,
            title="Leerstand früh erkennen",
            context="Neu: Daten der IHK.",
            criteria="Wirkung; 3\nReife; 1\nDatenschutz; 1,5".replace(",", "."),
            scale_max="5",
        ),
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text[:800]
    assert "Die Fragestellung ist geändert." in client.get(saved.headers["location"]).text
    api = client.get(f"/api/v1/problem-statements/{sid}").json()
    assert api["title"] == "Leerstand früh erkennen" and api["context"] == "Neu: Daten der IHK."
    assert [(c["name"], c["weight"]) for c in api["criteria"]] == [
        ("Wirkung", 3),
        ("Reife", 1),
        ("Datenschutz", 1.5),
    ]
    assert api["scale_max"] == 5 and api["department_code"] == "DIG"
    (entry,) = _updates(db)
    assert entry.before["title"] == "Leerstand in Erdgeschossen erkennen"
    assert entry.after["title"] == "Leerstand früh erkennen"

    bad = client.post(page, data=_fields(client, sid, title="x", context="Bleibt stehen"))
    assert bad.status_code == 422 and "Der Titel braucht 3 bis 300 Zeichen." in bad.text
    assert "Bleibt stehen" in bad.text  # what was typed is kept
    early = _fields(client, sid)
    early["review_ends"] = early["deadline"]
    assert client.post(page, data=early).status_code == 422
    assert client.get(f"/api/v1/problem-statements/{sid}").json()["title"] == (
        "Leerstand früh erkennen"
    )
    assert len(_updates(db)) == 1


def test_the_page_refuses_changed_criteria_once_a_pitch_is_scored(
    client: TestClient, people: dict[str, Any]
) -> None:
    editor = people["editor"]
    sid = new_statement(client, editor)
    pid = pitch(client, people["lena"], sid, people["org_id"]).json()["id"]
    api = f"/api/v1/problem-statements/{sid}"
    assert (
        client.post(
            f"{api}/jurors", json={"email": "jula@example.org"}, headers=bearer(editor)
        ).status_code
        == 204
    )
    move_to(client, editor, sid, "review")
    body = {"scores": [{"criterion": 0, "value": 5}, {"criterion": 1, "value": 6}]}
    r = client.put(f"/api/v1/pitches/{pid}/scores", json=body, headers=bearer(people["jula"]))
    assert r.status_code == 200, r.text
    login(client, "erik@stadt.example")
    page = f"/fragestellungen/{sid}/bearbeiten"
    refused = client.post(
        page, data=_fields(client, sid, title="Neuer Titel", criteria="Wirkung; 1")
    )
    assert refused.status_code == 409
    assert 'id="f-criteria-error"' in refused.text and RULE in refused.text
    assert "Wirkung; 1</textarea>" in refused.text and 'value="Neuer Titel"' in refused.text
    assert client.get(api).json()["title"] == "Leerstand in Erdgeschossen erkennen"
    same = client.post(page, data=_fields(client, sid, title="Neuer Titel"), follow_redirects=False)
    assert same.status_code == 303, same.text[:800]
    assert client.get(api).json()["title"] == "Neuer Titel"


def test_citizens_and_other_departments_are_refused(
    client: TestClient, people: dict[str, Any], db: Database
) -> None:
    sid = new_statement(client, people["editor"])
    page = f"/fragestellungen/{sid}/bearbeiten"
    assert client.get(page, follow_redirects=False).status_code == 303  # sign in first
    for email in ("ayse@example.org", "vera@stadt.example"):
        client.cookies.clear()
        login(client, email)
        assert page not in client.get(f"/fragestellungen/{sid}").text
        assert client.get(page).status_code == 403, email
        token = csrf_of(client, f"/fragestellungen/{sid}")
        refused = client.post(page, data={"csrf_token": token, "title": "Gekapert"})
        assert refused.status_code == 403, email
    assert client.get(f"/api/v1/problem-statements/{sid}").json()["title"] == (
        "Leerstand in Erdgeschossen erkennen"
    )
    assert _updates(db) == []


def _error_of(html: str, field: str) -> str:
    """The text of the problem list shown beside ``field`` ("" without one)."""
    marker = f'id="f-{field}-error">'
    if marker not in html:
        return ""
    start = html.index(marker) + len(marker)
    return html[start : html.index("</ul>", start)]


BROKEN = {
    "title": "x",
    "question": "",
    "context": "Bleibt stehen",
    "deadline": "morgen früh",
    "criteria": "Wirkung; 0",
    "scale_max": "viele",
}
"""Five fields that break their rules at once (the context is fine)."""


def _shows_every_problem(html: str) -> None:
    assert "Der Titel braucht 3 bis 300 Zeichen." in _error_of(html, "title")
    assert "Die Fragestellung braucht 3 bis 10.000 Zeichen." in _error_of(html, "question")
    assert "Bitte Datum und Uhrzeit angeben" in _error_of(html, "deadline")
    assert "Kriterium &#39;Wirkung; 0&#39;" in _error_of(html, "criteria")
    assert "Die Skala liegt zwischen 1 und 100." in _error_of(html, "scale_max")
    assert _error_of(html, "context") == "" and _error_of(html, "review_ends") == ""
    assert 'id="form-error"' in html and html.count('href="#f-') >= 5  # the summary links
    assert 'aria-invalid="true"' in html and html.count('aria-invalid="true"') == 5
    # what was typed stays in the fields
    assert 'value="x"' in html and 'value="morgen früh"' in html and 'value="viele"' in html
    assert "Bleibt stehen</textarea>" in html and "Wirkung; 0</textarea>" in html


def test_the_change_form_shows_every_problem_beside_its_field(
    client: TestClient, people: dict[str, Any], db: Database
) -> None:
    sid = new_statement(client, people["editor"])
    login(client, "erik@stadt.example")
    refused = client.post(f"/fragestellungen/{sid}/bearbeiten", data=_fields(client, sid, **BROKEN))
    assert refused.status_code == 422
    _shows_every_problem(refused.text)
    assert _updates(db) == []  # nothing written
    assert client.get(f"/api/v1/problem-statements/{sid}").json()["context"] != "Bleibt stehen"


def test_the_new_form_shows_every_problem_beside_its_field(
    client: TestClient, people: dict[str, Any], db: Database
) -> None:
    login(client, "erik@stadt.example")
    form = {"csrf_token": csrf_of(client, "/fragestellungen/neu"), "department": "DIG"}
    form |= {"review_ends": "2030-01-01T10:00", **BROKEN}
    refused = client.post("/fragestellungen/neu", data=form)
    assert refused.status_code == 422
    _shows_every_problem(refused.text)
    assert 'value="DIG" selected' in refused.text
    assert client.get("/api/v1/problem-statements").json() == []
