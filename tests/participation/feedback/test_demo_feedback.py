"""The demo's feedback: company and citizen voices on several measures, one reported comment;
a second run adds nothing."""

from __future__ import annotations

from starlette.testclient import TestClient

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.demo import core, feedback, masterplan
from tests.conftest import login


def test_demo_feedback_is_idempotent_and_split_by_voice(client: TestClient, db: Database) -> None:
    actor = system_actor("demo")
    with db.session() as session:
        core.load(session, actor)
        masterplan.load(session, actor)
        first = feedback.load(session, actor)
    with db.session() as session:
        second = feedback.load(session, actor)
    assert first == {"feedback": len(feedback.VOICES), "reports": 1}
    assert second == {"feedback": 0, "reports": 0}

    summary = client.get("/api/v1/feedback/summary").json()["total"]
    assert summary["companies"]["count"] == 5 and summary["citizens"]["count"] == 3
    measure = client.get("/api/v1/measures?q=Bewohnerparkausweis").json()["items"][0]
    page = client.get(f"/massnahmen/{measure['id']}").text
    assert "Rheinland Digital GmbH" in page and "Ayşe Yılmaz" in page

    login(client, "moderation@domstadt.koeln", core.DEMO_PASSWORD)
    assert "Belegungsdaten" in client.get("/moderation").text

    dashboard = client.get("/masterplan/dashboard").text
    assert "Rückmeldungen je Handlungsfeld" in dashboard
