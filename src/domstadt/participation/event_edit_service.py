"""Changing an event's title, time or place (its organiser); the audit entry ``event.update``
with the fields before and after is what followers of the event are told."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, requires
from domstadt.core.db import utcnow
from domstadt.core.errors import Conflict, Invalid
from domstadt.participation import event_service
from domstadt.participation.event_service import _check_may_edit, _visible_event
from domstadt.participation.events.models import EventStatus
from domstadt.participation.events.schemas import EventPublic, EventUpdate

EDITABLE = ("title", "starts_at", "ends_at", "place", "address", "online_url")


@requires(Permission.ACCOUNT_SELF)
def event_update(
    session: Session, *, actor: Actor, event_id: int, data: EventUpdate
) -> EventPublic:
    """Change title, time or place of a planned event (the organiser, as for cancelling)."""
    row = _visible_event(session, event_id)
    _check_may_edit(session, actor, row)
    if row.status == EventStatus.CANCELLED:
        raise Conflict("Eine abgesagte Veranstaltung kann nicht mehr geändert werden.")
    changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
    starts, ends = changes.get("starts_at", row.starts_at), changes.get("ends_at", row.ends_at)
    if ends < starts:
        raise Invalid("Das Ende darf nicht vor dem Beginn liegen.", field="ends_at")
    before: dict[str, Any] = {name: getattr(row, name) for name in EDITABLE}
    for name, value in changes.items():
        setattr(row, name, value.strip() if isinstance(value, str) else value)
    row.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="event.update",
        entity_type="event",
        entity_id=row.id,
        before=before,
        after={name: getattr(row, name) for name in EDITABLE},
    )
    return event_service.event_get(session, actor=actor, event_id=event_id)
