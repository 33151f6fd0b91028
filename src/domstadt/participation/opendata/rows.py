"""Rows of the published tables, read straight from the participation tables (no permission
checks here: ``publish_service`` checks and composes). Every query leaves out drafts and
hidden items and selects no column that names a person (see ``tables.PRIVACY_RULE``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from domstadt.core.auth.models import Department, Organisation
from domstadt.participation.challenges.models import Challenge, Submission, SubmissionStatus
from domstadt.participation.challenges.store import phase_of
from domstadt.participation.events.models import Event, EventRegistration, RegistrationStatus
from domstadt.participation.feedback.models import Feedback, Stance

Row = dict[str, Any]


def iso(moment: dt.datetime | None) -> str:
    """A UTC time as ISO 8601 with 'Z' ("" for none)."""
    if moment is None:
        return ""
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def _published_submission() -> Any:
    return (Submission.status != SubmissionStatus.DRAFT) & Submission.hidden_at.is_(None)


def challenges(session: Session, base: str) -> list[Row]:
    """Every challenge with its phase dates and number of visible submissions."""
    counts = dict(
        session.execute(
            select(Submission.challenge_id, func.count())
            .where(_published_submission())
            .group_by(Submission.challenge_id)
        ).all()
    )
    rows = session.execute(
        select(Challenge, Department.name)
        .join(Department, Department.id == Challenge.department_id, isouter=True)
        .order_by(Challenge.id)
    ).all()
    return [
        {
            "id": c.id,
            "titel": c.title,
            "art": c.kind.value,
            "dienststelle": department or "",
            "phase": phase_of(c).value,
            "einreichung_ab": iso(c.submission_opens),
            "einreichungsschluss": iso(c.review_opens),
            "abstimmung_ab": iso(c.vote_opens),
            "ergebnisse_ab": iso(c.results_at),
            "beitraege": counts.get(c.id, 0),
            "seite": f"{base}/wettbewerbe/{c.id}",
        }
        for c, department in rows
    ]


def submissions(session: Session, base: str) -> list[Row]:
    """Submitted, visible entries; the organisation only when it is verified."""
    verified_name = case((Organisation.verified.is_(True), Organisation.name), else_="")
    rows = session.execute(
        select(
            Submission.id,
            Submission.challenge_id,
            Submission.title,
            Submission.status,
            verified_name,
            Submission.submitted_at,
            Submission.measure_id,
        )
        .join(Organisation, Organisation.id == Submission.organisation_id, isouter=True)
        .where(_published_submission())
        .order_by(Submission.challenge_id, Submission.id)
    ).all()
    return [
        {
            "id": sid,
            "wettbewerb_id": cid,
            "titel": title,
            "status": SubmissionStatus(status).value,
            "organisation": organisation or "",
            "eingereicht_am": submitted.astimezone(dt.UTC).date().isoformat() if submitted else "",
            "massnahme_id": measure_id,
            "seite": f"{base}/wettbewerbe/{cid}#beitrag-{sid}",
        }
        for sid, cid, title, status, organisation, submitted, measure_id in rows
    ]


def hidden_submission_ids(session: Session, challenge_id: int) -> set[int]:
    """Submissions of a challenge the moderators hid (left out of the vote table)."""
    return set(
        session.scalars(
            select(Submission.id).where(
                Submission.challenge_id == challenge_id, Submission.hidden_at.is_not(None)
            )
        ).all()
    )


def events(session: Session, base: str) -> list[Row]:
    """Visible events with organiser and confirmed registrations."""
    confirmed = dict(
        session.execute(
            select(EventRegistration.event_id, func.count())
            .where(EventRegistration.status == RegistrationStatus.CONFIRMED)
            .group_by(EventRegistration.event_id)
        ).all()
    )
    rows = session.execute(
        select(Event, Department.name, Organisation.name)
        .join(Department, Department.id == Event.department_id, isouter=True)
        .join(Organisation, Organisation.id == Event.organisation_id, isouter=True)
        .where(Event.hidden_at.is_(None))
        .order_by(Event.starts_at, Event.id)
    ).all()
    return [
        {
            "id": e.id,
            "titel": e.title,
            "art": e.kind.value,
            "status": e.status.value,
            "beginn": iso(e.starts_at),
            "ende": iso(e.ends_at),
            "ort": e.place,
            "online": e.online_url,
            "veranstalter": department or organisation or "",
            "anmeldungen": confirmed.get(e.id, 0),
            "plaetze": e.capacity,
            "seite": f"{base}/veranstaltungen/{e.id}",
        }
        for e, department, organisation in rows
    ]


def feedback_counts(session: Session) -> list[Row]:
    """Per measure: visible feedback by stance and mean relevance (no texts, no names)."""

    def stance_count(stance: Stance) -> Any:
        return func.sum(case((Feedback.stance == stance, 1), else_=0))

    rows = session.execute(
        select(
            Feedback.measure_id,
            func.count(),
            stance_count(Stance.SUPPORT),
            stance_count(Stance.NEUTRAL),
            stance_count(Stance.CONCERN),
            func.avg(Feedback.relevance),
        )
        .where(Feedback.hidden_at.is_(None))
        .group_by(Feedback.measure_id)
        .order_by(Feedback.measure_id)
    ).all()
    return [
        {
            "massnahme_id": mid,
            "rueckmeldungen": int(count),
            "unterstuetzung": int(support or 0),
            "neutral": int(neutral or 0),
            "bedenken": int(concern or 0),
            "relevanz_mittel": round(float(mean), 2) if mean is not None else None,
        }
        for mid, count, support, neutral, concern, mean in rows
    ]
