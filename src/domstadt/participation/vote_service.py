"""Public vote: one vote per signed-in account per challenge, only in the vote phase, for a
submission of that challenge; a unique constraint makes double counting impossible."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, requires
from domstadt.core.db import utcnow
from domstadt.core.errors import Conflict, Forbidden, Invalid
from domstadt.participation.challenges import store
from domstadt.participation.challenges.models import Submission, SubmissionStatus, Vote
from domstadt.participation.challenges.phases import Phase
from domstadt.participation.challenges.schemas import VoteIn, VotePublic

ONE_VOTE_RULE = "Jedes Konto hat eine Stimme pro Wettbewerb; Sie haben hier schon abgestimmt."


def _candidate(session: Session, challenge_id: int, submission_id: int) -> Submission:
    sub = session.get(Submission, submission_id)
    if sub is None or sub.challenge_id != challenge_id:
        raise Invalid(
            f"Beitrag {submission_id} gehört nicht zu Wettbewerb {challenge_id}.",
            field="submission_id",
        )
    if sub.status == SubmissionStatus.DRAFT or sub.hidden_at is not None:
        raise Invalid(
            f"Für Beitrag {submission_id} kann nicht abgestimmt werden.", field="submission_id"
        )
    return sub


@requires(Permission.FEEDBACK_WRITE)
def vote_cast(
    session: Session, *, actor: Actor, challenge_id: int, data: VoteIn
) -> tuple[VotePublic, bool]:
    """Vote for a submission; returns (vote, created). A second vote is refused unless the
    challenge lets votes change during the vote phase, then it moves the vote."""
    if actor.user_id is None:
        raise Forbidden("Abstimmen können nur angemeldete Personen mit einem Konto.")
    row = store.get_challenge(session, challenge_id)
    phase = store.phase_of(row)
    if phase != Phase.VOTE:
        when = "hat noch nicht begonnen" if phase != Phase.RESULTS else "ist beendet"
        raise Conflict(f"Die öffentliche Abstimmung {when}; Stimmen nur in der Abstimmungsphase.")
    _candidate(session, challenge_id, data.submission_id)
    existing = session.scalar(
        select(Vote).where(Vote.challenge_id == challenge_id, Vote.user_id == actor.user_id)
    )
    if existing is not None:
        if not row.vote_changeable:
            raise Conflict(ONE_VOTE_RULE)
        before = existing.submission_id
        existing.submission_id = data.submission_id
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="vote.change",
            entity_type="challenge",
            entity_id=challenge_id,
            before={"submission_id": before},
            after={"submission_id": data.submission_id},
        )
        return _public(existing), False
    vote = Vote(
        challenge_id=challenge_id,
        submission_id=data.submission_id,
        user_id=actor.user_id,
        created_at=utcnow(),
    )
    session.add(vote)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(ONE_VOTE_RULE) from None
    audit.record(
        session,
        actor=actor,
        action="vote.cast",
        entity_type="challenge",
        entity_id=challenge_id,
        after={"submission_id": data.submission_id},
    )
    return _public(vote), True


def _public(vote: Vote) -> VotePublic:
    return VotePublic(
        challenge_id=vote.challenge_id, submission_id=vote.submission_id, created_at=vote.created_at
    )
