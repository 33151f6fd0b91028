"""Loading challenges and submissions and turning rows into their public shapes (shared by
the challenge, submission, jury and vote services; no permission checks here)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domstadt.core.auth.models import Department, User
from domstadt.core.db import utcnow
from domstadt.core.errors import Invalid, NotFound
from domstadt.participation.challenges.models import (
    Attachment,
    Challenge,
    Juror,
    Submission,
    SubmissionStatus,
)
from domstadt.participation.challenges.phases import Phase, phase_at
from domstadt.participation.challenges.ranking import TIE_RULE
from domstadt.participation.challenges.schemas import (
    AttachmentPublic,
    ChallengePublic,
    ChallengeSummary,
    CriterionIn,
    SubmissionPublic,
    SubmissionSummary,
)

HIDDEN_TEXT = "[Von der Moderation ausgeblendet]"


def phase_of(challenge: Challenge, now: dt.datetime | None = None) -> Phase:
    """The challenge's phase now (or at ``now``)."""
    return phase_at(
        now or utcnow(),
        submission_opens=challenge.submission_opens,
        review_opens=challenge.review_opens,
        vote_opens=challenge.vote_opens,
        results_at=challenge.results_at,
    )


def department_by_code(session: Session, code: str) -> Department:
    """The owner department of a new challenge or problem statement, or Invalid naming it."""
    department = session.scalar(select(Department).where(Department.code == code))
    if department is None:
        raise Invalid(f"Dienststelle '{code}' gibt es nicht.", field="department")
    return department


def get_challenge(session: Session, challenge_id: int) -> Challenge:
    """The challenge or NotFound."""
    row = session.get(Challenge, challenge_id)
    if row is None:
        raise NotFound(f"Wettbewerb {challenge_id} nicht gefunden.")
    return row


def get_submission(session: Session, submission_id: int) -> Submission:
    """The submission or NotFound."""
    row = session.get(Submission, submission_id)
    if row is None:
        raise NotFound(f"Beitrag {submission_id} nicht gefunden.")
    return row


def weights(challenge: Challenge) -> list[float]:
    """The criteria's weights in order."""
    return [float(c["weight"]) for c in challenge.criteria]


def summary(session: Session, row: Challenge, count: int | None = None) -> ChallengeSummary:
    """The list shape of a challenge."""
    department = session.get(Department, row.department_id)
    if count is None:
        count = session.scalar(
            select(func.count())
            .select_from(Submission)
            .where(
                Submission.challenge_id == row.id,
                Submission.status != SubmissionStatus.DRAFT,
            )
        )
    return ChallengeSummary(
        id=row.id,
        title=row.title,
        kind=row.kind,
        phase=phase_of(row),
        department=department.name if department else "",
        submission_deadline=row.review_opens,
        submissions=count or 0,
    )


def public(session: Session, row: Challenge) -> ChallengePublic:
    """The full shape of a challenge (without submissions)."""
    department = session.get(Department, row.department_id)
    jurors = session.scalars(
        select(User.name)
        .join(Juror, Juror.user_id == User.id)
        .where(Juror.challenge_id == row.id)
        .order_by(User.name)
    ).all()
    return ChallengePublic(
        **summary(session, row).model_dump(),
        question=row.question,
        department_code=department.code if department else "",
        rules=row.rules,
        prizes=row.prizes,
        criteria=[CriterionIn(**c) for c in row.criteria],
        scale_min=row.scale_min,
        scale_max=row.scale_max,
        measure_ids=list(row.measure_ids),
        dataset_names=list(row.dataset_names),
        submission_opens=row.submission_opens,
        review_opens=row.review_opens,
        vote_opens=row.vote_opens,
        results_at=row.results_at,
        vote_changeable=row.vote_changeable,
        exclude_late_accounts=row.exclude_late_accounts,
        jurors=list(jurors),
        tie_rule=TIE_RULE,
    )


def submission_summary(row: Submission) -> SubmissionSummary:
    """The list shape of a submission (a hidden one shows no title)."""
    return SubmissionSummary(
        id=row.id,
        title=HIDDEN_TEXT if row.hidden_at else row.title,
        status=row.status,
        author_name=row.author_name,
        organisation_name=row.organisation_name,
    )


def submission_public(session: Session, row: Submission) -> SubmissionPublic:
    """The full shape of a submission with its attachments."""
    files = session.scalars(
        select(Attachment).where(Attachment.submission_id == row.id).order_by(Attachment.id)
    ).all()
    return SubmissionPublic(
        **submission_summary(row).model_dump(),
        challenge_id=row.challenge_id,
        summary="" if row.hidden_at else row.summary,
        hidden=row.hidden_at is not None,
        organisation_id=row.organisation_id,
        submitted_at=row.submitted_at,
        measure_id=row.measure_id,
        initiative_id=row.initiative_id,
        attachments=[
            AttachmentPublic(
                id=f.id,
                filename=f.filename,
                media_type=f.media_type,
                size=f.size,
                url=f"/wettbewerbe/anhaenge/{f.id}",
            )
            for f in ([] if row.hidden_at else files)
        ],
    )
