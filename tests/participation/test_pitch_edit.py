"""The pitcher changes or withdraws their own pitch before the deadline (issue 10, S3.2), and
the department assigns jurors and decides on pitches with forms on the statement's page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from domstadt.core.audit import AuditEntry
from domstadt.core.db import Database
from tests.conftest import csrf_of, login
from tests.participation.conftest import bearer, people
from tests.participation.test_pitches import PDF, PNG, move_to, new_statement, pitch

__all__ = ["people"]


def _actions(db: Database) -> set[str]:
    with db.session() as session:
        return set(session.scalars(select(AuditEntry.action)))


def _edit(
    client: TestClient, pid: int, deck: tuple[str, bytes] | None = None, **fields: str
) -> Any:
    url = f"/fragestellungen/pitches/{pid}/bearbeiten"
    data = {
        "csrf_token": csrf_of(client, url),
        "title": "Leerstandsradar 2",
        "summary": "Jetzt mit Beleuchtungsdaten der Stadtwerke.",
        "video_url": "https://video.example/neu",
        "team": "Lena – CEO\nJan – Technik\nAyla – Design",
        **fields,
    }
    files = {"deck": (deck[0], deck[1], "application/pdf")} if deck else None
    return client.post(url, data=data, files=files, follow_redirects=False)


def test_pitcher_changes_the_pitch_and_its_deck_with_the_form(
    client: TestClient, people: dict[str, Any], db: Database
) -> None:
    sid = new_statement(client, people["editor"])
    pid = pitch(client, people["lena"], sid, people["org_id"]).json()["id"]
    login(client, "jan@startup.example")  # a member of the same start-up
    page = client.get(f"/fragestellungen/{sid}").text
    assert "Der Pitch Ihrer Organisation" in page
    assert f'href="/fragestellungen/pitches/{pid}/bearbeiten"' in page
    form = client.get(f"/fragestellungen/pitches/{pid}/bearbeiten").text
    assert 'value="Leerstandsradar"' in form and "Lena – CEO\nJan – Technik" in form
    bad_video = _edit(client, pid, video_url="video.example")
    assert bad_video.status_code == 422 and "Videolink muss eine Webadresse sein" in bad_video.text
    assert 'value="video.example"' in bad_video.text  # what was typed stays in the form
    no_team = _edit(client, pid, team=" \n ")
    assert no_team.status_code == 422 and "Teammitglieder" in no_team.text
    not_pdf = _edit(client, pid, deck=("neu.pdf", PNG))
    assert not_pdf.status_code == 422 and "keine PDF-Datei" in not_pdf.text
    assert client.get(f"/api/v1/pitches/{pid}").json()["title"] == "Leerstandsradar"
    done = _edit(client, pid, deck=("deck-v2.pdf", PDF + b"%v2"))
    assert done.status_code == 303 and "hinweis=changed" in done.headers["location"]
    assert "Ihr Pitch ist geändert." in client.get(done.headers["location"]).text
    now = client.get(f"/api/v1/pitches/{pid}").json()
    assert now["title"] == "Leerstandsradar 2" and now["deck_filename"] == "deck-v2.pdf"
    assert now["team"] == ["Lena – CEO", "Jan – Technik", "Ayla – Design"]
    assert client.get(now["deck_url"]).content.endswith(b"%v2")
    assert "pitch.update" in _actions(db)


def test_pitcher_withdraws_and_may_pitch_again(
    client: TestClient, people: dict[str, Any], db: Database
) -> None:
    sid = new_statement(client, people["editor"])
    pid = pitch(client, people["lena"], sid, people["org_id"]).json()["id"]
    login(client, "ayse@example.org")  # not a member
    refused = client.post(
        f"/fragestellungen/pitches/{pid}/zurueckziehen",
        data={"csrf_token": csrf_of(client, f"/fragestellungen/{sid}")},
        follow_redirects=False,
    )
    assert refused.status_code == 403 and "Mitglieder der Organisation" in refused.text
    login(client, "lena@startup.example")
    gone = client.post(
        f"/fragestellungen/pitches/{pid}/zurueckziehen",
        data={"csrf_token": csrf_of(client, f"/fragestellungen/pitches/{pid}/bearbeiten")},
        follow_redirects=False,
    )
    assert gone.status_code == 303
    assert "Ihr Pitch ist zurückgezogen." in client.get(gone.headers["location"]).text
    assert client.get(f"/api/v1/pitches/{pid}", headers=bearer(people["editor"])).status_code == 404
    assert "pitch.withdraw" in _actions(db)
    again = pitch(client, people["lena"], sid, people["org_id"], title="Neuer Anlauf")
    assert again.status_code == 201, again.text


def test_after_the_deadline_nothing_changes(client: TestClient, people: dict[str, Any]) -> None:
    sid = new_statement(client, people["editor"])
    pid = pitch(client, people["lena"], sid, people["org_id"]).json()["id"]
    login(client, "lena@startup.example")
    url = f"/fragestellungen/pitches/{pid}/bearbeiten"
    token = csrf_of(client, url)
    move_to(client, people["editor"], sid, "review")
    assert "nur bis zur Einreichungsfrist" in client.get(url).text  # no form any more
    late = client.post(
        url,
        data={"csrf_token": token, "title": "Zu spät", "team": "Lena"},
        follow_redirects=False,
    )
    assert late.status_code == 409 and "nicht mehr geändert oder zurückgezogen" in late.text
    withdraw = client.delete(f"/api/v1/pitches/{pid}", headers=bearer(people["lena"]))
    assert withdraw.status_code == 409
    assert client.get(f"/api/v1/pitches/{pid}", headers=bearer(people["lena"])).status_code == 200


def test_pitch_api_twins_change_replace_deck_and_withdraw(
    client: TestClient, people: dict[str, Any]
) -> None:
    sid = new_statement(client, people["editor"])
    pid = pitch(client, people["lena"], sid, people["org_id"]).json()["id"]
    anonymous = client.patch(f"/api/v1/pitches/{pid}", json={"title": "x"})
    assert anonymous.status_code == 401
    outsider = client.patch(
        f"/api/v1/pitches/{pid}", json={"title": "Fremd"}, headers=bearer(people["tom"])
    )
    assert outsider.status_code == 403
    unknown = client.patch(
        f"/api/v1/pitches/{pid}", json={"titel": "Tippfehler"}, headers=bearer(people["lena"])
    )
    assert unknown.status_code == 422
    changed = client.patch(
        f"/api/v1/pitches/{pid}", json={"summary": "Kürzer."}, headers=bearer(people["jan"])
    )
    assert changed.status_code == 200 and changed.json()["summary"] == "Kürzer."
    assert changed.json()["title"] == "Leerstandsradar"  # untouched
    deck = client.put(
        f"/api/v1/pitches/{pid}/deck",
        files={"deck": ("v3.pdf", PDF, "application/pdf")},
        headers=bearer(people["lena"]),
    )
    assert deck.status_code == 200 and deck.json()["deck_filename"] == "v3.pdf"
    png = client.put(
        f"/api/v1/pitches/{pid}/deck",
        files={"deck": ("v4.pdf", PNG, "application/pdf")},
        headers=bearer(people["lena"]),
    )
    assert png.status_code == 422
    gone = client.delete(f"/api/v1/pitches/{pid}", headers=bearer(people["lena"]))
    assert gone.status_code == 204


def test_department_assigns_jurors_and_decides_with_forms(
    client: TestClient, people: dict[str, Any], db: Database
) -> None:
    sid = new_statement(client, people["editor"])
    pid = pitch(client, people["lena"], sid, people["org_id"]).json()["id"]
    page = f"/fragestellungen/{sid}"
    login(client, "erik@stadt.example")
    added = client.post(
        f"{page}/jury",
        data={"csrf_token": csrf_of(client, page), "email": "jula@example.org"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    shown = client.get(added.headers["location"]).text
    assert "Die Person gehört jetzt zur Jury." in shown and "Jula Jurorin" in shown
    again = client.post(
        f"{page}/jury",
        data={"csrf_token": csrf_of(client, page), "email": "jula@example.org"},
        follow_redirects=False,
    )
    assert again.status_code == 409 and "gehört schon zur Jury dieser Fragestellung" in again.text
    assert f'action="/fragestellungen/pitches/{pid}/entscheidung"' not in shown  # still open
    move_to(client, people["editor"], sid, "review")
    shown = client.get(page).text
    assert f'action="/fragestellungen/pitches/{pid}/entscheidung"' in shown
    bad = client.post(
        f"/fragestellungen/pitches/{pid}/entscheidung",
        data={"csrf_token": csrf_of(client, page), "status": "invited"},
        follow_redirects=False,
    )
    assert bad.status_code == 422 and "ausgewählt oder nicht ausgewählt" in bad.text
    decided = client.post(
        f"/fragestellungen/pitches/{pid}/entscheidung",
        data={"csrf_token": csrf_of(client, page), "status": "selected"},
        follow_redirects=False,
    )
    assert decided.status_code == 303
    assert "Die Entscheidung ist gespeichert." in client.get(decided.headers["location"]).text
    assert client.get(f"/api/v1/pitches/{pid}").json()["status"] == "selected"
    assert {"problem_statement.juror_assign", "pitch.decide"} <= _actions(db)
    login(client, "tom@example.org")
    refused = client.post(
        f"/fragestellungen/pitches/{pid}/entscheidung",
        data={"csrf_token": csrf_of(client, page), "status": "not_selected"},
        follow_redirects=False,
    )
    assert refused.status_code == 403
