"""The ranking of a challenge computed in SQL (SQLite and PostgreSQL alike), so a page of it
costs one query however many entries and votes there are (issue 10: 10,000 submissions and
100,000 votes).

Jury score: per criterion the mean of its jurors' values, then the mean weighted by the
criteria's weights over the criteria somebody scored (``ranking`` module docstring). Order:
scored before unscored, higher jury score (rounded to 3 decimals), more counted votes,
earlier submission, lower id (``ranking.TIE_RULE``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Numeric, case, cast, func, literal, select
from sqlalchemy.orm import Session

from domstadt.core.auth.models import User
from domstadt.participation.challenges.models import (
    Challenge,
    Score,
    Submission,
    SubmissionStatus,
    Vote,
)


def _entries_of(challenge_id: int) -> Any:
    return (Submission.challenge_id == challenge_id) & (Submission.status != SubmissionStatus.DRAFT)


def counted_votes(row: Challenge) -> Any:
    """SELECT of the counted votes' submission ids: without late accounts when the challenge
    excludes them. A vote's submission belongs to its challenge (vote_service checks), so
    votes are found through the challenge's submissions: on SQLite a covering index scan of
    ``challenge_vote.submission_id`` instead of 100,000 row lookups and a sort."""
    entries = select(Submission.id).where(Submission.challenge_id == row.id)
    stmt = select(Vote.submission_id).where(Vote.submission_id.in_(entries))
    if row.exclude_late_accounts:
        stmt = stmt.join(User, User.id == Vote.user_id).where(
            Vote.challenge_id == row.id, User.created_at <= row.vote_opens
        )
    return stmt


def _jury(row: Challenge, weights: list[float]) -> Any:
    """Subquery (sid, score): one pass grouped by submission only, each criterion's sum and
    count as conditional aggregates (no second grouping by criterion, no temporary sort on
    SQLite: the submission index gives the order)."""
    entries = select(Submission.id).where(Submission.challenge_id == row.id)
    parts = []
    for c in range(len(weights)):
        parts.append(func.sum(case((Score.criterion == c, Score.value), else_=0)).label(f"s{c}"))
        parts.append(func.sum(case((Score.criterion == c, 1), else_=0)).label(f"n{c}"))
    sums = (
        select(Score.submission_id.label("sid"), *parts)
        .where(Score.submission_id.in_(entries))
        .group_by(Score.submission_id)
        .subquery()
    )
    weighted: Any = literal(0.0)
    present: Any = literal(0.0)
    for c, w in enumerate(weights):
        n = sums.c[f"n{c}"]
        mean = cast(sums.c[f"s{c}"], Float) / func.nullif(n, 0)
        weighted = weighted + case((n > 0, literal(float(w)) * mean), else_=0.0)
        present = present + case((n > 0, literal(float(w))), else_=0.0)
    score = weighted / func.nullif(present, 0.0)
    return select(sums.c.sid, score.label("score")).subquery()


def ranking_page(
    session: Session,
    row: Challenge,
    weights: list[float],
    *,
    with_jury: bool,
    with_votes: bool,
    limit: int | None,
    offset: int,
) -> list[Any]:
    """Rows (id, title, status, measure_id, initiative_id, hidden_at, score, votes) of places
    ``offset + 1 ...`` (``limit`` of them, or all); score None unscored or not shown."""
    columns: list[Any] = [
        Submission.id,
        Submission.title,
        Submission.status,
        Submission.measure_id,
        Submission.initiative_id,
        Submission.hidden_at,
    ]
    stmt = select(*columns).where(_entries_of(row.id))
    order: list[Any] = []
    if with_jury and weights:
        jury = _jury(row, weights)
        rounded = func.round(cast(jury.c.score, Numeric), 3)
        stmt = stmt.add_columns(jury.c.score).outerjoin(jury, jury.c.sid == Submission.id)
        order += [jury.c.score.is_(None), rounded.desc()]
    else:
        stmt = stmt.add_columns(literal(None).label("score"))
    if with_votes:
        counted = counted_votes(row).subquery()
        votes = (
            select(counted.c.submission_id.label("sid"), func.count().label("n"))
            .group_by(counted.c.submission_id)
            .subquery()
        )
        n = func.coalesce(votes.c.n, 0)
        stmt = stmt.add_columns(n.label("votes")).outerjoin(votes, votes.c.sid == Submission.id)
        order.append(n.desc())
    else:
        stmt = stmt.add_columns(literal(0).label("votes"))
    order += [Submission.submitted_at.is_(None), Submission.submitted_at, Submission.id]
    stmt = stmt.order_by(*order).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.connection().execute(stmt).all())


def entry_count(session: Session, challenge_id: int) -> int:
    """Submitted (non-draft) entries of a challenge."""
    return int(
        session.scalar(
            select(func.count()).select_from(Submission).where(_entries_of(challenge_id))
        )
        or 0
    )
