"""Subscription operations (S1.3, issue 10): follow a measure, a field of action, a challenge,
an event or an organisation by e-mail digest or signed webhook, double opt-in for anonymous
e-mail addresses, unsubscribe by token."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import smtplib
from email.message import EmailMessage

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, public, requires
from domstadt.core.db import utcnow
from domstadt.core.errors import Conflict, Forbidden, Invalid, NotFound, TooManyRequests
from domstadt.masterplan.models import FieldOfAction, Measure
from domstadt.subscriptions import followables
from domstadt.subscriptions.followables import FollowTarget
from domstadt.subscriptions.models import (
    Channel,
    DeliveryStatus,
    Subscription,
    WebhookDelivery,
)
from domstadt.subscriptions.present import target_of, to_public
from domstadt.subscriptions.schemas import (
    DeliveryPublic,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionPublic,
)
from domstadt.subscriptions.transport import (
    DeliveryConfig,
    send_mail,
    webhook_url_problem,
)

ANONYMOUS_PER_HOUR = 5
"""New e-mail subscriptions one client address may start per hour without signing in."""


class _Target:
    """What a new subscription follows: kind and id, and the foreign key of built-in kinds."""

    def __init__(self, kind: str, target_id: int, measure_id: int | None = None) -> None:
        self.kind, self.id, self.measure_id = kind, target_id, measure_id
        self.field_id = target_id if kind == "field" else None


def _resolve_target(session: Session, data: SubscriptionCreate) -> _Target:
    if data.measure_id is not None:
        if session.get(Measure, data.measure_id) is None:
            raise Invalid(f"Maßnahme {data.measure_id} gibt es nicht.", field="measure_id")
        return _Target("measure", data.measure_id, measure_id=data.measure_id)
    if data.target_kind:
        found = _followed(session, data.target_kind, data.target_id or 0)
        return _Target(found.kind, found.id)
    field_id = session.scalar(select(FieldOfAction.id).where(FieldOfAction.slug == data.field))
    if field_id is None:
        raise Invalid(f"Handlungsfeld '{data.field}' gibt es nicht.", field="field")
    return _Target("field", field_id)


def _followed(session: Session, kind: str, target_id: int) -> FollowTarget:
    followable = followables.get(kind)
    if followable is None:
        names = ", ".join(sorted(followables.kinds()))
        raise Invalid(
            f"Unbekannte Zielart '{kind}'; folgen kann man measure_id, field oder "
            f"target_kind {names}.",
            field="target_kind",
        )
    found = followable.target(session, target_id)
    if found is None:
        raise Invalid(f"{followable.label} {target_id} gibt es nicht.", field="target_id")
    return found


@public("names only public things: a hidden or unknown target is refused")
def target_page(session: Session, *, actor: Actor, kind: str, target_id: int) -> tuple[str, str]:
    """(title, page path) of a challenge, event or organisation one may follow."""
    found = _followed(session, kind, target_id)
    return found.title, found.path


def _client_key(client: str) -> str:
    return hashlib.sha256(f"subscribe:{client}".encode()).hexdigest()


def _check_anonymous_rate(session: Session, key: str) -> None:
    since = utcnow() - dt.timedelta(hours=1)
    recent = session.scalar(
        select(func.count())
        .select_from(Subscription)
        .where(Subscription.client_key == key, Subscription.created_at >= since)
    )
    if (recent or 0) >= ANONYMOUS_PER_HOUR:
        raise TooManyRequests(
            "Von Ihrem Anschluss wurden in der letzten Stunde schon mehrere Abonnements "
            "angelegt. Bitte versuchen Sie es später noch einmal oder melden Sie sich an."
        )


def _address(actor: Actor, data: SubscriptionCreate, config: DeliveryConfig) -> tuple[str, str]:
    """(e-mail, webhook URL) after the channel's rules."""
    if data.channel == Channel.WEBHOOK:
        if actor.user_id is None:
            raise Forbidden("Webhooks können nur angemeldete Personen einrichten.")
        url = (data.webhook_url or "").strip()
        problem = webhook_url_problem(url, config)
        if problem:
            raise Invalid(problem, field="webhook_url")
        return "", url
    if actor.user_id is not None and actor.email:
        return actor.email, ""
    if not data.email:
        raise Invalid("Bitte geben Sie Ihre E-Mail-Adresse an.", field="email")
    if not config.mail_configured:
        raise Invalid(
            "Der E-Mail-Versand ist auf diesem Server nicht eingerichtet; "
            "ein Abonnement per E-Mail ist derzeit nicht möglich.",
            field="email",
        )
    return str(data.email).lower(), ""


def _confirmation_mail(session: Session, row: Subscription, config: DeliveryConfig) -> EmailMessage:
    title = target_of(session, row).title
    message = EmailMessage()
    message["To"] = row.email
    message["Subject"] = f"Bitte bestätigen Sie Ihr Abonnement: {title}"
    message.set_content(
        "Guten Tag,\n\n"
        f"jemand (hoffentlich Sie) möchte über Änderungen an »{title}« auf Domstadt "
        "informiert werden.\n\nBitte bestätigen Sie das Abonnement hier:\n"
        f"{config.base_url}/abonnieren/bestaetigen/{row.token}\n\n"
        "Wenn Sie das nicht waren, ignorieren Sie diese E-Mail; ohne Bestätigung erhalten "
        "Sie nichts.\n\n-- \nDomstadt, Masterplan Digitales Köln\n"
    )
    return message


