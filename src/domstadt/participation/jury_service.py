"""Jury operations: a juror scores a submission per criterion within the challenge's scale,
during the review phase, never a submission of their own or of their organisation (the rules
live in ``challenges/scoring.py``, shared with pitches)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, requires
from domstadt.core.errors import Conflict, Forbidden
from domstadt.participation.challenges import jury, store
from domstadt.participation.challenges.models import Juror, Score, SubmissionStatus
from domstadt.participation.challenges.phases import Phase
from domstadt.participation.challenges.schemas import ScoreSheet
from domstadt.participation.challenges.scoring import CONFLICT_RULE, check_sheet, is_conflicted


@requires(Permission.FEEDBACK_WRITE)
def score_submission(
    session: Session, *, actor: Actor, submission_id: int, data: ScoreSheet
) -> int:
    """Store (or replace) a juror's scores with comments; returns how many were written."""
    sub = store.get_submission(session, submission_id)
    row = store.get_challenge(session, sub.challenge_id)
    if actor.user_id is None or not session.scalar(
        select(Juror.id).where(Juror.challenge_id == row.id, Juror.user_id == actor.user_id)
    ):
        raise Forbidden("Nur Mitglieder der Jury dieses Wettbewerbs vergeben Punkte.")
    if store.phase_of(row) != Phase.REVIEW:
        raise Conflict("Punkte werden nur in der Jury-Phase vergeben.")
    if sub.status == SubmissionStatus.DRAFT:
        raise Conflict("Entwürfe werden nicht bewertet.")
    if is_conflicted(actor, sub.user_id, sub.organisation_id):
        raise Conflict(CONFLICT_RULE)
    check_sheet(row.criteria, row.scale_min, row.scale_max, data.scores)
    jury.write_scores(
        session,
        model=Score,
        owner="submission_id",
        owner_id=sub.id,
        juror_id=actor.user_id,
        scores=data.scores,
    )
    audit.record(
        session,
        actor=actor,
        action="submission.score",
        entity_type="challenge_submission",
        entity_id=sub.id,
        after=data,
    )
    return len(data.scores)
