"""Row-level helpers of the practice service: the list query, conversion to schemas, writing
an imported practice, ratings and their aggregates. ``practice_service`` calls these after
its permission checks and writes the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from domstadt.core.db import utcnow
from domstadt.core.errors import NotFound
from domstadt.core.text import index_document, matches
from domstadt.funding.practices.models import Practice, PracticeRating
from domstadt.funding.practices.rows import PracticeData
from domstadt.funding.practices.schemas import (
    CriterionAggregate,
    PracticeFilter,
    PracticePublic,
    PracticeSummary,
    RatingPublic,
)
from domstadt.funding.practices.vocab import CRITERIA

SEARCH_KIND = "practice"
_FIELDS = tuple(f for f in PracticeData.__dataclass_fields__ if f != "external_id")


def summary(row: Practice) -> PracticeSummary:
    """A row as a list item."""
    return PracticeSummary(
        id=row.id, title=row.title, city=row.city, country=row.country,
        organisation=row.organisation, technology=row.technology,
        topics=[str(t) for t in row.topics or []], status=row.status, url=row.url,
        source=row.source,
    )  # fmt: skip


def public(session: Session, row: Practice) -> PracticePublic:
    """A row with its ratings (newest first) and their aggregate per criterion."""
    ratings = list(
        session.scalars(
            select(PracticeRating)
            .where(PracticeRating.practice_id == row.id)
            .order_by(PracticeRating.updated_at.desc(), PracticeRating.id.desc())
        )
    )
    return PracticePublic(
        **summary(row).model_dump(),
        external_id=row.external_id, problem=row.problem, solution=row.solution,
        data_used=row.data_used, cost=row.cost, duration=row.duration, outcome=row.outcome,
        contact=row.contact, licence=row.licence, updated_at=row.updated_at,
        aggregate=aggregate(ratings),
        ratings=[
            RatingPublic(reviewer=r.reviewer, scores=dict(r.scores or {}), comment=r.comment,
                         updated_at=r.updated_at)
            for r in ratings
        ],
        reviewers=len(ratings),
    )  # fmt: skip


def aggregate(ratings: list[PracticeRating]) -> list[CriterionAggregate]:
    """Mean and count per criterion (criteria nobody rated have mean None, count 0)."""
    out = []
    for criterion, label in CRITERIA.items():
        given = [int(r.scores[criterion]) for r in ratings if criterion in (r.scores or {})]
        mean = round(sum(given) / len(given), 2) if given else None
        out.append(
            CriterionAggregate(criterion=criterion, label=label, mean=mean, count=len(given))
        )
    return out


def get(session: Session, practice_id: int) -> Practice:
    """The practice or NotFound."""
    row = session.get(Practice, practice_id)
    if row is None:
        raise NotFound(f"Es gibt kein Praxisbeispiel mit der Nummer {practice_id}.")
    return row


def _like(text: str) -> str:
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def filtered(session: Session, filters: PracticeFilter) -> Select[Any] | None:
    """The ids of practices matching ``filters``; None when ``q`` has no searchable word."""
    stmt = select(Practice.id)
    if filters.q.strip():
        found = matches(session, filters.q, kinds=[SEARCH_KIND])
        if found is None:
            return None
        stmt = stmt.join(found, found.c.entity_id == Practice.id)
    if filters.technology.strip():
        stmt = stmt.where(
            func.lower(Practice.technology).like(_like(filters.technology), escape="\\")
        )
    if filters.status:
        stmt = stmt.where(Practice.status == filters.status)
    if filters.city.strip():
        pattern = _like(filters.city)
        stmt = stmt.where(
            or_(
                func.lower(Practice.city).like(pattern, escape="\\"),
                func.lower(Practice.organisation).like(pattern, escape="\\"),
            )
        )
    return stmt


def page(session: Session, filters: PracticeFilter) -> tuple[int, list[Practice]]:
    """Count and one page in title order."""
    stmt = filtered(session, filters)
    if stmt is None:
        return 0, []
    count = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        select(Practice)
        .where(Practice.id.in_(stmt))
        .order_by(Practice.title, Practice.id)
        .offset(filters.offset)
        .limit(filters.limit)
    )
    return count, list(rows)


def technologies(session: Session) -> list[str]:
    """Every technology named, for the list filter."""
    rows = session.scalars(select(Practice.technology).where(Practice.technology != "").distinct())
    return sorted(rows)


def existing(session: Session, source: str) -> dict[str, tuple[int, str]]:
    """Id and content hash of the practices of ``source``, by external id."""
    rows = session.execute(
        select(Practice.external_id, Practice.id, Practice.content_hash).where(
            Practice.source == source
        )
    )
    return {external_id: (pid, content_hash) for external_id, pid, content_hash in rows}


def add(session: Session, source: str, data: PracticeData) -> Practice:
    """Insert a new practice (flushed, so it has an id) and index its text."""
    now = utcnow()
    row = Practice(
        source=source, external_id=data.external_id, content_hash=data.content_hash(),
        created_at=now, updated_at=now, **data.content(),
    )  # fmt: skip
    session.add(row)
    session.flush()
    index(session, row)
    return row


def change(session: Session, row: Practice, data: PracticeData) -> dict[str, Any]:
    """Apply ``data`` to ``row``; returns the changed fields' old values."""
    before = {name: getattr(row, name) for name in _FIELDS}
    new = data.content()
    changed = {k: before[k] for k in _FIELDS if before[k] != new[k]}
    for name, value in new.items():
        setattr(row, name, value)
    row.content_hash = data.content_hash()
    row.updated_at = utcnow()
    index(session, row)
    return changed


def index(session: Session, row: Practice) -> None:
    """Keep the practice's full-text document (title; city, technology, topics, texts)."""
    body = "\n".join(
        [row.city, row.organisation, row.country, row.technology,
         " ".join(str(t) for t in row.topics or []), row.problem, row.solution, row.data_used,
         row.outcome]
    )  # fmt: skip
    index_document(session, kind=SEARCH_KIND, entity_id=row.id, title=row.title, body=body)


def rating_of(session: Session, practice_id: int, user_id: int) -> PracticeRating | None:
    """A reviewer's rating of a practice, if any."""
    return session.scalar(
        select(PracticeRating).where(
            PracticeRating.practice_id == practice_id, PracticeRating.user_id == user_id
        )
    )


def all_rows(session: Session, limit: int = 5000) -> list[Practice]:
    """Every practice (bounded), in id order: the pool similarity works on."""
    return list(session.scalars(select(Practice).order_by(Practice.id).limit(limit)))
