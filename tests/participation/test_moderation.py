"""Moderation of all user text (issue 10): anyone reports, moderators hide with a reason or
dismiss, hidden text leaves public pages and APIs, the author sees the reason and gets a
mail, every decision is audited. Feedback, submissions, events and organisation texts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from domstadt.core.audit import AuditEntry
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.participation import moderation_service
from domstadt.participation.moderation.models import ContentReport, ReportReason
from domstadt.participation.moderation.registry import kinds
from tests.conftest import csrf_of, login
from tests.mail_outbox import messages_to, newest_to
from tests.masterplan.conftest import add_measure
from tests.participation.conftest import bearer, new_challenge, submit

REPORTS = "/api/v1/moderation/reports"
REASON = "Beleidigt eine andere Person"


def _feedback(client: TestClient, db: Database, token: str, comment: str) -> tuple[int, int]:
    """A measure and a comment on it by the token's owner: (measure id, feedback id)."""
    m = add_measure(db, code="DV-07", title="Digitale Bürgerdienste")
    r = client.post(
        f"/api/v1/measures/{m.id}/feedback",
        json={"relevance": 4, "stance": "concern", "comment": comment},
        headers=bearer(token),
    )
    assert r.status_code == 201, r.text
    return m.id, int(r.json()["id"])


def _actions(db: Database, entity_type: str, entity_id: int) -> list[str]:
    with db.session() as session:
        return list(
            session.scalars(
                select(AuditEntry.action)
                .where(
                    AuditEntry.entity_type == entity_type,
                    AuditEntry.entity_id == str(entity_id),
                    AuditEntry.action.like("moderation.%"),
                )
                .order_by(AuditEntry.id)
            )
        )


def _hide(client: TestClient, token: str, kind: str, item_id: int, reason: str = REASON) -> Any:
    return client.post(
        f"/api/v1/moderation/items/{kind}/{item_id}/hide",
        json={"reason": reason},
        headers=bearer(token),
    )


def test_hidden_feedback_no_longer_appears_on_the_measure_page_and_in_its_json(
    plan: Database, client: TestClient, people: dict[str, Any], settings: Settings
) -> None:
    mid, fid = _feedback(client, plan, people["ayse"], "Der Sachbearbeiter ist ein Idiot.")
    assert "Der Sachbearbeiter ist ein Idiot." in client.get(f"/massnahmen/{mid}").text

    first = client.post(REPORTS, json={"kind": "feedback", "id": fid, "reason": "abuse"})
    assert first.status_code == 201, first.text
    again = client.post(
        REPORTS, json={"kind": "feedback", "id": fid, "reason": "spam", "comment": "nochmal"}
    )
    assert again.status_code == 200 and again.json()["already_reported"] is True
    assert again.json()["id"] == first.json()["id"]

    queue = client.get(REPORTS, headers=bearer(people["moderator"]))
    assert queue.status_code == 200
    [entry] = queue.json()
    assert entry["kind"] == "feedback" and entry["item_id"] == fid
    assert entry["text"] == "Der Sachbearbeiter ist ein Idiot." and len(entry["reports"]) == 1

    refused = _hide(client, people["moderator"], "feedback", fid, reason="  ")
    assert refused.status_code == 422 and "Grund" in refused.json()["error"]["message"]
    hidden = _hide(client, people["moderator"], "feedback", fid)
    assert hidden.status_code == 200, hidden.text
    assert hidden.json()["hidden"] is True and hidden.json()["reports_resolved"] == 1

    assert "Der Sachbearbeiter ist ein Idiot." not in client.get(f"/massnahmen/{mid}").text
    data = client.get(f"/api/v1/measures/{mid}/feedback").json()
    assert data["items"] == [] and data["aggregate"]["all"]["count"] == 0
    assert client.get(REPORTS, headers=bearer(people["moderator"])).json() == []

    notice = f"Von der Moderation ausgeblendet: {REASON}"
    mine = client.get("/api/v1/moderation/mine", headers=bearer(people["ayse"])).json()
    assert [(m["kind"], m["item_id"], m["notice"]) for m in mine] == [("feedback", fid, notice)]
    login(client, "ayse@example.org")
    assert notice in client.get(f"/massnahmen/{mid}").text
    assert notice in client.get("/konto/ausgeblendet").text
    mail = newest_to(settings, "ayse@example.org")
    assert "ausgeblendet" in mail.subject and REASON in mail.body

    shown = client.post(
        f"/api/v1/moderation/items/feedback/{fid}/unhide", headers=bearer(people["moderator"])
    )
    assert shown.status_code == 200 and shown.json()["hidden"] is False
    assert len(client.get(f"/api/v1/measures/{mid}/feedback").json()["items"]) == 1
    assert _actions(plan, "measure_feedback", fid) == [
        "moderation.report",
        "moderation.hide",
        "moderation.unhide",
    ]
    assert len(messages_to(settings, "ayse@example.org")) == 2


