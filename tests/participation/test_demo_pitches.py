"""The demo's problem statement: two pitches with real PDF decks, scored by the jury and
invited into slots of a pitch event in the calendar; a second run adds nothing."""

from __future__ import annotations

from starlette.testclient import TestClient

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.demo import core, masterplan, pitches
from domstadt.participation.pitches.deck import checked_deck


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
