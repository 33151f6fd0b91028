"""Following a lab session (issue 10): the "Folgen" button on /labore/{id}; a change of date,
place or seats and the session being called off reach the followers through the existing
subscription channels — the e-mail digest (outbox) and the signed webhook. Cancelling: the
department's editors (page and POST /api/v1/ux-tests/{id}/cancel), audited; a cancelled
session takes no sign-ups and no changes (409)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from domstadt.core.audit import AuditEntry
from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.subscriptions import delivery_service, tasks
from domstadt.subscriptions.transport import DeliveryConfig
from tests.conftest import csrf_of, login
from tests.mail_outbox import newest_to
from tests.participation.events_labs.conftest import bearer, people
from tests.participation.events_labs.test_lab_edit import LATER, _new_lab
from tests.subscriptions.conftest import Hook, webhook

__all__ = ["people", "webhook"]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test settings with the local webhook receiver's host allowed (mail: the outbox)."""
    return settings.model_copy(update={"outbound_allowed_hosts": ("127.0.0.1",)})


def _digest(settings: Settings, address: str) -> str:
    run = tasks.run_digests(settings)
    assert run["messages_sent"] == 1, run
    return newest_to(settings, address).body


def test_followers_hear_of_changes_and_the_cancellation_by_mail(
    client: TestClient, db: Database, settings: Settings, people: dict[str, Any]
) -> None:
    lab = _new_lab(client, db, capacity=3)
    page = f"/labore/{lab}"
    assert 'name="target_kind" value="lab_session"' in client.get(page).text
    login(client, "anna@example.org")
    fields = {"csrf_token": csrf_of(client, page), "target_kind": "lab_session"}
    done = client.post("/folgen", data={**fields, "target_id": str(lab)}, follow_redirects=False)
    assert done.headers["location"] == f"{page}?gefolgt=neu"
    assert "Sie folgen" in client.get(done.headers["location"]).text
    [listed] = client.get("/api/v1/subscriptions").json()
    assert (listed["target"], listed["target_label"]) == ("lab_session", "Labortermin")
    assert tasks.run_digests(settings)["messages_sent"] == 0  # nothing happened yet

    editor = bearer(db, "erik@stadt.example")
    changed = client.patch(
        f"/api/v1/ux-tests/{lab}",
        json={"starts_at": f"{LATER}T14:30", "place": "Bürgeramt Kalk", "capacity": 5},
        headers=editor,
    )
    assert changed.status_code == 200, changed.text
    body = _digest(settings, "anna@example.org")
    assert "Labortermin: UX-Test Anwohnerparken" in body
    day = ".".join(reversed(LATER.split("-")))
    assert "Beginn: " in body and f"→ {day} 14:30 (Kölner Zeit)" in body
    assert "Ort: Stadthaus Deutz → Bürgeramt Kalk" in body and "Plätze: 3 → 5" in body
    assert page in body
    description = client.patch(
        f"/api/v1/ux-tests/{lab}", json={"description": "Bitte Ausweis mitbringen."}, headers=editor
    )
    assert description.status_code == 200
    assert tasks.run_digests(settings)["messages_sent"] == 0  # not a fact followers are told

    client.cookies.clear()
    login(client, "erik@stadt.example")
    shown = client.get(page).text
    assert f'action="/labore/{lab}/absagen"' in shown
    token = csrf_of(client, page)
    short = client.post(f"{page}/absagen", data={"csrf_token": token, "reason": "x"})
    assert short.status_code == 422 and 'id="cancel-reason-error"' in short.text
    off = client.post(
        f"{page}/absagen",
        data={"csrf_token": token, "reason": "Der Raum ist nicht verfügbar."},
        follow_redirects=False,
    )
    assert off.status_code == 303 and off.headers["location"] == f"{page}?hinweis=abgesagt"
    after = client.get(off.headers["location"]).text
    assert "Abgesagt:" in after and "Der Raum ist nicht verfügbar." in after
    assert f'action="/labore/{lab}/absagen"' not in after
    body = _digest(settings, "anna@example.org")
    assert "Der Labortermin wurde abgesagt. Grund: Der Raum ist nicht verfügbar." in body

    api = client.get(f"/api/v1/ux-tests/{lab}").json()
    assert api["cancelled_at"] and api["cancel_reason"] == "Der Raum ist nicht verfügbar."
    again = client.post(
        f"/api/v1/ux-tests/{lab}/cancel", json={"reason": "Noch einmal"}, headers=editor
    )
    assert again.status_code == 409 and "abgesagt" in again.text
    patch = client.patch(f"/api/v1/ux-tests/{lab}", json={"place": "Anderswo"}, headers=editor)
    assert patch.status_code == 409
    signup = client.post(f"/api/v1/ux-tests/{lab}/signups", headers=bearer(db, "ben@example.org"))
    assert signup.status_code == 409 and "abgesagt" in signup.text
    with db.session() as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "lab.cancel"))
    assert entry.entity_id == str(lab) and entry.after["reason"] == "Der Raum ist nicht verfügbar."


def test_cancellation_is_posted_to_the_webhook_and_others_may_not_cancel(
    client: TestClient, db: Database, settings: Settings, people: dict[str, Any], webhook: Hook
) -> None:
    lab = _new_lab(client, db)
    created = client.post(
        "/api/v1/subscriptions",
        json={
            "target_kind": "lab_session",
            "target_id": lab,
            "channel": "webhook",
            "webhook_url": webhook.url,
        },
        headers=bearer(db, "ben@example.org"),
    )
    assert created.status_code == 201, created.text
    url = f"/api/v1/ux-tests/{lab}/cancel"
    reason = {"reason": "Krankheit der Moderatorin"}
    for email in ("ben@example.org", "vera@stadt.example"):  # a member, another department
        assert client.post(url, json=reason, headers=bearer(db, email)).status_code == 403
    assert (
        client.post(url, json={"reason": ""}, headers=bearer(db, "erik@stadt.example")).status_code
        == 422
    )
    done = client.post(url, json=reason, headers=bearer(db, "erik@stadt.example"))
    assert done.status_code == 200 and done.json()["cancel_reason"] == reason["reason"]
    with db.session() as session:
        run = delivery_service.deliver_webhooks(
            session, actor=system_actor("tests"), config=DeliveryConfig.from_settings(settings)
        )
    assert (run.queued, run.delivered) == (1, 1)
    [(headers, raw)] = webhook.received
    payload = json.loads(raw)
    assert headers["x-domstadt-event"] == payload["event"] == "lab_session.cancelled"
    assert payload["target"]["kind"] == "lab_session" and payload["target"]["id"] == lab
    assert payload["summary"] == "Der Labortermin wurde abgesagt. Grund: Krankheit der Moderatorin"
    assert payload["changes"] == [{"field": "status", "before": "planned", "after": "cancelled"}]


def test_following_an_unknown_lab_session_is_refused(
    client: TestClient, db: Database, people: dict[str, Any]
) -> None:
    r = client.post(
        "/api/v1/subscriptions",
        json={"target_kind": "lab_session", "target_id": 999},
        headers=bearer(db, "ben@example.org"),
    )
    assert r.status_code == 422 and "999" in r.text