def test_citizens_and_anonymous_cannot_moderate(
    plan: Database, client: TestClient, people: dict[str, Any]
) -> None:
    _, fid = _feedback(client, plan, people["ayse"], "Gute Idee.")
    client.post(REPORTS, json={"kind": "feedback", "id": fid, "reason": "spam"})
    citizen = bearer(people["tom"])
    assert client.get(REPORTS, headers=citizen).status_code == 403
    assert client.get(REPORTS).status_code == 401
    assert _hide(client, people["tom"], "feedback", fid).status_code == 403
    anonymous = client.post(
        f"/api/v1/moderation/items/feedback/{fid}/hide", json={"reason": REASON}
    )
    assert anonymous.status_code == 401
    dismiss = f"/api/v1/moderation/items/feedback/{fid}/dismiss"
    assert client.post(dismiss, headers=citizen).status_code == 403
    assert _actions(plan, "measure_feedback", fid) == ["moderation.report"]

    kept = client.post(dismiss, headers=bearer(people["moderator"]))
    assert kept.status_code == 200 and kept.json()["reports_resolved"] == 1
    assert client.post(dismiss, headers=bearer(people["moderator"])).status_code == 409
    assert _actions(plan, "measure_feedback", fid) == ["moderation.report", "moderation.dismiss"]


def test_bad_input_names_the_rule(
    plan: Database, client: TestClient, people: dict[str, Any]
) -> None:
    _, fid = _feedback(client, plan, people["ayse"], "Text")
    unknown_kind = client.post(REPORTS, json={"kind": "gedicht", "id": 1, "reason": "spam"})
    assert unknown_kind.status_code == 404
    assert "gedicht" in unknown_kind.json()["error"]["message"]
    assert "feedback" in unknown_kind.json()["error"]["message"]
    unknown_id = client.post(REPORTS, json={"kind": "feedback", "id": 999999, "reason": "spam"})
    assert unknown_id.status_code == 404 and "999999" in unknown_id.json()["error"]["message"]
    bad_reason = client.post(REPORTS, json={"kind": "feedback", "id": fid, "reason": "langweilig"})
    assert bad_reason.status_code == 422 and "reason" in bad_reason.text
    too_long = client.post(
        REPORTS, json={"kind": "feedback", "id": fid, "reason": "other", "comment": "x" * 1001}
    )
    assert too_long.status_code == 422
    assert _hide(client, people["moderator"], "gedicht", 1).status_code == 404
    assert _hide(client, people["moderator"], "feedback", 999999).status_code == 404
    assert _hide(client, people["moderator"], "feedback", 2**40).status_code == 404
    missing = client.post(
        f"/api/v1/moderation/items/feedback/{fid}/hide",
        json={},
        headers=bearer(people["moderator"]),
    )
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "reason"
    assert _hide(client, people["moderator"], "feedback", fid).status_code == 200
    assert _hide(client, people["moderator"], "feedback", fid).status_code == 409
    gone = client.post(REPORTS, json={"kind": "feedback", "id": fid, "reason": "spam"})
    assert gone.status_code == 404


def test_reports_are_throttled_per_address(
    plan: Database, client: TestClient, people: dict[str, Any], monkeypatch: Any
) -> None:
    monkeypatch.setattr(moderation_service, "REPORTS_PER_HOUR", 2)
    mid, first = _feedback(client, plan, people["ayse"], "eins")
    ids = [first]
    for who in ("tom", "jula"):
        r = client.post(
            f"/api/v1/measures/{mid}/feedback",
            json={"relevance": 3, "stance": "neutral", "comment": f"Stimme von {who}"},
            headers=bearer(people[who]),
        )
        ids.append(int(r.json()["id"]))
    codes = [
        client.post(REPORTS, json={"kind": "feedback", "id": i, "reason": "spam"}).status_code
        for i in ids
    ]
    assert codes == [201, 201, 429]
    # repeating an open report is idempotent and not refused by the limit
    again = client.post(REPORTS, json={"kind": "feedback", "id": ids[0], "reason": "spam"})
    assert again.status_code == 200
    refused = client.post(REPORTS, json={"kind": "feedback", "id": ids[2], "reason": "spam"})
    assert "Stunde" in refused.json()["error"]["message"]


