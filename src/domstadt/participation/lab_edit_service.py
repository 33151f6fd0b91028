"""Changing a lab session or UX test (S1.2): the editors of its department (and admins) change
title, kind, service or measure, start, place, seats, tasks and description; the department
stays. Seats may not drop below the confirmed sign-ups, the start may not move into the past;
more seats move people up from the waiting list. Audited as ``lab.update`` with the session
before and after. They also call a session off with a reason (``lab.cancel``): sign-ups end
then and it cannot be changed any more. Followers hear of both (``lab_follow``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, check_department, requires
from domstadt.core.db import utcnow
from domstadt.core.errors import Conflict, Invalid, NotFound
from domstadt.masterplan import measure_read_service
from domstadt.participation import lab_service, seats
from domstadt.participation.events.models import RegistrationStatus
from domstadt.participation.labs.models import LabSession, LabSignup
from domstadt.participation.labs.schemas import LabCancel, LabSessionPublic, LabSessionUpdate

NULLABLE = ("capacity", "measure_id")
"""Fields whose null is a value (no seat limit, no measure); other fields may not be null."""


def _minute(moment: dt.datetime) -> dt.datetime:
    return moment.replace(second=0, microsecond=0)


def _check_changes(
    session: Session, actor: Actor, row: LabSession, changes: dict[str, Any]
) -> None:
    for name, value in changes.items():
        if value is None and name not in NULLABLE:
            raise Invalid(f"{name} darf nicht leer sein.", field=name)
    service_name = changes.get("service_name", row.service_name).strip()
    measure_id = changes.get("measure_id", row.measure_id)
    if not service_name and measure_id is None:
        raise Invalid(
            "Ein Labortermin gehört zu einem Dienst (service_name) oder einer Maßnahme "
            "(measure_id).",
            field="service_name",
        )
    if measure_id is not None and "measure_id" in changes:
        try:
            measure_read_service.measure_get(session, actor=actor, measure_id=int(measure_id))
        except NotFound:
            raise Invalid(f"Maßnahme {measure_id} nicht gefunden.", field="measure_id") from None
    _check_start(row, changes.get("starts_at"))


def _check_start(row: LabSession, starts_at: dt.datetime | None) -> None:
    """A moved start may not lie in the past (an unchanged past start may stay)."""
    moved = starts_at is not None and _minute(starts_at) != _minute(row.starts_at)
    if moved and starts_at is not None and starts_at < utcnow():
        raise Invalid(
            "Der Beginn darf nicht in der Vergangenheit liegen; bitte einen künftigen "
            "Zeitpunkt wählen.",
            field="starts_at",
        )


def _check_capacity(session: Session, row: LabSession, capacity: int | None) -> None:
    confirmed = lab_service._count(session, row.id, RegistrationStatus.CONFIRMED)
    if capacity is not None and capacity < confirmed:
        raise Invalid(
            f"Plätze: {confirmed} Personen sind schon fest angemeldet; die Zahl der Plätze "
            f"darf nicht unter {confirmed} sinken (leer lassen: ohne Begrenzung).",
            field="capacity",
        )


def _move_up(session: Session, row: LabSession) -> list[int | None]:
    """Give freed seats to the waiting list, first come first served; the moved user ids."""
    waiting = session.scalars(
        select(LabSignup)
        .where(LabSignup.session_id == row.id, LabSignup.status == RegistrationStatus.WAITING)
        .order_by(LabSignup.created_at, LabSignup.id)
    ).all()
    confirmed = lab_service._count(session, row.id, RegistrationStatus.CONFIRMED)
    moved = waiting[: seats.free_seats(confirmed, row.capacity, len(waiting))]
    for signup in moved:
        signup.status = RegistrationStatus.CONFIRMED
    session.flush()
    return [s.user_id for s in moved]


CANCELLED = "Der Labortermin ist abgesagt und kann nicht mehr geändert werden."


def _locked(session: Session, actor: Actor, session_id: int) -> LabSession:
    """The visible, not cancelled session, locked for the change (editors of its department)."""
    row = lab_service._visible(session, session_id)
    check_department(actor, row.department_id)
    session.execute(update(LabSession).where(LabSession.id == row.id).values(id=LabSession.id))
    session.refresh(row)
    if row.cancelled_at is not None:
        raise Conflict(CANCELLED)
    return row


@requires(Permission.CONTENT_EDIT)
def lab_session_cancel(
    session: Session, *, actor: Actor, session_id: int, data: LabCancel
) -> LabSessionPublic:
    """Call a session off with a reason (editors of its department, admins); a cancelled one
    answers 409. Sign-ups stay as they were (the page says the session is cancelled)."""
    reason = data.reason.strip()
    if len(reason) < 3:
        raise Invalid("Bitte nennen Sie einen Grund für die Absage.", field="reason")
    row = _locked(session, actor, session_id)
    row.cancelled_at, row.cancel_reason = utcnow(), reason
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="lab.cancel",
        entity_type="lab_session",
        entity_id=row.id,
        after={"reason": reason, "starts_at": row.starts_at.isoformat()},
    )
    return lab_service.lab_get(session, actor=actor, session_id=row.id)


@requires(Permission.CONTENT_EDIT)
def lab_session_update(
    session: Session, *, actor: Actor, session_id: int, data: LabSessionUpdate
) -> LabSessionPublic:
    """Change a session (editors of its department, admins); see the module's rules."""
    row = _locked(session, actor, session_id)
    before = lab_service.lab_get(session, actor=actor, session_id=row.id)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    _check_changes(session, actor, row, changes)
    _check_capacity(session, row, changes.get("capacity", row.capacity))
    for name, value in changes.items():
        setattr(row, name, value.strip() if isinstance(value, str) else value)
    session.flush()
    moved = _move_up(session, row)
    result = lab_service.lab_get(session, actor=actor, session_id=row.id)
    after = result.model_dump(mode="json")
    audit.record(
        session,
        actor=actor,
        action="lab.update",
        entity_type="lab_session",
        entity_id=row.id,
        before=before.model_dump(mode="json"),
        after={**after, "moved_up": moved} if moved else after,
    )
    return result
