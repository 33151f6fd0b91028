"""Following challenges, events and organisations (issue 10) through the subscriptions: the
"Folgen" button, the API's new targets, digest mails in the outbox naming the change, the
webhook payload of a cancelled event, the double opt-in of anonymous followers, and
subscriptions that go with their deleted target."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from domstadt.core.auth import directory_service as directory
from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.subscriptions import delivery_service, tasks
from domstadt.subscriptions.transport import DeliveryConfig
from tests.conftest import csrf_of, login, make_token, make_user
from tests.mail_outbox import messages_to, newest_to
from tests.participation.conftest import bearer, move_to, new_challenge, people, submit
from tests.subscriptions.conftest import Hook

__all__ = ["people"]
SYSTEM = system_actor("tests")
MEETUP = {
    "title": "Open Data Meetup",
    "kind": "meetup",
    "department_code": "DIG",
    "starts_at": "2031-05-14T18:00:00",
    "ends_at": "2031-05-14T20:30:00",
    "place": "Stadthaus Deutz",
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test settings with the local webhook receiver's host allowed (mail: the outbox)."""
    return settings.model_copy(update={"outbound_allowed_hosts": ("127.0.0.1",)})


def _follow(client: TestClient, token: str, **body: Any) -> Any:
    return client.post("/api/v1/subscriptions", json=body, headers=bearer(token))


def _digest_text(settings: Settings, address: str) -> str:
    run = tasks.run_digests(settings)
    assert run["messages_sent"] == 1, run
    return newest_to(settings, address).body


def test_follow_button_then_phase_change_and_winner_reach_the_digest(
    db: Database, client: TestClient, settings: Settings, people: dict[str, Any]
) -> None:
    cid = new_challenge(client, people["editor"], "submission")
    sub = submit(client, people["lena"], cid, "Termin-App für das Bürgeramt")
    login(client, "ayse@example.org")
    page = client.get(f"/wettbewerbe/{cid}")
    assert 'action="/folgen"' in page.text and 'name="target_kind" value="challenge"' in page.text
    follow = {"csrf_token": csrf_of(client, f"/wettbewerbe/{cid}"), "target_kind": "challenge"}
    done = client.post("/folgen", data={**follow, "target_id": str(cid)}, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == f"/wettbewerbe/{cid}?gefolgt=neu"
    assert "Sie folgen jetzt" in client.get(done.headers["location"]).text
    again = client.post("/folgen", data={**follow, "target_id": str(cid)}, follow_redirects=False)
    assert again.headers["location"] == f"/wettbewerbe/{cid}?gefolgt=schon"
    mine = client.get("/konto/abonnements").text
    assert "Wettbewerb" in mine and f'href="/wettbewerbe/{cid}"' in mine
    konto = client.get("/konto").text
    assert "Ideen für ein digitales Rathaus" in konto and "/beenden" in konto
    [listed] = client.get("/api/v1/subscriptions").json()
    assert (listed["target"], listed["target_id"], listed["target_url"]) == (
        "challenge",
        cid,
        f"/wettbewerbe/{cid}",
    )

    assert tasks.run_digests(settings)["messages_sent"] == 0  # nothing happened yet
    move_to(client, people["editor"], cid, "review")
    status = client.post(
        f"/api/v1/submissions/{sub}/status",
        json={"status": "winner"},
        headers=bearer(people["editor"]),
    )
    assert status.status_code == 200, status.text
    body = _digest_text(settings, "ayse@example.org")
    assert "Wettbewerb: Ideen für ein digitales Rathaus" in body
    assert "Neue Phase: Jury-Bewertung (vorher: Einreichung)" in body
    assert "Ergebnis: »Termin-App für das Bürgeramt« ist Gewinner." in body
    assert f"/wettbewerbe/{cid}" in body and "/abmelden/" in body
    assert tasks.run_digests(settings)["messages_sent"] == 0  # delivered once

    # The public vote begins by the clock (no edit): the next digest says so.
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=6)
    with db.session() as session:
        run = delivery_service.send_digests(
            session, actor=SYSTEM, config=DeliveryConfig.from_settings(settings), now=later
        )
    assert run.messages_sent == 1
    assert "Neue Phase: Öffentliche Abstimmung" in newest_to(settings, "ayse@example.org").body


