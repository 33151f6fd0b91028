"""Delivering subscriptions: e-mail digests of the changes since the last digest (measure
versions; challenge, event and organisation changes from the registry of followables) and
signed webhook POSTs with retries and backoff. Run by `domstadt subscriptions …` and huey."""

from __future__ import annotations

import datetime as dt
import json
import smtplib
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, requires
from domstadt.core.db import utcnow
from domstadt.subscriptions.changes import Pending, pending
from domstadt.subscriptions.models import (
    Channel,
    DeliveryStatus,
    Subscription,
    WebhookDelivery,
)
from domstadt.subscriptions.present import kind_label, target_of
from domstadt.subscriptions.schemas import DigestRun, WebhookRun
from domstadt.subscriptions.transport import DeliveryConfig, post_webhook, send_mail

BACKOFF_SECONDS = (60, 300, 1800, 7200, 21600)
"""Wait after the 1st, 2nd, … failed attempt; after the last the delivery is marked failed."""
MAX_ATTEMPTS = len(BACKOFF_SECONDS) + 1


def _digest(
    session: Session,
    email: str,
    parts: list[tuple[Subscription, list[Pending]]],
    config: DeliveryConfig,
) -> EmailMessage:
    count = sum(len(changes) for _, changes in parts)
    body = ["Guten Tag,", "", "hier sind die Änderungen seit Ihrer letzten Übersicht.", ""]
    for row, changes in parts:
        target = target_of(session, row)
        body += [f"{kind_label(target.kind)}: {target.title}", f"{config.base_url}{target.path}"]
        body.append("")
        for change in changes:
            body += change.lines
        body += ["", f"Abonnement beenden: {config.base_url}/abmelden/{row.token}", ""]
    body += ["-- ", "Domstadt, Masterplan Digitales Köln", f"{config.base_url}/konto/abonnements"]
    message = EmailMessage()
    message["To"] = email
    message["Subject"] = f"Masterplan Digitales Köln: {count} Änderung(en) an Ihren Abonnements"
    message["List-Unsubscribe"] = f"<{config.base_url}/abmelden/{parts[0][0].token}>"
    message.set_content("\n".join(body) + "\n")
    return message


def _pending_digests(
    session: Session, actor: Actor, config: DeliveryConfig, now: dt.datetime
) -> dict[str, list[tuple[Subscription, list[Pending]]]]:
    rows = session.scalars(
        select(Subscription)
        .where(Subscription.channel == Channel.EMAIL, Subscription.confirmed_at.is_not(None))
        .order_by(Subscription.email, Subscription.id)
    ).all()
    grouped: dict[str, list[tuple[Subscription, list[Pending]]]] = {}
    for row in rows:
        changes = pending(session, actor, row, config.base_url, now)
        if changes:
            grouped.setdefault(row.email, []).append((row, changes))
    return grouped


@requires(Permission.USER_MANAGE)
def send_digests(
    session: Session, *, actor: Actor, config: DeliveryConfig, now: dt.datetime | None = None
) -> DigestRun:
    """Mail every confirmed e-mail subscriber the changes since their last digest (one mail
    per address); a subscription's cursor moves only when its mail was accepted."""
    if not config.mail_configured:
        return DigestRun(skipped="DOMSTADT_SMTP_HOST ist nicht gesetzt; keine E-Mails versandt.")
    now = now or utcnow()
    grouped = _pending_digests(session, actor, config, now)
    recipients = list(grouped)
    messages = [_digest(session, email, grouped[email], config) for email in recipients]
    try:
        errors = send_mail(config, messages)
    except (OSError, smtplib.SMTPException) as exc:
        errors = [f"SMTP: {exc or type(exc).__name__}"[:500]] * len(messages)
    run = DigestRun()
    for email, error in zip(recipients, errors, strict=True):
        for row, changes in grouped[email]:
            row.last_error = error
            if error:
                continue
            row.cursor_at = changes[-1].at
            row.last_sent_at = now
            run.subscriptions += 1
            run.changes += len(changes)
        run.failed += 1 if error else 0
        run.messages_sent += 0 if error else 1
    if messages:
        audit.record(
            session,
            actor=actor,
            action="subscription.digest",
            entity_type="subscription",
            entity_id="digest",
            after=run,
        )
    return run


def _queue(session: Session, actor: Actor, config: DeliveryConfig, now: dt.datetime) -> int:
    rows = session.scalars(
        select(Subscription).where(
            Subscription.channel == Channel.WEBHOOK, Subscription.confirmed_at.is_not(None)
        )
    ).all()
    queued = 0
    for row in rows:
        changes = pending(session, actor, row, config.base_url, now)
        for change in changes:
            body = json.dumps(change.payload, ensure_ascii=False, separators=(",", ":"))
            session.add(
                WebhookDelivery(
                    subscription_id=row.id,
                    event=change.event,
                    body=body,
                    status=DeliveryStatus.PENDING,
                    attempts=0,
                    next_attempt_at=now,
                    last_error="",
                    created_at=now,
                )
            )
            queued += 1
        if changes:
            row.cursor_at = changes[-1].at
    session.flush()
    return queued


def _attempt(
    delivery: WebhookDelivery, row: Subscription, config: DeliveryConfig, now: dt.datetime
) -> DeliveryStatus:
    status_code, error = post_webhook(
        config, row.webhook_url, delivery.body.encode("utf-8"), row.secret, delivery.event
    )
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.last_error = error
    if not error:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        row.last_sent_at, row.last_error = now, ""
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
        row.last_error = error
    else:
        wait = BACKOFF_SECONDS[delivery.attempts - 1]
        delivery.next_attempt_at = now + dt.timedelta(seconds=wait)
        row.last_error = error
    return DeliveryStatus(delivery.status)


@requires(Permission.USER_MANAGE)
def deliver_webhooks(
    session: Session, *, actor: Actor, config: DeliveryConfig, now: dt.datetime | None = None
) -> WebhookRun:
    """Queue a delivery per new change for every webhook subscription, then POST every due
    delivery; a failure is retried later with growing waits, then marked failed."""
    now = now or utcnow()
    run = WebhookRun(queued=_queue(session, actor, config, now))
    due = session.scalars(
        select(WebhookDelivery)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
        )
        .order_by(WebhookDelivery.id)
    ).all()
    for delivery in due:
        row = session.get(Subscription, delivery.subscription_id)
        assert row is not None
        result = _attempt(delivery, row, config, now)
        if result == DeliveryStatus.DELIVERED:
            run.delivered += 1
        elif result == DeliveryStatus.FAILED:
            run.failed += 1
        else:
            run.retry_later += 1
    if run.queued or due:
        audit.record(
            session,
            actor=actor,
            action="subscription.webhooks",
            entity_type="subscription",
            entity_id="webhooks",
            after=run,
        )
    return run
