"""Subscriptions (S1.3): follow a measure or field, get e-mail digests of the changes through a
real SMTP server, or signed webhooks on a real HTTP server with retries; opt-in, unsubscribe."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re

import pytest
from starlette.testclient import TestClient

from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.core.outbound import OutboundPolicy
from domstadt.masterplan import measure_service
from domstadt.masterplan.schemas import MeasureUpdate
from domstadt.subscriptions import delivery_service
from domstadt.subscriptions.transport import DeliveryConfig
from tests.conftest import csrf_of, login, make_token, make_user
from tests.mail_outbox import newest_to
from tests.masterplan.conftest import add_measure
from tests.subscriptions.conftest import Hook, Inbox

SYSTEM = system_actor("tests")
LOOPBACK = OutboundPolicy(allowed_hosts=("127.0.0.1",))


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test settings with the local webhook receiver's host allowed."""
    return settings.model_copy(update={"outbound_allowed_hosts": LOOPBACK.allowed_hosts})


def _change(db: Database, measure_id: int, **values: object) -> None:
    with db.session() as session:
        measure_service.measure_update(
            session, actor=SYSTEM, measure_id=measure_id, data=MeasureUpdate(**values)
        )


def _digests(db: Database, config: DeliveryConfig) -> delivery_service.DigestRun:
    with db.session() as session:
        return delivery_service.send_digests(session, actor=SYSTEM, config=config)


def _body(message: object) -> str:
    return message.get_payload(decode=True).decode()  # type: ignore[attr-defined]


def test_signed_in_digest_lists_changes_since_last_and_unsubscribes(
    plan: Database,
    mail_client: TestClient,
    smtp: tuple[Inbox, int],
    config: DeliveryConfig,
) -> None:
    inbox = smtp[0]
    m = add_measure(plan, code="DV-10", title="Digitale Gewerbeanmeldung", progress=10)
    make_user(plan, "lena@rheinland.example", name="Lena Schmitz")
    login(mail_client, "lena@rheinland.example")
    page = mail_client.get(f"/massnahmen/{m.id}")
    assert f'href="/abonnieren?measure={m.id}"' in page.text
    form = mail_client.get(f"/abonnieren?measure={m.id}")
    assert "DV-10 Digitale Gewerbeanmeldung" in form.text
    created = mail_client.post(
        "/abonnieren",
        data={
            "csrf_token": csrf_of(mail_client, "/abonnieren"),
            "measure_id": str(m.id),
            "channel": "email",
        },
    )
    assert created.status_code == 200 and "lena@rheinland.example" in created.text
    mine = mail_client.get("/konto/abonnements")
    assert "DV-10 Digitale Gewerbeanmeldung" in mine.text

    assert _digests(plan, config).messages_sent == 0  # nothing changed since subscribing
    _change(plan, m.id, progress=40, status="in_implementation")
    run = _digests(plan, config)
    assert (run.messages_sent, run.changes) == (1, 1)
    [mail] = inbox.to("lena@rheinland.example")
    assert mail["From"] == "masterplan@stadt-koeln.example"
    text = _body(mail)
    assert "DV-10 Digitale Gewerbeanmeldung" in text and "Fortschritt: 10 → 40" in text
    assert "Status: Idee → In Umsetzung" in text
    assert "http://domstadt.example/massnahmen/" in text
    assert _digests(plan, config).messages_sent == 0  # already delivered

    token = re.search(r"/abmelden/([\w-]+)", text).group(1)  # type: ignore[union-attr]
    assert "Abonnement beenden" in mail_client.get(f"/abmelden/{token}").text
    ended = mail_client.post(
        f"/abmelden/{token}", data={"csrf_token": csrf_of(mail_client, "/abonnieren")}
    )
    assert ended.status_code == 200
    assert mail_client.get("/api/v1/subscriptions").json() == []
    _change(plan, m.id, progress=60)
    assert _digests(plan, config).messages_sent == 0


def test_anonymous_email_needs_double_opt_in_and_field_digest(
    plan: Database,
    mail_client: TestClient,
    smtp: tuple[Inbox, int],
    config: DeliveryConfig,
) -> None:
    inbox = smtp[0]
    m = add_measure(plan, code="DV-11", title="Bürgerkonto", fields=["digitale-verwaltung"])
    response = mail_client.post(
        "/abonnieren",
        data={
            "csrf_token": csrf_of(mail_client, "/abonnieren"),
            "field": "digitale-verwaltung",
            "email": "Ayse@Example.org",
        },
    )
    assert response.status_code == 200
    assert "ayse@example.org" in response.text
    [confirmation] = inbox.to("ayse@example.org")
    link = re.search(
        r"http://domstadt\.example(/abonnieren/bestaetigen/[\w-]+)", _body(confirmation)
    )
    assert link is not None

    _change(plan, m.id, status="planned")
    assert _digests(plan, config).messages_sent == 0  # not confirmed yet

    path = link.group(1)
    assert "Abonnement bestätigen" in mail_client.get(path).text
    done = mail_client.post(path, data={"csrf_token": csrf_of(mail_client, "/abonnieren")})
    assert "Danke" in done.text
    _change(plan, m.id, title="Bürgerkonto NRW")
    assert _digests(plan, config).messages_sent == 1
    digest = inbox.to("ayse@example.org")[-1]
    assert "Handlungsfeld: Digitale Verwaltung" in _body(digest)
    assert "Bürgerkonto NRW" in _body(digest) and "Status" not in _body(digest)

    bad = mail_client.post(
        "/abonnieren",
        data={
            "csrf_token": csrf_of(mail_client, "/abonnieren"),
            "field": "digitale-verwaltung",
            "email": "x@",
        },
    )
    assert bad.status_code == 422 and "gültige E-Mail-Adresse" in bad.text


