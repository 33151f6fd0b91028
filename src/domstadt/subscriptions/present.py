"""How a subscription is shown: what it follows (title, page) and its public shape."""

from __future__ import annotations

from sqlalchemy.orm import Session

from domstadt.masterplan.models import FieldOfAction, Measure
from domstadt.subscriptions.models import Subscription
from domstadt.subscriptions.schemas import SubscriptionPublic


def target_of(session: Session, row: Subscription) -> tuple[str, str, str]:
    """(kind, title, page path) of what ``row`` follows."""
    if row.measure_id is not None:
        m = session.get(Measure, row.measure_id)
        assert m is not None
        return "measure", f"{m.code} {m.title}", f"/massnahmen/{m.id}"
    f = session.get(FieldOfAction, row.field_id)
    assert f is not None
    return "field", f.name, f"/massnahmen?field={f.slug}"


def field_slug(session: Session, row: Subscription) -> str | None:
    """The slug of the followed field of action (None for a measure)."""
    field = session.get(FieldOfAction, row.field_id) if row.field_id else None
    return field.slug if field else None


def to_public(session: Session, row: Subscription) -> SubscriptionPublic:
    """The subscription as its owner sees it."""
    kind, title, _ = target_of(session, row)
    return SubscriptionPublic(
        id=row.id,
        target=kind,
        measure_id=row.measure_id,
        field=field_slug(session, row),
        target_title=title,
        channel=row.channel,
        email=row.email,
        webhook_url=row.webhook_url,
        confirmed=row.confirmed_at is not None,
        created_at=row.created_at,
        last_sent_at=row.last_sent_at,
        last_error=row.last_error,
    )