def test_event_cancellation_is_posted_to_the_webhook(
    db: Database, client: TestClient, settings: Settings, people: dict[str, Any], webhook: Hook
) -> None:
    event = client.post("/api/v1/events", json=MEETUP, headers=bearer(people["editor"])).json()
    created = _follow(
        client,
        people["ayse"],
        target_kind="event",
        target_id=event["id"],
        channel="webhook",
        webhook_url=webhook.url,
    )
    assert created.status_code == 201, created.text
    secret = created.json()["secret"]
    cancel = client.post(f"/api/v1/events/{event['id']}/cancel", headers=bearer(people["editor"]))
    assert cancel.status_code == 200, cancel.text
    with db.session() as session:
        run = delivery_service.deliver_webhooks(
            session, actor=SYSTEM, config=DeliveryConfig.from_settings(settings)
        )
    assert (run.queued, run.delivered) == (1, 1)
    [(headers, raw)] = webhook.received
    assert headers["x-domstadt-event"] == "event.cancelled"
    expected = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    assert headers["x-domstadt-signature"] == expected
    payload = json.loads(raw)
    assert payload["event"] == "event.cancelled"
    assert payload["subscription_id"] == created.json()["id"]
    assert payload["target"]["kind"] == "event" and payload["target"]["id"] == event["id"]
    assert payload["target"]["title"] == "Open Data Meetup"
    assert payload["summary"] == "Die Veranstaltung wurde abgesagt."
    assert payload["changes"] == [{"field": "status", "before": "planned", "after": "cancelled"}]
    assert payload["at"] and payload["url"].endswith(f"/veranstaltungen/{event['id']}")


def test_event_time_and_place_changes_reach_the_digest(
    client: TestClient, settings: Settings, people: dict[str, Any]
) -> None:
    editor = bearer(people["editor"])
    event = client.post("/api/v1/events", json=MEETUP, headers=editor).json()
    assert _follow(client, people["ayse"], target_kind="event", target_id=event["id"]).is_success
    url = f"/api/v1/events/{event['id']}"
    change = {"starts_at": "2031-05-14T19:00:00", "place": "Historisches Rathaus"}
    assert client.patch(url, json=change, headers=bearer(people["lena"])).status_code == 403
    late = client.patch(url, json={"ends_at": "2031-05-14T17:00:00"}, headers=editor)
    assert late.status_code == 422 and "Ende darf nicht vor dem Beginn" in late.text
    moved = client.patch(url, json=change, headers=editor)
    assert moved.status_code == 200, moved.text
    assert moved.json()["place"] == "Historisches Rathaus"
    body = _digest_text(settings, "ayse@example.org")
    assert "Veranstaltung: Open Data Meetup" in body
    assert "Beginn: 14.05.2031 18:00 → 14.05.2031 19:00" in body
    assert "Ort: Stadthaus Deutz → Historisches Rathaus" in body
    client.post(f"{url}/cancel", headers=editor)
    assert client.patch(url, json=change, headers=editor).status_code == 409


def test_organisation_followers_get_its_new_events_and_submissions(
    db: Database, client: TestClient, settings: Settings, people: dict[str, Any]
) -> None:
    org = people["org_id"]
    login(client, "tom@example.org")
    page = client.get(f"/organisationen/{org}")
    assert 'name="target_kind" value="organisation"' in page.text
    client.post(
        "/folgen",
        data={
            "csrf_token": csrf_of(client, f"/organisationen/{org}"),
            "target_kind": "organisation",
            "target_id": str(org),
        },
    )
    make_user(db, "olga@startup.example", name="Olga Orga")
    with db.session() as session:
        directory.organisation_add_member(
            session, actor=SYSTEM, organisation_id=org, email="olga@startup.example", is_admin=True
        )
    meetup = client.post(
        "/api/v1/events",
        json={
            "title": "Domblick Demo Day",
            "kind": "pitch_event",
            "organisation_id": org,
            "starts_at": "2031-06-02T16:00:00",
            "ends_at": "2031-06-02T19:00:00",
        },
        headers=bearer(make_token(db, "olga@startup.example")),
    )
    assert meetup.status_code == 201, meetup.text
    cid = new_challenge(client, people["editor"], "submission")
    submit(client, people["lena"], cid, "Parkplatz-Sensorik", organisation_id=org)
    submit(client, people["ayse"], cid, "Ohne Organisation")
    draft = client.post(
        f"/api/v1/challenges/{cid}/submissions",
        json={"title": "Geheimer Entwurf", "organisation_id": org},
        headers=bearer(people["jan"]),
    )
    assert draft.status_code == 201, draft.text
    body = _digest_text(settings, "tom@example.org")
    assert "Organisation: Domblick UG" in body
    assert "Neue Veranstaltung: »Domblick Demo Day« am 02.06.2031 16:00 (Kölner Zeit)." in body
    assert "Neuer Beitrag: »Parkplatz-Sensorik« zum Wettbewerb" in body
    assert "Ohne Organisation" not in body and "Geheimer Entwurf" not in body