def test_webhook_is_signed_and_retried_with_backoff(
    plan: Database, client: TestClient, webhook: Hook
) -> None:
    config = DeliveryConfig(outbound=LOOPBACK)  # no SMTP needed; the receiver is local
    m = add_measure(plan, code="SC-01", title="Sensornetz Luftqualität")
    make_user(plan, "jonas@domblick.example")
    auth = {"Authorization": f"Bearer {make_token(plan, 'jonas@domblick.example')}"}
    created = client.post(
        "/api/v1/subscriptions",
        json={"measure_id": m.id, "channel": "webhook", "webhook_url": webhook.url},
        headers=auth,
    )
    assert created.status_code == 201, created.text
    secret, sub_id = created.json()["secret"], created.json()["id"]
    assert len(secret) >= 32

    _change(plan, m.id, progress=25)
    webhook.statuses = [500]
    t0 = dt.datetime(2030, 1, 1, 8, 0, tzinfo=dt.UTC)
    with plan.session() as session:
        run = delivery_service.deliver_webhooks(session, actor=SYSTEM, config=config, now=t0)
    assert (run.queued, run.delivered, run.retry_later) == (1, 0, 1)
    [delivery] = client.get(f"/api/v1/subscriptions/{sub_id}/deliveries", headers=auth).json()
    assert (delivery["status"], delivery["attempts"], delivery["last_status_code"]) == (
        "pending",
        1,
        500,
    )
    assert dt.datetime.fromisoformat(delivery["next_attempt_at"]) == t0 + dt.timedelta(minutes=1)

    with plan.session() as session:
        early = delivery_service.deliver_webhooks(session, actor=SYSTEM, config=config, now=t0)
    assert early.delivered == 0 and len(webhook.received) == 1
    with plan.session() as session:
        later = delivery_service.deliver_webhooks(
            session, actor=SYSTEM, config=config, now=t0 + dt.timedelta(minutes=2)
        )
    assert later.delivered == 1 and len(webhook.received) == 2

    headers, body = webhook.received[-1]
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["x-domstadt-signature"] == f"sha256={expected}"
    payload = json.loads(body)
    assert payload["event"] == "measure.changed" and payload["measure"]["code"] == "SC-01"
    assert {"field": "progress", "before": 0, "after": 25} in payload["changes"]
    [delivery] = client.get(f"/api/v1/subscriptions/{sub_id}/deliveries", headers=auth).json()
    assert (delivery["status"], delivery["attempts"]) == ("delivered", 2)


def test_bad_subscriptions_are_refused_with_the_field(
    plan: Database, client: TestClient, settings: Settings
) -> None:
    m = add_measure(plan, code="DV-12", title="E-Akte")
    anonymous = client.post(
        "/api/v1/subscriptions",
        json={"measure_id": m.id, "channel": "webhook", "webhook_url": "https://a.example/h"},
    )
    assert anonymous.status_code == 403
    make_user(plan, "erik@stadt.example")
    auth = {"Authorization": f"Bearer {make_token(plan, 'erik@stadt.example')}"}
    bad_url = client.post(
        "/api/v1/subscriptions",
        json={"measure_id": m.id, "channel": "webhook", "webhook_url": "ftp://a.example"},
        headers=auth,
    )
    assert bad_url.status_code == 422 and bad_url.json()["error"]["field"] == "webhook_url"
    both = client.post(
        "/api/v1/subscriptions", json={"measure_id": m.id, "field": "smart-city"}, headers=auth
    )
    assert both.status_code == 422
    unknown = client.post("/api/v1/subscriptions", json={"measure_id": 99999}, headers=auth)
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "measure_id"
    ok = client.post("/api/v1/subscriptions", json={"measure_id": m.id}, headers=auth)
    assert ok.status_code == 201 and ok.json()["confirmed"] is True
    again = client.post("/api/v1/subscriptions", json={"measure_id": m.id}, headers=auth)
    assert again.status_code == 409
    to_outbox = client.post(  # the plain test app has no SMTP server: the mail goes to the outbox
        "/api/v1/subscriptions", json={"measure_id": m.id, "email": "a@example.org"}
    )
    assert to_outbox.status_code == 201 and to_outbox.json()["confirmed"] is False
    assert "/abonnieren/bestaetigen/" in newest_to(settings, "a@example.org").body
    assert (
        client.delete(f"/api/v1/subscriptions/{ok.json()['id']}", headers=auth).status_code == 200
    )
    assert client.get("/api/v1/subscriptions", headers=auth).json() == []
