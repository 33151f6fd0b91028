"""Loading statements and pitches and turning rows into their public shapes (shared by the
statement and pitch services; no permission checks here)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domstadt.core.auth.models import Department, User
from domstadt.core.auth.permissions import Actor, Permission
from domstadt.core.db import utcnow
from domstadt.core.errors import NotFound
from domstadt.participation.challenges.schemas import CriterionIn
from domstadt.participation.events.models import Event
from domstadt.participation.moderation.hidden import hidden_ids
from domstadt.participation.pitches.models import Pitch, PitchJuror, ProblemStatement
from domstadt.participation.pitches.phases import PitchPhase, phase_at
from domstadt.participation.pitches.schemas import (
    PitchPublic,
    SlotPublic,
    StatementPublic,
    StatementSummary,
)

HIDDEN_TITLE = "Von der Moderation ausgeblendet"
"""Shown instead of the title of a pitch that moderators have hidden."""


def phase_of(row: ProblemStatement, now: dt.datetime | None = None) -> PitchPhase:
    """The statement's phase now (or at ``now``)."""
    return phase_at(now or utcnow(), deadline=row.deadline, review_ends=row.review_ends)


def get_statement(session: Session, statement_id: int) -> ProblemStatement:
    """The statement or NotFound."""
    row = session.get(ProblemStatement, statement_id)
    if row is None:
        raise NotFound(f"Fragestellung {statement_id} nicht gefunden.")
    return row


def get_pitch(session: Session, pitch_id: int) -> Pitch:
    """The pitch or NotFound."""
    row = session.get(Pitch, pitch_id)
    if row is None:
        raise NotFound(f"Pitch {pitch_id} nicht gefunden.")
    return row


def is_juror(session: Session, statement_id: int, actor: Actor) -> bool:
    """True when the actor sits on the statement's jury."""
    return actor.user_id is not None and bool(
        session.scalar(
            select(PitchJuror.id).where(
                PitchJuror.statement_id == statement_id, PitchJuror.user_id == actor.user_id
            )
        )
    )


def is_owner(actor: Actor, row: ProblemStatement) -> bool:
    """True for editors of the owner department and admins."""
    return actor.can(Permission.CONTENT_EDIT) and actor.can_edit_department(row.department_id)


def summary(session: Session, row: ProblemStatement, count: int | None = None) -> StatementSummary:
    """The list shape of a statement (the number of pitches, not their content)."""
    department = session.get(Department, row.department_id)
    if count is None:
        count = session.scalar(
            select(func.count()).select_from(Pitch).where(Pitch.statement_id == row.id)
        )
    return StatementSummary(
        id=row.id,
        title=row.title,
        department=department.name if department else "",
        phase=phase_of(row),
        deadline=row.deadline,
        pitches=count or 0,
        url=f"/fragestellungen/{row.id}",
    )


def programme(session: Session, row: ProblemStatement) -> list[SlotPublic]:
    """The pitch event's slots taken so far, in order, with their start times."""
    event = session.get(Event, row.event_id) if row.event_id is not None else None
    if event is None:
        return []
    pitches = session.scalars(
        select(Pitch)
        .where(Pitch.statement_id == row.id, Pitch.slot.is_not(None))
        .order_by(Pitch.slot)
    ).all()
    hidden = hidden_ids(session, "pitch", [p.id for p in pitches])
    return [
        SlotPublic(
            slot=p.slot or 0,
            starts_at=event.starts_at
            + dt.timedelta(minutes=row.slot_minutes * ((p.slot or 1) - 1)),
            pitch_id=p.id,
            title=HIDDEN_TITLE if p.id in hidden else p.title,
            organisation_name=p.organisation_name,
        )
        for p in pitches
    ]


def public(session: Session, row: ProblemStatement) -> StatementPublic:
    """The full shape of a statement (without the pitches' content)."""
    department = session.get(Department, row.department_id)
    jurors = session.scalars(
        select(User.name)
        .join(PitchJuror, PitchJuror.user_id == User.id)
        .where(PitchJuror.statement_id == row.id)
        .order_by(User.name)
    ).all()
    return StatementPublic(
        **summary(session, row).model_dump(),
        question=row.question,
        context=row.context,
        department_code=department.code if department else "",
        review_ends=row.review_ends,
        criteria=[CriterionIn(**c) for c in row.criteria],
        scale_min=row.scale_min,
        scale_max=row.scale_max,
        jurors=list(jurors),
        event_id=row.event_id,
        event_url=f"/veranstaltungen/{row.event_id}" if row.event_id else None,
        pitch_slots=row.pitch_slots,
        slot_minutes=row.slot_minutes,
        programme=programme(session, row),
    )


def pitch_public(row: Pitch) -> PitchPublic:
    """The full shape of a pitch (the deck itself at ``deck_url``)."""
    return PitchPublic(
        id=row.id,
        statement_id=row.statement_id,
        title=row.title,
        summary=row.summary,
        organisation_id=row.organisation_id,
        organisation_name=row.organisation_name,
        author_name=row.author_name,
        video_url=row.video_url,
        team=list(row.team),
        deck_filename=row.deck_filename,
        deck_size=row.deck_size,
        deck_url=f"/fragestellungen/pitches/{row.id}/deck.pdf",
        status=row.status,
        slot=row.slot,
        submitted_at=row.submitted_at,
    )
