"""The demo's problem statement: two pitches with real PDF decks, scored by the jury and
invited into slots of a pitch event in the calendar; a second run adds nothing."""

from __future__ import annotations

from starlette.testclient import TestClient

from domstadt.core.auth.models import Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.demo import core, masterplan, pitches
from domstadt.participation.pitches.deck import checked_deck
from tests.conftest import make_token, make_user


def test_demo_pitches(client: TestClient, db: Database) -> None:
    actor = system_actor("demo")
    with db.session() as session:
        core.load(session, actor)
        masterplan.load(session, actor)
        first = pitches.load(session, actor)
    with db.session() as session:
        second = pitches.load(session, actor)
    assert first == {"problem_statements": 1, "pitches": 2}
    assert second == {"problem_statements": 0, "pitches": 0}
    listed = client.get("/api/v1/problem-statements").json()
    assert [(s["title"], s["phase"], s["pitches"]) for s in listed] == [
        (pitches.TITLE, "review", 2)
    ]
    one = client.get(listed[0]["url"].replace("/fragestellungen", "/api/v1/problem-statements"))
    body = one.json()
    assert [p["slot"] for p in body["programme"]] == [1, 2]
    event = client.get(f"/api/v1/events/{body['event_id']}").json()
    assert event["kind"] == "pitch_event" and event["capacity"] == 40
    page = client.get(listed[0]["url"]).text
    assert "Leerstandsradar aus offenen Daten" in page and "Startplatz" in page


def test_demo_deck_is_a_pdf() -> None:
    deck = pitches.deck_pdf("Zwischennutzung (per Klick)")
    assert checked_deck("pitch-deck.pdf", deck) == "pitch-deck.pdf"
    assert deck.endswith(b"%%EOF\n") and b"/Type /Page " in deck


def test_a_hidden_pitch_leaves_the_programme_and_the_ranking(
    client: TestClient, db: Database
) -> None:
    """Pitch titles are public in the programme: moderators can hide them like any user text."""
    actor = system_actor("demo")
    with db.session() as session:
        core.load(session, actor)
        masterplan.load(session, actor)
        pitches.load(session, actor)
    make_user(db, "mod@stadt.example", Role.MODERATOR)
    token = make_token(db, "mod@stadt.example")
    listed = client.get("/api/v1/problem-statements").json()[0]
    url = listed["url"].replace("/fragestellungen", "/api/v1/problem-statements")
    first = client.get(url).json()["programme"][0]
    report = client.post(
        "/api/v1/moderation/reports",
        json={"kind": "pitch", "id": first["pitch_id"], "reason": "spam"},
    )
    assert report.status_code == 201, report.text
    hidden = client.post(
        f"/api/v1/moderation/items/pitch/{first['pitch_id']}/hide",
        json={"reason": "Werbung ohne Bezug zur Fragestellung"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert hidden.status_code == 200, hidden.text
    programme = client.get(url).json()["programme"]
    assert programme[0]["title"] == "Von der Moderation ausgeblendet"
    page = client.get(listed["url"]).text
    assert first["title"] not in page and 'name="kind" value="pitch"' in page
