"""A winning submission goes on (issue 10, S3.1): in one step it becomes a masterplan measure
or an initiative of the register, linked both ways, so its progress can be followed. The
measure or initiative links back to the challenge; the submission stores what it became."""

from __future__ import annotations

from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.models import Department
from domstadt.core.auth.permissions import Actor, Permission, check_department, requires
from domstadt.core.errors import Conflict, NotFound
from domstadt.masterplan import measure_service
from domstadt.masterplan.registry import service as registry_service
from domstadt.masterplan.registry.schemas import InitiativeCreate
from domstadt.masterplan.schemas import LinkIn, MeasureCreate
from domstadt.participation.challenges import store
from domstadt.participation.challenges.models import Challenge, Submission, SubmissionStatus
from domstadt.participation.challenges.schemas import (
    InitiativeFromWinner,
    MeasureFromWinner,
    WinnerInitiative,
    WinnerMeasure,
)


def _winner(session: Session, actor: Actor, submission_id: int) -> tuple[Submission, Challenge]:
    """The submission and its challenge, if the actor edits for its department and it won
    and has not gone on yet."""
    sub = store.get_submission(session, submission_id)
    row = store.get_challenge(session, sub.challenge_id)
    check_department(actor, row.department_id)
    if sub.status != SubmissionStatus.WINNER:
        raise Conflict(
            "Nur ein Gewinnerbeitrag wird zur Maßnahme oder Initiative; setzen Sie zuerst den "
            "Status „Gewinner“."
        )
    if sub.measure_id is not None:
        raise Conflict(f"Dieser Beitrag ist schon Maßnahme {sub.measure_id}.")
    if sub.initiative_id is not None:
        raise Conflict(f"Dieser Beitrag ist schon Initiative {sub.initiative_id}.")
    return sub, row


def _back_link(site_url: str, row: Challenge, sub: Submission) -> str:
    return f"{site_url.rstrip('/')}/wettbewerbe/{row.id}#beitrag-{sub.id}"


@requires(Permission.CONTENT_EDIT)
def winner_to_measure(
    session: Session,
    *,
    actor: Actor,
    submission_id: int,
    data: MeasureFromWinner,
    site_url: str,
) -> WinnerMeasure:
    """Create a masterplan measure from a winning submission, linked both ways: the measure
    links back to the challenge ("aus Wettbewerb …"), the submission stores the measure."""
    sub, row = _winner(session, actor, submission_id)
    department = session.get(Department, row.department_id)
    if department is None:
        raise NotFound("Die Dienststelle des Wettbewerbs gibt es nicht mehr.")
    measure = measure_service.measure_create(
        session,
        actor=actor,
        data=MeasureCreate(
            code=data.code,
            title=sub.title,
            summary=sub.summary[:2000],
            lead_department=department.code,
            fields=data.fields or None,
            links=[
                LinkIn(
                    title=f"aus Wettbewerb: {row.title}",
                    url=_back_link(site_url, row, sub),
                    kind="website",
                )
            ],
        ),
    )
    sub.measure_id = measure.id
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="challenge.winner_to_measure",
        entity_type="challenge_submission",
        entity_id=sub.id,
        after={"measure_id": measure.id, "measure_code": measure.code},
    )
    return WinnerMeasure(
        submission_id=sub.id,
        measure_id=measure.id,
        measure_code=measure.code,
        url=f"/massnahmen/{measure.id}",
    )


@requires(Permission.CONTENT_EDIT)
def winner_to_initiative(
    session: Session,
    *,
    actor: Actor,
    submission_id: int,
    data: InitiativeFromWinner,
    site_url: str,
) -> WinnerInitiative:
    """Register a winning submission as an initiative (S6.2 register), linked both ways: its
    web address is the challenge's page, the submission stores the initiative. The
    submitting organisation (if any) owns it."""
    sub, row = _winner(session, actor, submission_id)
    initiative = registry_service.initiative_create(
        session,
        actor=actor,
        data=InitiativeCreate(
            title=sub.title,
            description=sub.summary.strip() or sub.title,
            code=data.code,
            owner_organisation_id=sub.organisation_id,
            owner_name=sub.organisation_name or sub.author_name,
            website=_back_link(site_url, row, sub),
        ),
    )
    sub.initiative_id = initiative.id
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="challenge.winner_to_initiative",
        entity_type="challenge_submission",
        entity_id=sub.id,
        after={"initiative_id": initiative.id, "initiative_code": initiative.code},
    )
    return WinnerInitiative(
        submission_id=sub.id, initiative_id=initiative.id, url=f"/initiativen/{initiative.id}"
    )
