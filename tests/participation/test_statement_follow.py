"""Problem statements are followable like challenges (issue 10): the "Folgen" button on
/fragestellungen/{id}, "Sie folgen" with unfollow, and the digest naming schedule changes,
the pitch event, selected pitches and the published ranking."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.testclient import TestClient

from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.subscriptions import delivery_service, tasks
from domstadt.subscriptions.transport import DeliveryConfig
from tests.conftest import csrf_of, login
from tests.mail_outbox import newest_to
from tests.participation.conftest import bearer, people
from tests.participation.test_pitches import move_to, new_statement, pitch

__all__ = ["people"]


def test_follow_a_problem_statement_get_its_news_and_unfollow(
    db: Database, client: TestClient, settings: Settings, people: dict[str, Any]
) -> None:
    editor = people["editor"]
    sid = new_statement(client, editor)
    made = pitch(client, people["lena"], sid, people["org_id"])
    assert made.status_code == 201, made.text
    page = f"/fragestellungen/{sid}"
    anonymous = client.get(page).text
    assert 'name="target_kind" value="problem_statement"' in anonymous
    login(client, "ayse@example.org")
    assert "Sie folgen" not in client.get(page).text
    fields = {
        "csrf_token": csrf_of(client, page),
        "target_kind": "problem_statement",
        "target_id": str(sid),
    }
    done = client.post("/folgen", data=fields, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"{page}?gefolgt=neu"
    now = client.get(done.headers["location"]).text
    assert "Sie folgen" in now and 'action="/folgen/beenden"' in now
    mine = client.get("/konto/abonnements").text
    assert "Fragestellung" in mine and f'href="{page}"' in mine
    [listed] = client.get("/api/v1/subscriptions").json()
    assert (listed["target"], listed["target_id"], listed["target_url"]) == (
        "problem_statement",
        sid,
        page,
    )
    assert listed["target_label"] == "Fragestellung"
    assert tasks.run_digests(settings)["messages_sent"] == 0  # nothing happened yet

    move_to(client, editor, sid, "review")  # the department moves the deadline
    pitch_id = made.json()["id"]
    decided = client.post(
        f"/api/v1/pitches/{pitch_id}/decision", json={"status": "selected"}, headers=bearer(editor)
    )
    assert decided.status_code == 200, decided.text
    event = client.post(
        f"/api/v1/problem-statements/{sid}/event",
        json={
            "title": "Pitch-Abend Leerstand",
            "starts_at": "2031-03-12T18:00:00",
            "ends_at": "2031-03-12T20:00:00",
            "pitch_slots": 4,
        },
        headers=bearer(editor),
    )
    assert event.status_code == 201, event.text
    run = tasks.run_digests(settings)
    assert run["messages_sent"] == 1, run
    body = newest_to(settings, "ayse@example.org").body
    assert "Fragestellung: Leerstand in Erdgeschossen erkennen" in body
    assert "Zeitplan geändert – Einreichungsfrist:" in body
    assert "Ausgewählt: »Leerstandsradar« von Domblick UG." in body
    assert "Pitch-Event angesetzt: »Pitch-Abend Leerstand« am 12.03.2031 18:00" in body
    assert page in body

    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=6)  # the review ends by the clock
    with db.session() as session:
        later_run = delivery_service.send_digests(
            session,
            actor=system_actor("tests"),
            config=DeliveryConfig.from_settings(settings),
            now=later,
        )
    assert later_run.messages_sent == 1
    assert "Die Jurywertung ist veröffentlicht." in newest_to(settings, "ayse@example.org").body

    ended = client.post(
        "/folgen/beenden",
        data={**fields, "csrf_token": csrf_of(client, page)},
        follow_redirects=False,
    )
    assert ended.headers["location"] == f"{page}?gefolgt=beendet"
    assert "Sie folgen nicht mehr." in client.get(ended.headers["location"]).text
    assert client.get("/api/v1/subscriptions").json() == []


def test_following_an_unknown_problem_statement_is_refused(
    client: TestClient, people: dict[str, Any]
) -> None:
    r = client.post(
        "/api/v1/subscriptions",
        json={"target_kind": "problem_statement", "target_id": 999},
        headers=bearer(people["ayse"]),
    )
    assert r.status_code == 422 and "Fragestellung 999 gibt es nicht." in r.text
