"""Public vote: one vote per signed-in account per challenge, only in the vote phase, for a
submission of that challenge.

The hot path is lean (issue 10's 50 concurrent voters): one statement reads the challenge's
phase and the chosen submission together, one ``INSERT … ON CONFLICT DO NOTHING`` on the
unique (challenge, account) key both writes the vote and tells whether the account had voted
(no read-then-write, so no race and no aborted transaction), one plain INSERT writes the audit
entry. Nothing else runs inline: votes are not indexed for search and notify nobody.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, requires
from domstadt.core.db import utcnow
from domstadt.core.errors import Conflict, Forbidden, Invalid, NotFound
from domstadt.participation.challenges.models import (
    Challenge,
    Submission,
    SubmissionStatus,
    Vote,
)
from domstadt.participation.challenges.phases import Phase, phase_at
from domstadt.participation.challenges.schemas import VoteIn, VotePublic

ONE_VOTE_RULE = "Jedes Konto hat eine Stimme pro Wettbewerb; Sie haben hier schon abgestimmt."

_TARGET: Any = (
    select(
        Challenge.submission_opens,
        Challenge.review_opens,
        Challenge.vote_opens,
        Challenge.results_at,
        Challenge.vote_changeable,
        Submission.id,
        Submission.status,
        Submission.hidden_at,
    )
    .select_from(Challenge)
    .outerjoin(
        Submission,
        and_(Submission.id == bindparam("submission"), Submission.challenge_id == Challenge.id),
    )
    .where(Challenge.id == bindparam("challenge"))
)
"""The challenge's phase dates and vote rule with the chosen submission, if it is one of its."""

_VOTE_TABLE: Any = Vote.__table__
_INSERTS: dict[str, Any] = {
    name: dialect_insert(_VOTE_TABLE)
    .on_conflict_do_nothing(index_elements=["challenge_id", "user_id"])
    .returning(_VOTE_TABLE.c.id)
    for name, dialect_insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}
"""The vote INSERT per dialect: no row back means the account has voted already."""

_EXISTING: Any = (
    select(Vote.submission_id)
    .where(Vote.challenge_id == bindparam("challenge"), Vote.user_id == bindparam("user"))
    .with_for_update()
)
_MOVE: Any = (
    update(Vote)
    .where(Vote.challenge_id == bindparam("challenge"), Vote.user_id == bindparam("user"))
    .values(submission_id=bindparam("submission"))
    .returning(Vote.created_at)
)


def _check_target(target: Any, challenge_id: int, submission_id: int) -> bool:
    """Raise unless the challenge is in its vote phase and the submission can be voted for;
    whether the challenge lets votes change."""
    if target is None:
        raise NotFound(f"Wettbewerb {challenge_id} nicht gefunden.")
    opens, review, vote, results, changeable, sub_id, status, hidden_at = target
    phase = phase_at(
        utcnow(), submission_opens=opens, review_opens=review, vote_opens=vote, results_at=results
    )
    if phase != Phase.VOTE:
        when = "hat noch nicht begonnen" if phase != Phase.RESULTS else "ist beendet"
        raise Conflict(f"Die öffentliche Abstimmung {when}; Stimmen nur in der Abstimmungsphase.")
    if sub_id is None:
        raise Invalid(
            f"Beitrag {submission_id} gehört nicht zu Wettbewerb {challenge_id}.",
            field="submission_id",
        )
    if status == SubmissionStatus.DRAFT or hidden_at is not None:
        raise Invalid(
            f"Für Beitrag {submission_id} kann nicht abgestimmt werden.", field="submission_id"
        )
    return bool(changeable)


@requires(Permission.FEEDBACK_WRITE)
def vote_cast(
    session: Session, *, actor: Actor, challenge_id: int, data: VoteIn
) -> tuple[VotePublic, bool]:
    """Vote for a submission; returns (vote, created). A second vote is refused unless the
    challenge lets votes change during the vote phase, then it moves the vote."""
    if actor.user_id is None:
        raise Forbidden("Abstimmen können nur angemeldete Personen mit einem Konto.")
    keys = {"challenge": challenge_id, "submission": data.submission_id, "user": actor.user_id}
    target = session.connection().execute(_TARGET, keys).first()  # Core: no ORM loading
    changeable = _check_target(target, challenge_id, data.submission_id)
    now = utcnow()
    insert = _INSERTS[session.get_bind().dialect.name]
    created = session.execute(
        insert,
        {
            "challenge_id": challenge_id,
            "submission_id": data.submission_id,
            "user_id": actor.user_id,
            "created_at": now,
        },
    ).first()
    if created is None:
        return _move(session, actor, keys, changeable), False
    audit.record(
        session,
        actor=actor,
        action="vote.cast",
        entity_type="challenge",
        entity_id=challenge_id,
        after={"submission_id": data.submission_id},
    )
    return VotePublic(
        challenge_id=challenge_id, submission_id=data.submission_id, created_at=now
    ), True


def _move(session: Session, actor: Actor, keys: dict[str, int], changeable: bool) -> VotePublic:
    """The account has voted: move its vote where the challenge allows it, else 409."""
    if not changeable:
        raise Conflict(ONE_VOTE_RULE)
    before = session.scalar(_EXISTING, keys)
    created_at = session.scalar(_MOVE, keys)
    audit.record(
        session,
        actor=actor,
        action="vote.change",
        entity_type="challenge",
        entity_id=keys["challenge"],
        before={"submission_id": before},
        after={"submission_id": keys["submission"]},
    )
    return VotePublic(
        challenge_id=keys["challenge"], submission_id=keys["submission"], created_at=created_at
    )