def test_anonymous_follower_confirms_by_mail_first(
    client: TestClient, settings: Settings, people: dict[str, Any]
) -> None:
    cid = new_challenge(client, people["editor"], "submission")
    token = csrf_of(client, f"/wettbewerbe/{cid}")
    follow = {"csrf_token": token, "target_kind": "challenge", "target_id": str(cid)}
    to_form = client.post("/folgen", data=follow, follow_redirects=False)
    assert to_form.headers["location"] == f"/abonnieren?kind=challenge&id={cid}"
    form = client.get(to_form.headers["location"])
    assert "Ideen für ein digitales Rathaus" in form.text and 'name="email"' in form.text
    made = client.post("/abonnieren", data={**follow, "email": "Gast@Example.org"})
    assert made.status_code == 200, made.text
    confirm = newest_to(settings, "gast@example.org")
    assert "Ideen für ein digitales Rathaus" in confirm.subject
    move_to(client, people["editor"], cid, "review")
    assert tasks.run_digests(settings)["messages_sent"] == 0  # not confirmed yet
    link = confirm.body.split("/abonnieren/bestaetigen/")[1].split()[0]
    ok = client.post(f"/abonnieren/bestaetigen/{link}", data={"csrf_token": token})
    assert ok.status_code == 200
    move_to(client, people["editor"], cid, "vote")
    body = _digest_text(settings, "gast@example.org")
    assert "Neue Phase: Öffentliche Abstimmung" in body
    assert "Jury-Bewertung (vorher" not in body  # before the opt-in: not sent
    assert len(messages_to(settings, "gast@example.org")) == 2


def test_unknown_targets_are_refused_with_the_rule(
    client: TestClient, people: dict[str, Any]
) -> None:
    missing = _follow(client, people["ayse"], target_kind="challenge", target_id=999)
    assert missing.status_code == 422 and "Wettbewerb 999 gibt es nicht" in missing.text
    wrong = _follow(client, people["ayse"], target_kind="pizza", target_id=1)
    assert wrong.status_code == 422 and "Unbekannte Zielart 'pizza'" in wrong.text
    both = _follow(client, people["ayse"], target_kind="event", target_id=1, measure_id=1)
    assert both.status_code == 422 and "genau ein Ziel" in both.text
    no_id = _follow(client, people["ayse"], target_kind="event")
    assert no_id.status_code == 422 and "target_id" in no_id.text
    assert client.get("/abonnieren?kind=event&id=77").status_code == 422


def test_deleting_a_target_removes_its_subscriptions(
    client: TestClient, db: Database, people: dict[str, Any]
) -> None:
    cid = new_challenge(client, people["editor"], "submission")
    other = new_challenge(client, people["editor"], "submission")
    for target in (cid, other):
        assert _follow(client, people["ayse"], target_kind="challenge", target_id=target).is_success
    assert _follow(client, people["ayse"], target_kind="organisation", target_id=people["org_id"])
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM challenge WHERE id = :id"), {"id": cid})
        conn.execute(text("DELETE FROM organisation WHERE id = :id"), {"id": people["org_id"]})
    left = client.get(
        "/api/v1/subscriptions", headers={"Authorization": f"Bearer {people['ayse']}"}
    ).json()
    assert [(s["target"], s["target_id"]) for s in left] == [("challenge", other)]
