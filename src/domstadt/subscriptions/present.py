"""How a subscription is shown: what it follows (title, page) and its public shape."""

from __future__ import annotations

from sqlalchemy.orm import Session

from domstadt.masterplan.models import FieldOfAction, Measure
from domstadt.subscriptions import followables
from domstadt.subscriptions.followables import FollowTarget
from domstadt.subscriptions.models import Subscription
from domstadt.subscriptions.schemas import SubscriptionPublic

KIND_LABELS = {"measure": "Maßnahme", "field": "Handlungsfeld"}
"""German names of the built-in kinds; the others name themselves (``Followable.label``)."""


def kind_label(kind: str) -> str:
    """The German name of a target kind (Maßnahme, Wettbewerb …)."""
    followable = followables.get(kind)
    return followable.label if followable else KIND_LABELS.get(kind, kind)


def _builtin(session: Session, row: Subscription) -> FollowTarget | None:
    if row.measure_id is not None:
        m = session.get(Measure, row.measure_id)
        if m is not None:
            return FollowTarget(
                "measure",
                m.id,
                f"{m.code} {m.title}",
                f"/massnahmen/{m.id}",
                f"/api/v1/measures/{m.id}",
            )
    if row.field_id is not None:
        f = session.get(FieldOfAction, row.field_id)
        if f is not None:
            return FollowTarget(
                "field",
                f.id,
                f.name,
                f"/massnahmen?field={f.slug}",
                f"/api/v1/measures?field={f.slug}",
            )
    return None


def target_of(session: Session, row: Subscription) -> FollowTarget:
    """What ``row`` follows; a target no longer public keeps its kind and id, no page."""
    if row.target_kind in KIND_LABELS:
        found = _builtin(session, row)
    else:
        followable = followables.get(row.target_kind)
        found = followable.target(session, row.target_id) if followable else None
    if found is not None:
        return found
    title = f"{kind_label(row.target_kind)} {row.target_id} (nicht mehr öffentlich)"
    return FollowTarget(row.target_kind, row.target_id, title, "", "")


def field_slug(session: Session, row: Subscription) -> str | None:
    """The slug of the followed field of action (None for other kinds)."""
    field = session.get(FieldOfAction, row.field_id) if row.field_id else None
    return field.slug if field else None


def to_public(session: Session, row: Subscription) -> SubscriptionPublic:
    """The subscription as its owner sees it."""
    target = target_of(session, row)
    return SubscriptionPublic(
        id=row.id,
        target=row.target_kind,
        target_id=row.target_id,
        target_label=kind_label(row.target_kind),
        measure_id=row.measure_id,
        field=field_slug(session, row),
        target_title=target.title,
        target_url=target.path,
        channel=row.channel,
        email=row.email,
        webhook_url=row.webhook_url,
        confirmed=row.confirmed_at is not None,
        created_at=row.created_at,
        last_sent_at=row.last_sent_at,
        last_error=row.last_error,
    )