def test_report_form_on_the_measure_page_and_the_moderators_queue_page(
    plan: Database, client: TestClient, people: dict[str, Any], settings: Settings
) -> None:
    mid, fid = _feedback(client, plan, people["ayse"], "Werbung: billige Uhren!")
    page = client.get(f"/massnahmen/{mid}")
    assert 'action="/melden"' in page.text and 'name="kind" value="feedback"' in page.text
    for reason in ReportReason:
        assert f'value="{reason.value}"' in page.text
    token = csrf_of(client, f"/massnahmen/{mid}")
    form = {"csrf_token": token, "kind": "feedback", "id": str(fid), "reason": "spam"}
    sent = client.post("/melden", data={**form, "back": f"/massnahmen/{mid}#feedback"})
    assert sent.status_code == 201 and "Danke" in sent.text
    assert f'href="/massnahmen/{mid}#feedback"' in sent.text
    assert client.post("/melden", data={**form, "back": "//evil.example"}).status_code == 200
    bad = client.post("/melden", data={**form, "reason": "egal"})
    assert bad.status_code == 422 and "Grund" in bad.text

    anonymous = client.get("/admin/moderation", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    login(client, "tom@example.org")
    assert client.get("/admin/moderation").status_code == 403
    assert 'href="/admin/moderation"' not in client.get("/").text
    assert 'href="/konto/ausgeblendet"' in client.get("/konto").text
    client.cookies.clear()
    login(client, "mod@stadt.example")
    queue = client.get("/admin/moderation")
    assert queue.status_code == 200 and "Werbung: billige Uhren!" in queue.text
    assert 'href="/admin/moderation"' in queue.text  # in the header for moderators
    assert "Spam oder Werbung" in queue.text
    token = csrf_of(client, "/admin/moderation")
    hide = f"/admin/moderation/feedback/{fid}/ausblenden"
    empty = client.post(hide, data={"csrf_token": token, "reason": ""}, follow_redirects=False)
    assert empty.status_code == 422
    done = client.post(
        hide, data={"csrf_token": token, "reason": "Werbung"}, follow_redirects=False
    )
    assert done.status_code == 303
    after = client.get("/admin/moderation")
    assert "Von der Moderation ausgeblendet: Werbung" in after.text
    assert "Werbung: billige Uhren!" not in client.get(f"/massnahmen/{mid}").text
    again = client.post(
        f"/admin/moderation/feedback/{fid}/einblenden",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert again.status_code == 303
    assert "Werbung: billige Uhren!" in client.get(f"/massnahmen/{mid}").text
    assert newest_to(settings, "ayse@example.org").subject == "Ihr Beitrag ist wieder sichtbar"


def test_submission_event_and_organisation_texts_are_moderated(
    plan: Database, client: TestClient, people: dict[str, Any], settings: Settings
) -> None:
    challenge = new_challenge(client, people["editor"], "submission")
    sid = submit(client, people["ayse"], challenge, "Warteschlange per App")
    assert (
        'name="kind" value="challenge_submission"'
        in client.get(f"/wettbewerbe/beitraege/{sid}").text
    )
    org = client.post(
        "/api/v1/organisations",
        json={"name": "Kölner Krawall GmbH", "kind": "company", "description": "Spam-Text"},
        headers=bearer(people["tom"]),
    )
    oid = int(org.json()["id"])
    soon = (dt.date.today() + dt.timedelta(days=20)).isoformat()
    event = client.post(
        "/api/v1/events",
        json={
            "title": "Krawall-Treffen",
            "kind": "meetup",
            "organisation_id": oid,
            "starts_at": f"{soon}T18:00:00",
            "ends_at": f"{soon}T20:00:00",
            "description": "Hetze",
        },
        headers=bearer(people["tom"]),
    )
    assert event.status_code == 201, event.text
    eid = int(event.json()["id"])
    assert 'name="kind" value="event"' in client.get(f"/veranstaltungen/{eid}").text
    assert 'name="kind" value="organisation"' in client.get(f"/organisationen/{oid}").text

    for kind, item in (("challenge_submission", sid), ("event", eid), ("organisation", oid)):
        r = client.post(REPORTS, json={"kind": kind, "id": item, "reason": "abuse"})
        assert r.status_code == 201, r.text
    queue = client.get(REPORTS, headers=bearer(people["moderator"])).json()
    assert {(e["kind"], e["item_id"]) for e in queue} == {
        ("challenge_submission", sid),
        ("event", eid),
        ("organisation", oid),
    }
    found = f"/organisationen/{oid}"
    assert found in client.get("/api/v1/search", params={"q": "Spam"}).text
    for kind, item in (("challenge_submission", sid), ("event", eid), ("organisation", oid)):
        assert _hide(client, people["moderator"], kind, item).status_code == 200
        assert _actions(plan, kind, item) == ["moderation.report", "moderation.hide"]

    sub = client.get(f"/api/v1/submissions/{sid}").json()
    assert sub["hidden"] is True and sub["title"] != "Warteschlange per App"
    assert sub["summary"] == ""
    assert client.get(f"/api/v1/events/{eid}").status_code == 404
    assert all(e["id"] != eid for e in client.get("/api/v1/events").json()["items"])
    assert b"Krawall-Treffen" not in client.get("/veranstaltungen.ics").content
    org_json = client.get(f"/api/v1/organisations/{oid}").json()
    assert "Spam-Text" not in str(org_json)
    assert "Kölner Krawall GmbH" in str(org_json)  # the name stays, only its texts go
    assert "Spam-Text" not in client.get(f"/organisationen/{oid}").text
    assert all("Spam-Text" not in str(o) for o in client.get("/api/v1/organisations").json())
    assert found not in client.get("/api/v1/search", params={"q": "Spam"}).text  # nor searched

    mine = client.get("/api/v1/moderation/mine", headers=bearer(people["tom"])).json()
    assert {(m["kind"], m["item_id"]) for m in mine} == {("event", eid), ("organisation", oid)}
    assert len(messages_to(settings, "tom@example.org")) == 2  # the organisation's admin
    assert REASON in newest_to(settings, "ayse@example.org").body

    client.post(
        f"/api/v1/moderation/items/organisation/{oid}/unhide", headers=bearer(people["moderator"])
    )
    assert "Spam-Text" in str(client.get(f"/api/v1/organisations/{oid}").json())


def test_every_kind_of_public_user_text_is_registered() -> None:
    assert {k.name for k in kinds()} >= {
        "feedback",
        "challenge_submission",
        "event",
        "organisation",
        "pitch",
    }


def test_migration_moves_open_feedback_reports_into_the_engine(
    plan: Database, client: TestClient, people: dict[str, Any]
) -> None:
    from alembic import command

    from domstadt.core.migrate import alembic_config
    from domstadt.participation.feedback.models import FeedbackReport

    _, fid = _feedback(client, plan, people["ayse"], "Alte Meldung")
    with plan.session() as session:
        for n, resolved in ((1, None), (2, None), (3, dt.datetime.now(dt.UTC))):
            session.add(
                FeedbackReport(
                    feedback_id=fid,
                    reason="spam",
                    note=f"Meldung {n}",
                    client_key="k" if n < 3 else "other",
                    created_at=dt.datetime.now(dt.UTC),
                    resolved_at=resolved,
                    resolution="dismissed" if resolved else "",
                )
            )
        session.commit()
    plan.engine.dispose()
    config = alembic_config(plan.url)
    command.downgrade(config, "0018_pitches")
    command.upgrade(config, "head")
    plan.engine.dispose()
    [entry] = client.get(REPORTS, headers=bearer(people["moderator"])).json()
    assert entry["item_id"] == fid and [r["comment"] for r in entry["reports"]] == ["Meldung 1"]
    with plan.session() as session:
        copied = session.scalars(select(ContentReport).order_by(ContentReport.id)).all()
        assert [(r.comment, r.open_key) for r in copied] == [
            ("Meldung 1", "k"),
            ("Meldung 3", None),
        ]