@public("anyone may subscribe; anonymous e-mail needs the opt-in link and is rate-limited")
def subscribe(
    session: Session,
    *,
    actor: Actor,
    data: SubscriptionCreate,
    config: DeliveryConfig,
    client: str = "",
) -> SubscriptionCreated:
    """Follow a measure, field, challenge, event or organisation. Anonymous e-mail
    subscriptions get a confirmation mail and stay inactive until confirmed; webhooks get a
    secret that signs every delivery."""
    target = _resolve_target(session, data)
    email, url = _address(actor, data, config)
    key = "" if actor.user_id is not None else _client_key(client)
    if key:
        _check_anonymous_rate(session, key)
    duplicate = session.scalar(
        select(Subscription.id).where(
            Subscription.target_kind == target.kind,
            Subscription.target_id == target.id,
            Subscription.channel == data.channel,
            Subscription.email == email,
            Subscription.webhook_url == url,
        )
    )
    if duplicate:
        raise Conflict("Dieses Abonnement besteht bereits.")
    now = utcnow()
    row = Subscription(
        user_id=actor.user_id,
        email=email,
        target_kind=target.kind,
        target_id=target.id,
        measure_id=target.measure_id,
        field_id=target.field_id,
        channel=data.channel,
        webhook_url=url,
        secret=secrets.token_hex(32) if data.channel == Channel.WEBHOOK else "",
        token=secrets.token_urlsafe(32),
        client_key=key,
        created_at=now,
        confirmed_at=now if actor.user_id is not None else None,
        cursor_at=now,
        last_error="",
    )
    session.add(row)
    session.flush()
    result = SubscriptionCreated(
        **to_public(session, row).model_dump(),
        secret=row.secret or None,
        confirmation_sent=row.confirmed_at is None,
    )
    audit.record(
        session,
        actor=actor,
        action="subscription.create",
        entity_type="subscription",
        entity_id=row.id,
        after=result.model_dump(exclude={"secret"}),
    )
    if row.confirmed_at is None:
        _send_confirmation(session, row, config)
    return result


def _send_confirmation(session: Session, row: Subscription, config: DeliveryConfig) -> None:
    try:
        errors = send_mail(config, [_confirmation_mail(session, row, config)])
    except (OSError, smtplib.SMTPException) as exc:
        errors = [str(exc) or type(exc).__name__]
    if errors[0]:
        raise Invalid(
            f"Die Bestätigungs-E-Mail an {row.email} konnte nicht gesendet werden "
            f"({errors[0]}). Bitte versuchen Sie es später noch einmal.",
            field="email",
        )


def _by_token(session: Session, token: str) -> Subscription:
    row = session.scalar(select(Subscription).where(Subscription.token == token)) if token else None
    if row is None:
        raise NotFound(
            "Dieser Link ist ungültig oder das Abonnement wurde bereits beendet.", field="token"
        )
    return row


@public("the secret link sent by e-mail is the credential")
def subscription_by_token(session: Session, *, token: str) -> SubscriptionPublic:
    """The subscription a confirmation or unsubscribe link belongs to."""
    return to_public(session, _by_token(session, token))


@public("the secret link sent by e-mail is the credential (double opt-in)")
def subscription_confirm(session: Session, *, actor: Actor, token: str) -> SubscriptionPublic:
    """Activate an e-mail subscription; changes from now on are sent."""
    row = _by_token(session, token)
    if row.confirmed_at is None:
        row.confirmed_at = row.cursor_at = utcnow()
        audit.record(
            session,
            actor=actor,
            action="subscription.confirm",
            entity_type="subscription",
            entity_id=row.id,
            after={"email": row.email},
        )
    return to_public(session, row)


def _cancel(session: Session, actor: Actor, row: Subscription) -> SubscriptionPublic:
    result = to_public(session, row)
    session.delete(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="subscription.cancel",
        entity_type="subscription",
        entity_id=result.id,
        before=result,
    )
    return result


@public("the secret link in every message is the credential (unsubscribe without account)")
def subscription_cancel_by_token(
    session: Session, *, actor: Actor, token: str
) -> SubscriptionPublic:
    """End the subscription a link belongs to."""
    return _cancel(session, actor, _by_token(session, token))


def _own(session: Session, actor: Actor, subscription_id: int) -> Subscription:
    row = session.get(Subscription, subscription_id)
    if row is None or (row.user_id != actor.user_id and not actor.can(Permission.USER_MANAGE)):
        raise NotFound(f"Abonnement {subscription_id} nicht gefunden.")
    return row


@requires(Permission.ACCOUNT_SELF)
def subscription_cancel(
    session: Session, *, actor: Actor, subscription_id: int
) -> SubscriptionPublic:
    """End one of one's own subscriptions."""
    return _cancel(session, actor, _own(session, actor, subscription_id))


@requires(Permission.ACCOUNT_SELF)
def my_subscriptions(session: Session, *, actor: Actor) -> list[SubscriptionPublic]:
    """The signed-in person's subscriptions, newest first."""
    rows = session.scalars(
        select(Subscription)
        .where(Subscription.user_id == actor.user_id)
        .order_by(Subscription.created_at.desc(), Subscription.id.desc())
    )
    return [to_public(session, r) for r in rows]


@requires(Permission.ACCOUNT_SELF)
def subscription_deliveries(
    session: Session, *, actor: Actor, subscription_id: int, limit: int = 50
) -> list[DeliveryPublic]:
    """The newest webhook deliveries of one's own subscription, with attempts and errors."""
    _own(session, actor, subscription_id)
    rows = session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == subscription_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    )
    return [
        DeliveryPublic(
            id=r.id,
            event=r.event,
            status=DeliveryStatus(r.status),
            attempts=r.attempts,
            next_attempt_at=r.next_attempt_at,
            last_status_code=r.last_status_code,
            last_error=r.last_error,
            created_at=r.created_at,
            delivered_at=r.delivered_at,
        )
        for r in rows
    ]
