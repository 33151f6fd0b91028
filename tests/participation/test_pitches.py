"""Problem statements and pitches (issue 10, S3.2): departments post a question, start-ups
pitch with a PDF deck before the deadline, the pitch event (an event with seats and a waiting
list) has slots, and the jury scores with the challenges' rules; pages and API show it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from domstadt.core.audit import AuditEntry
from domstadt.core.db import Database
from tests.conftest import csrf_of, login
from tests.participation.conftest import bearer

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _dates(phase: str) -> dict[str, str]:
    """Deadline and review end that put now into ``phase`` (open, review, results)."""
    now = dt.datetime.now(dt.UTC)
    start = {"open": 0, "review": 1, "results": 2}[phase]
    deadline = now + dt.timedelta(days=5 - 10 * start)
    return {
        "deadline": deadline.isoformat(),
        "review_ends": (deadline + dt.timedelta(days=10)).isoformat(),
    }


def statement_body(phase: str = "open", **extra: Any) -> dict[str, Any]:
    """A valid problem statement of the Stabsstelle Digitalisierung."""
    return {
        "title": "Leerstand in Erdgeschossen erkennen",
        "question": "Wie erkennen wir leerstehende Ladenlokale früh, ohne Personendaten?",
        "context": "Das Amt für Wirtschaftsförderung führt bisher eine Liste von Hand.",
        "department": "DIG",
        "criteria": [{"name": "Wirkung", "weight": 2}, {"name": "Reife", "weight": 1}],
        **_dates(phase),
        **extra,
    }


def new_statement(client: TestClient, editor: str, phase: str = "open") -> int:
    r = client.post(
        "/api/v1/problem-statements", json=statement_body(phase), headers=bearer(editor)
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def move_to(client: TestClient, editor: str, sid: int, phase: str) -> None:
    r = client.patch(
        f"/api/v1/problem-statements/{sid}", json=_dates(phase), headers=bearer(editor)
    )
    assert r.status_code == 200, r.text
    assert r.json()["phase"] == phase


def pitch(
    client: TestClient,
    token: str,
    sid: int,
    org_id: int,
    *,
    title: str = "Leerstandsradar",
    deck: tuple[str, bytes] = ("deck.pdf", PDF),
    **fields: Any,
) -> Any:
    data = {
        "organisation_id": str(org_id),
        "title": title,
        "summary": "Wir zählen Schaufenster-Beleuchtung aus offenen Daten.",
        "video_url": "https://video.example/pitch",
        "team": ["Lena – CEO", "Jan – Technik"],
        **fields,
    }
    return client.post(
        f"/api/v1/problem-statements/{sid}/pitches",
        data=data,
        files={"deck": (deck[0], deck[1], "application/pdf")},
        headers=bearer(token),
    )


def _msg(r: Any) -> str:
    return str(r.json()["error"]["message"])


def _actions(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_department_posts_and_everyone_reads(
    client: TestClient, people: dict[str, Any], db: Database
) -> None:
    sid = new_statement(client, people["editor"])
    listed = client.get("/api/v1/problem-statements").json()
    assert [(s["id"], s["phase"], s["pitches"]) for s in listed] == [(sid, "open", 0)]
    one = client.get(f"/api/v1/problem-statements/{sid}").json()
    assert one["context"].startswith("Das Amt") and one["department_code"] == "DIG"
    assert one["event_id"] is None and one["programme"] == []
    page = client.get(f"/fragestellungen/{sid}")
    assert page.status_code == 200 and "Leerstand in Erdgeschossen" in page.text
    assert "Anmelden, um zu pitchen." in page.text and "Noch kein Pitch-Event." in page.text
    assert "Rangfolge" not in page.text  # no ranking before the review has ended
    assert "problem_statement.create" in _actions(db)
    assert "/fragestellungen" in client.get("/beteiligung").text


def test_only_editors_of_the_department_post(client: TestClient, people: dict[str, Any]) -> None:
    body = statement_body()
    assert client.post("/api/v1/problem-statements", json=body).status_code == 401
    citizen = client.post("/api/v1/problem-statements", json=body, headers=bearer(people["ayse"]))
    assert citizen.status_code == 403
    other = client.post(
        "/api/v1/problem-statements", json=body, headers=bearer(people["other_editor"])
    )
    assert other.status_code == 403
    sid = new_statement(client, people["editor"])
    patch = client.patch(
        f"/api/v1/problem-statements/{sid}",
        json={"title": "Fremd"},
        headers=bearer(people["other_editor"]),
    )
    assert patch.status_code == 403
    bad = client.post(
        "/api/v1/problem-statements",
        json=statement_body(review_ends=statement_body()["deadline"]),
        headers=bearer(people["editor"]),
    )
    assert bad.status_code == 422 and "Einreichungsfrist" in _msg(bad)
    assert len(client.get("/api/v1/problem-statements").json()) == 1


def test_a_member_pitches_with_a_pdf_deck(
    client: TestClient, people: dict[str, Any], db: Database
) -> None:
    sid = new_statement(client, people["editor"])
    r = pitch(client, people["lena"], sid, people["org_id"])
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["organisation_name"] == "Domblick UG" and made["team"] == [
        "Lena – CEO",
        "Jan – Technik",
    ]
    assert made["deck_filename"] == "deck.pdf" and made["deck_size"] == len(PDF)
    assert client.get(f"/api/v1/problem-statements/{sid}").json()["pitches"] == 1
    # the organisation's members read their pitch and deck; others do not
    assert (
        client.get(f"/api/v1/pitches/{made['id']}", headers=bearer(people["jan"])).status_code
        == 200
    )
    deck = client.get(made["deck_url"], headers=bearer(people["lena"]))
    assert deck.status_code == 200 and deck.content == PDF
    assert "attachment" in deck.headers["content-disposition"]
    assert client.get(made["deck_url"], headers=bearer(people["tom"])).status_code == 403
    assert client.get(made["deck_url"]).status_code in {401, 303}
    assert "pitch.create" in _actions(db)


def test_bad_pitches_are_refused_and_nothing_is_stored(
    client: TestClient, people: dict[str, Any]
) -> None:
    sid = new_statement(client, people["editor"])
    org = people["org_id"]
    png = pitch(client, people["lena"], sid, org, deck=("deck.png", PNG))
    assert png.status_code == 422 and "PDF" in _msg(png)
    fake = pitch(client, people["lena"], sid, org, deck=("deck.pdf", PNG))
    assert fake.status_code == 422 and "keine PDF-Datei" in _msg(fake)
    big = pitch(
        client, people["lena"], sid, org, deck=("deck.pdf", PDF + b"0" * (10 * 1024 * 1024))
    )
    assert big.status_code in {413, 422}  # the request body limit may answer first
    video = pitch(client, people["lena"], sid, org, video_url="javascript:alert(1)")
    assert video.status_code == 422 and "Videolink" in _msg(video)
    no_team = pitch(client, people["lena"], sid, org, team=[" "])
    assert no_team.status_code == 422 and "Teammitglied" in _msg(no_team)
    stranger = pitch(client, people["ayse"], sid, org)
    assert stranger.status_code == 403 and "nicht Mitglied" in _msg(stranger)
    anonymous = client.post(
        f"/api/v1/problem-statements/{sid}/pitches",
        data={"organisation_id": str(org), "title": "Anonym", "team": ["X"]},
        files={"deck": ("deck.pdf", PDF, "application/pdf")},
    )
    assert anonymous.status_code == 401
    assert client.get(f"/api/v1/problem-statements/{sid}").json()["pitches"] == 0
    assert pitch(client, people["lena"], sid, org).status_code == 201
    twice = pitch(client, people["jan"], sid, org, title="Nochmal")
    assert twice.status_code == 409 and "schon einen Pitch" in _msg(twice)
    move_to(client, people["editor"], sid, "review")
    late = pitch(client, people["jan"], sid, org)
    assert late.status_code == 409 and "Einreichungsfrist" in _msg(late)
    assert client.get(f"/api/v1/problem-statements/{sid}").json()["pitches"] == 1


def _event(client: TestClient, editor: str, sid: int, **extra: Any) -> Any:
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=20)
    body = {
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=2)).isoformat(),
        "place": "Startplatz, Mediapark",
        "capacity": 1,
        "pitch_slots": 3,
        "slot_minutes": 15,
        **extra,
    }
    return client.post(f"/api/v1/problem-statements/{sid}/event", json=body, headers=bearer(editor))


def test_pitch_event_with_seats_waiting_list_and_slots(
    client: TestClient, people: dict[str, Any], db: Database
) -> None:
    sid = new_statement(client, people["editor"])
    too_short = _event(client, people["editor"], sid, pitch_slots=20)
    assert too_short.status_code == 422 and "Slots" in _msg(too_short)
    other = _event(client, people["other_editor"], sid)
    assert other.status_code == 403
    made = _event(client, people["editor"], sid)
    assert made.status_code == 201, made.text
    event_id = made.json()["event_id"]
    assert _event(client, people["editor"], sid).status_code == 409
    listed = client.get("/api/v1/events", params={"kind": "pitch_event"}).json()
    assert [e["id"] for e in listed["items"]] == [event_id]
    feed = client.get("/veranstaltungen.ics").text.replace("\r\n ", "")
    assert "SUMMARY:Pitch-Event: Leerstand in Erdgeschossen erkennen" in feed
    seat = client.post(f"/api/v1/events/{event_id}/registrations", headers=bearer(people["ayse"]))
    wait = client.post(f"/api/v1/events/{event_id}/registrations", headers=bearer(people["tom"]))
    assert seat.json()["status"] == "confirmed" and wait.json()["status"] == "waiting"
    page = client.get(f"/fragestellungen/{sid}")
    assert "Startplatz" in page.text and "1 / 1" in page.text

    pid = pitch(client, people["lena"], sid, people["org_id"]).json()["id"]
    citizen = client.post(
        f"/api/v1/pitches/{pid}/slot", json={"slot": 1}, headers=bearer(people["tom"])
    )
    assert citizen.status_code == 403
    no_slot = client.post(
        f"/api/v1/pitches/{pid}/slot", json={"slot": 4}, headers=bearer(people["editor"])
    )
    assert no_slot.status_code == 422 and "1 bis 3" in _msg(no_slot)
    invited = client.post(
        f"/api/v1/pitches/{pid}/slot", json={"slot": 2}, headers=bearer(people["editor"])
    )
    assert invited.status_code == 200 and invited.json()["status"] == "invited"
    programme = client.get(f"/api/v1/problem-statements/{sid}").json()["programme"]
    start = dt.datetime.fromisoformat(client.get(f"/api/v1/events/{event_id}").json()["starts_at"])
    assert [(p["slot"], p["pitch_id"]) for p in programme] == [(2, pid)]
    assert dt.datetime.fromisoformat(programme[0]["starts_at"]) == start + dt.timedelta(minutes=15)
    actions = _actions(db)
    assert "problem_statement.pitch_event" in actions and "event.create" in actions
    assert "pitch.invite" in actions


def test_jury_scores_hidden_until_review_ends(
    client: TestClient, people: dict[str, Any], db: Database
) -> None:
    editor = people["editor"]
    sid = new_statement(client, editor)
    for who in ("jan", "jula"):
        email = {"jan": "jan@startup.example", "jula": "jula@example.org"}[who]
        r = client.post(
            f"/api/v1/problem-statements/{sid}/jurors",
            json={"email": email},
            headers=bearer(editor),
        )
        assert r.status_code == 204
    pid = pitch(client, people["lena"], sid, people["org_id"]).json()["id"]
    sheet = {"scores": [{"criterion": 0, "value": 8}, {"criterion": 1, "value": 6}]}
    early = client.put(f"/api/v1/pitches/{pid}/scores", json=sheet, headers=bearer(people["jula"]))
    assert early.status_code == 409 and "Einreichungsfrist" in _msg(early)
    move_to(client, editor, sid, "review")
    # the department and the jury read the list; a citizen and another department do not
    assert (
        client.get(f"/api/v1/problem-statements/{sid}/pitches", headers=bearer(editor)).status_code
        == 200
    )
    for who in ("tom", "other_editor"):
        r = client.get(f"/api/v1/problem-statements/{sid}/pitches", headers=bearer(people[who]))
        assert r.status_code == 403 and "Jury" in _msg(r)
    assert client.get(f"/api/v1/problem-statements/{sid}/pitches").status_code == 401
    own_org = client.put(f"/api/v1/pitches/{pid}/scores", json=sheet, headers=bearer(people["jan"]))
    assert own_org.status_code == 409 and "Befangenheit" in _msg(own_org)
    outside = client.put(
        f"/api/v1/pitches/{pid}/scores",
        json={"scores": [{"criterion": 0, "value": 11}]},
        headers=bearer(people["jula"]),
    )
    assert outside.status_code == 422 and "zwischen 0 und 10" in _msg(outside)
    not_juror = client.put(
        f"/api/v1/pitches/{pid}/scores", json=sheet, headers=bearer(people["tom"])
    )
    assert not_juror.status_code == 403
    ok = client.put(f"/api/v1/pitches/{pid}/scores", json=sheet, headers=bearer(people["jula"]))
    assert ok.status_code == 200 and ok.json() == {"written": 2}
    hidden = client.get(f"/api/v1/problem-statements/{sid}/results").json()
    assert hidden["jury_visible"] is False and hidden["rows"] == []
    move_to(client, editor, sid, "results")
    shown = client.get(f"/api/v1/problem-statements/{sid}/results").json()
    assert shown["rows"][0]["jury_score"] == round((2 * 8 + 6) / 3, 3)
    decided = client.post(
        f"/api/v1/pitches/{pid}/decision", json={"status": "selected"}, headers=bearer(editor)
    )
    assert decided.status_code == 200 and decided.json()["status"] == "selected"
    assert {"pitch.score", "pitch.decide", "problem_statement.juror_assign"} <= set(_actions(db))


def test_openapi_documents_the_api(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/problem-statements" in paths
    assert "post" in paths["/api/v1/problem-statements/{statement_id}/pitches"]


def test_pages_staff_form_pitch_form_and_deck(client: TestClient, people: dict[str, Any]) -> None:
    assert client.get("/fragestellungen/neu", follow_redirects=False).status_code == 303
    login(client, "erik@stadt.example")
    token = csrf_of(client, "/fragestellungen/neu")
    form = {
        "csrf_token": token,
        "title": "Freie Ladesäulen vorhersagen",
        "department": "DIG",
        "question": "Wie sagen wir freie Ladesäulen für die nächste Stunde voraus?",
        "context": "Die Ladesäulen melden ihren Zustand alle fünf Minuten.",
        "deadline": (dt.datetime.now() + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        "review_ends": (dt.datetime.now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "criteria": "Wirkung; 2\nMachbarkeit; 1",
    }
    bad = client.post("/fragestellungen/neu", data=form)
    assert bad.status_code == 422 and "nach der Einreichungsfrist" in bad.text
    assert "Freie Ladesäulen vorhersagen" in bad.text  # the form keeps what was typed
    form["review_ends"] = (dt.datetime.now() + dt.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M")
    made = client.post("/fragestellungen/neu", data=form, follow_redirects=False)
    assert made.status_code == 303, made.text
    url = made.headers["location"]
    sid = int(url.rsplit("/", 1)[1])
    assert client.get("/fragestellungen").text.count("Freie Ladesäulen vorhersagen") == 1

    client.cookies.clear()
    login(client, "lena@startup.example")
    token = csrf_of(client, url)
    fields = {
        "csrf_token": token,
        "organisation_id": str(people["org_id"]),
        "title": "Ladeprognose <b>live</b>",
        "team": "Lena – CEO\nJan – Daten",
        "video_url": "https://video.example/lade",
    }
    png = client.post(
        f"/fragestellungen/{sid}/pitchen", data=fields, files={"deck": ("d.png", PNG, "image/png")}
    )
    assert png.status_code == 422 and "PDF-Datei" in png.text
    ok = client.post(
        f"/fragestellungen/{sid}/pitchen",
        data=fields,
        files={"deck": ("d.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert ok.status_code == 303, ok.text
    assert "Ihr Pitch ist eingereicht." in client.get(ok.headers["location"]).text

    client.cookies.clear()
    login(client, "erik@stadt.example")
    page = client.get(url)
    assert (
        "Ladeprognose &lt;b&gt;live&lt;/b&gt;" in page.text
        and "Lena – CEO, Jan – Daten" in page.text
    )
    pitches = client.get(
        f"/api/v1/problem-statements/{sid}/pitches", headers=bearer(people["editor"])
    ).json()
    deck = client.get(pitches[0]["deck_url"])
    assert deck.status_code == 200 and deck.content == PDF
    assert deck.headers["content-type"] == "application/pdf"
    assert "sandbox" in deck.headers["content-security-policy"]
