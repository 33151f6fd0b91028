"""The "Folgen" button shows its state (issue 10): a signed-in person who follows a challenge,
event or organisation sees "Sie folgen" with a "Nicht mehr folgen" button on its page, which
ends the subscription and returns to the page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from domstadt.core.audit import AuditEntry
from domstadt.core.db import Database
from tests.conftest import csrf_of, login
from tests.participation.conftest import bearer, new_challenge, people
from tests.subscriptions.test_follow import MEETUP

__all__ = ["people"]


def _targets(client: TestClient, people: dict[str, Any]) -> dict[str, str]:
    cid = new_challenge(client, people["editor"], "submission")
    event = client.post("/api/v1/events", json=MEETUP, headers=bearer(people["editor"]))
    assert event.status_code == 201, event.text
    return {
        "challenge": f"/wettbewerbe/{cid}",
        "event": f"/veranstaltungen/{event.json()['id']}",
        "organisation": f"/organisationen/{people['org_id']}",
    }


def test_follow_state_and_unfollow_on_challenge_event_and_organisation_pages(
    client: TestClient, people: dict[str, Any], db: Database
) -> None:
    pages = _targets(client, people)
    login(client, "ayse@example.org")
    for kind, page in pages.items():
        before = client.get(page).text
        assert 'action="/folgen"' in before and "Sie folgen" not in before, kind
        target_id = page.rsplit("/", 1)[1]
        fields = {"csrf_token": csrf_of(client, page), "target_kind": kind, "target_id": target_id}
        client.post("/folgen", data=fields, follow_redirects=False)
        now = client.get(page).text
        assert "Sie folgen" in now and 'action="/folgen/beenden"' in now, kind
        assert "Nicht mehr folgen" in now and 'action="/folgen"' not in now, kind
        ended = client.post("/folgen/beenden", data=fields, follow_redirects=False)
        assert ended.status_code == 303 and ended.headers["location"] == f"{page}?gefolgt=beendet"
        after = client.get(ended.headers["location"]).text
        assert "Sie folgen nicht mehr." in after and 'action="/folgen"' in after, kind
    assert client.get("/api/v1/subscriptions").json() == []
    with db.session() as session:
        actions = list(session.scalars(select(AuditEntry.action)))
    assert actions.count("subscription.cancel") == 3


def test_the_state_is_the_signed_in_persons_own(client: TestClient, people: dict[str, Any]) -> None:
    page = _targets(client, people)["challenge"]
    cid = page.rsplit("/", 1)[1]
    login(client, "ayse@example.org")
    fields = {"csrf_token": csrf_of(client, page), "target_kind": "challenge", "target_id": cid}
    client.post("/folgen", data=fields, follow_redirects=False)
    login(client, "tom@example.org")
    assert "Sie folgen" not in client.get(page).text
    # Tom's "unfollow" ends nothing of Ayşe's.
    client.post(
        "/folgen/beenden",
        data={**fields, "csrf_token": csrf_of(client, page)},
        follow_redirects=False,
    )
    assert len(client.get("/api/v1/subscriptions", headers=bearer(people["ayse"])).json()) == 1
    client.cookies.clear()
    anonymous = client.get(page).text
    assert "Sie folgen" not in anonymous and 'action="/folgen"' in anonymous
    refused = client.post(
        "/folgen/beenden",
        data={**fields, "csrf_token": csrf_of(client, page)},
        follow_redirects=False,
    )
    assert refused.status_code == 303 and refused.headers["location"].startswith("/login")
