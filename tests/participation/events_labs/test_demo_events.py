"""The events and labs demo loads through the services, once: ten events (past, upcoming, one
cancelled), a UX test with 12 SUS answers after an earlier round, a lab session."""

from __future__ import annotations

import datetime as dt

import icalendar
from starlette.testclient import TestClient

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.demo import core, masterplan, participation_events


def test_demo_events_and_labs(client: TestClient, db: Database) -> None:
    actor = system_actor("demo")
    with db.session() as session:
        core.load(session, actor)
        masterplan.load(session, actor)
        first = participation_events.load(session, actor)
    with db.session() as session:
        second = participation_events.load(session, actor)
    assert first == {"events": 10, "lab_sessions": 3, "sus_answers": 18}
    assert all(v == 0 for v in second.values()), second
    events = client.get("/api/v1/events").json()["items"]
    now = dt.datetime.now(dt.UTC)
    starts = [dt.datetime.fromisoformat(e["starts_at"]) for e in events]
    assert any(s < now for s in starts) and any(s > now for s in starts)
    assert [e["status"] for e in events].count("cancelled") == 1
    assert any(e["organiser"]["name"] == "IHK Köln" for e in events)
    cal = icalendar.Calendar.from_ical(client.get("/veranstaltungen.ics").content)
    assert len(list(cal.walk("VEVENT"))) == 10
    labs = client.get("/api/v1/ux-tests").json()
    counts = sorted(i["sus"]["count"] for i in labs["items"])
    assert counts == [0, 6, 12]
    service = next(s for s in labs["services"] if s["service_name"] == "Bürgerkonto Köln")
    assert len(service["trend"]) == 2
    assert service["trend"][0]["sus"]["mean"] < service["trend"][1]["sus"]["mean"]
    assert service["sus"]["ci_low"] < service["sus"]["mean"] < service["sus"]["ci_high"]
    assert client.get("/labore").status_code == 200
    assert client.get("/veranstaltungen").status_code == 200
