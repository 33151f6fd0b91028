"""The kinds of user text registered with the moderation engine: feedback on measures,
challenge submissions, events, organisation texts and pitches to problem statements. Lab
findings and lab sessions are written by city staff (editors), not by the public, and keep
their own hide action."""

from __future__ import annotations

from sqlalchemy.orm import Session

from domstadt.core.auth.models import Organisation
from domstadt.core.db import utcnow
from domstadt.core.text import remove_text, upsert_text
from domstadt.participation.challenges.models import Submission, SubmissionStatus
from domstadt.participation.events.models import Event
from domstadt.participation.feedback.models import Feedback
from domstadt.participation.moderation.hidden import hidden_ids
from domstadt.participation.moderation.registry import Item, register
from domstadt.participation.pitches.models import Pitch

Flagged = Feedback | Submission | Event


def _flag(row: Flagged | None, reason: str, by: str) -> None:
    if row is not None:
        row.hidden_at, row.hidden_reason, row.hidden_by = utcnow(), reason[:500], by[:400]


def _unflag(row: Flagged | None) -> None:
    if row is not None:
        row.hidden_at, row.hidden_reason, row.hidden_by = None, "", ""


def _feedback(session: Session, item_id: int) -> Item | None:
    row = session.get(Feedback, item_id)
    if row is None:
        return None
    return Item(
        title=f"Feedback von {row.author_name}",
        text=row.comment,
        url=f"/massnahmen/{row.measure_id}#feedback-{row.id}",
        hidden=row.hidden_at is not None,
        owner_ids=(row.user_id,) if row.user_id else (),
    )


def _submission(session: Session, item_id: int) -> Item | None:
    row = session.get(Submission, item_id)
    if row is None or row.status == SubmissionStatus.DRAFT:
        return None
    return Item(
        title=row.title,
        text=row.summary,
        url=f"/wettbewerbe/beitraege/{row.id}",
        hidden=row.hidden_at is not None,
        owner_ids=(row.user_id,) if row.user_id else (),
        organisation_id=row.organisation_id,
    )


def _event(session: Session, item_id: int) -> Item | None:
    row = session.get(Event, item_id)
    if row is None:
        return None
    return Item(
        title=row.title,
        text=row.description,
        url=f"/veranstaltungen/{row.id}",
        hidden=row.hidden_at is not None,
        organisation_id=row.organisation_id,
    )


def _organisation(session: Session, item_id: int) -> Item | None:
    row = session.get(Organisation, item_id)
    if row is None:
        return None
    return Item(
        title=row.name,
        text=row.description,
        url=f"/organisationen/{row.id}",
        hidden=bool(hidden_ids(session, "organisation", [row.id])),
        organisation_id=row.id,
    )


def _pitch(session: Session, item_id: int) -> Item | None:
    row = session.get(Pitch, item_id)
    if row is None:
        return None
    return Item(
        title=row.title,
        text=row.summary,
        url=f"/fragestellungen/{row.statement_id}#pitch-{row.id}",
        hidden=bool(hidden_ids(session, "pitch", [row.id])),
        organisation_id=row.organisation_id,
    )


register(
    "feedback",
    label="Feedback zu einer Maßnahme",
    load=_feedback,
    entity_type="measure_feedback",
    hide=lambda s, i, reason, by: _flag(s.get(Feedback, i), reason, by),
    unhide=lambda s, i: _unflag(s.get(Feedback, i)),
)


def _submission_hide(session: Session, item_id: int, reason: str, by: str) -> None:
    """Hidden submissions also leave the similarity store ("similar earlier entries")."""
    _flag(session.get(Submission, item_id), reason, by)
    remove_text(session, kind="challenge_submission", entity_id=item_id)


def _submission_unhide(session: Session, item_id: int) -> None:
    row = session.get(Submission, item_id)
    _unflag(row)
    if row is not None:
        text = f"{row.title}\n{row.summary}"
        upsert_text(session, kind="challenge_submission", entity_id=item_id, text=text)


register(
    "challenge_submission",
    label="Beitrag zu einem Wettbewerb",
    load=_submission,
    hide=_submission_hide,
    unhide=_submission_unhide,
)
register(
    "event",
    label="Veranstaltung",
    load=_event,
    hide=lambda s, i, reason, by: _flag(s.get(Event, i), reason, by),
    unhide=lambda s, i: _unflag(s.get(Event, i)),
)
# Organisation texts (description) are hidden by the engine's content_hidden row; the
# organisation's name and verification stay visible.
register("organisation", label="Texte einer Organisation", load=_organisation)
# Pitches: the public sees their titles in the pitch event's programme and the ranking; a
# hidden pitch shows there as hidden (store.programme, problem_statement_service.results).
register("pitch", label="Pitch zu einer Fragestellung", load=_pitch)
