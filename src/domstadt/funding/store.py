"""Row-level helpers of the funding services: the list query, conversion to schemas, and
writing an imported programme (added / changed with a version / unchanged).

The ``funding_*service`` modules call these after their permission checks and write the
audit log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, and_, case, func, insert, or_, select, update
from sqlalchemy.orm import Session

from domstadt.core.db import utcnow
from domstadt.core.errors import NotFound
from domstadt.core.text import index_document, index_documents, matches
from domstadt.funding.models import FundingProgramme, FundingProgrammeVersion
from domstadt.funding.rows import HASHED, ProgrammeData
from domstadt.funding.schemas import (
    ProgrammeFilter,
    ProgrammePublic,
    ProgrammeSummary,
    ProgrammeVersionPublic,
)
from domstadt.funding.status import status_on

SEARCH_KIND = "funding_programme"


def today() -> dt.date:
    """The day in Cologne (deadlines are calendar days there)."""
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo("Europe/Berlin")).date()


def summary(row: FundingProgramme, day: dt.date) -> ProgrammeSummary:
    """A row as a list item with its status on ``day``."""
    return ProgrammeSummary(
        id=row.id,
        title=row.title,
        provider=row.provider,
        level=row.level,
        funding_type=row.funding_type,
        status=status_on(row.status_given, row.call_open, row.call_close, day),
        call_open=row.call_open,
        call_close=row.call_close,
        url=row.url,
        region=row.region,
        topics=list(row.topics or []),
        applicants=list(row.applicants or []),
        amount=row.amount,
        source=row.source,
        last_checked=row.last_checked,
    )


def public(session: Session, row: FundingProgramme, day: dt.date) -> ProgrammePublic:
    """A row with its history, newest change first."""
    versions = session.scalars(
        select(FundingProgrammeVersion)
        .where(FundingProgrammeVersion.programme_id == row.id)
        .order_by(FundingProgrammeVersion.version.desc())
        .limit(50)
    ).all()
    return ProgrammePublic(
        **summary(row, day).model_dump(),
        external_id=row.external_id,
        description=row.description,
        amount_eur=row.amount_eur,
        licence=row.licence,
        attribution=row.attribution,
        no_derivatives=row.no_derivatives,
        department_id=row.department_id,
        digital_criteria=list(row.digital_criteria or []),
        version=row.version,
        history=[
            ProgrammeVersionPublic(
                version=v.version, changed_at=v.changed_at, changed_by=v.changed_by,
                changes=v.changes,
            )
            for v in versions
        ],
    )  # fmt: skip


def get(session: Session, programme_id: int) -> FundingProgramme:
    """The programme or NotFound."""
    row = session.get(FundingProgramme, programme_id)
    if row is None:
        raise NotFound(f"Es gibt kein Förderprogramm mit der Nummer {programme_id}.")
    return row


def status_clause(status: str, day: dt.date) -> Any:
    """SQL for "status on ``day`` is ``status``", the same rule as ``status_on``."""
    p = FundingProgramme
    closed = or_(p.status_given == "closed", and_(p.call_close.is_not(None), p.call_close < day))
    upcoming = or_(
        and_(p.call_open.is_not(None), p.call_open > day),
        and_(p.status_given == "upcoming", p.call_open.is_(None)),
    )
    rolling = and_(p.call_close.is_(None), p.status_given != "open")
    if status == "closed":
        return closed
    if status == "upcoming":
        return and_(~closed, upcoming)
    if status == "rolling":
        return and_(~closed, ~upcoming, rolling)
    return and_(~closed, ~upcoming, ~rolling)


def list_order(day: dt.date) -> tuple[Any, ...]:
    """The default order of programme lists: programmes one can still apply to (open, rolling,
    upcoming) first, soonest deadline first and those without a deadline after them; closed
    programmes last, the most recently closed first."""
    closed = status_clause("closed", day)
    p = FundingProgramme
    return (
        case((closed, 1), else_=0),
        p.call_close.is_(None),
        case((closed, None), else_=p.call_close),
        p.call_close.desc(),
        p.id,
    )


def filtered(session: Session, filters: ProgrammeFilter, day: dt.date) -> Select[Any] | None:
    """The ids of programmes matching ``filters``; None when ``q`` has no searchable word."""
    stmt = select(FundingProgramme.id)
    if filters.q.strip():
        found = matches(session, filters.q, kinds=[SEARCH_KIND])
        if found is None:
            return None
        stmt = stmt.join(found, found.c.entity_id == FundingProgramme.id)
    if filters.level:
        stmt = stmt.where(FundingProgramme.level == filters.level)
    if filters.status:
        stmt = stmt.where(status_clause(filters.status, day))
    return stmt


def page(
    session: Session, filters: ProgrammeFilter, day: dt.date
) -> tuple[int, list[FundingProgramme]]:
    """Count and one page in ``list_order``: open calls first, closed ones last."""
    stmt = filtered(session, filters, day)
    if stmt is None:
        return 0, []
    rows = _topic_rows(session, stmt, filters, day) if filters.topic else None
    if rows is not None:
        return len(rows), rows[filters.offset : filters.offset + filters.limit]
    count = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    ordered = (
        select(FundingProgramme)
        .where(FundingProgramme.id.in_(stmt))
        .order_by(*list_order(day))
        .offset(filters.offset)
        .limit(filters.limit)
    )
    return count, list(session.scalars(ordered))


def _topic_rows(
    session: Session, stmt: Select[Any], filters: ProgrammeFilter, day: dt.date
) -> list[FundingProgramme]:
    """Topic lists are JSON: filtered in Python (bounded by the rows the other filters left)."""
    wanted = filters.topic.strip().casefold()
    rows = session.scalars(
        select(FundingProgramme)
        .where(FundingProgramme.id.in_(stmt))
        .order_by(*list_order(day))
        .limit(20_000)
    )
    return [r for r in rows if any(str(t).casefold() == wanted for t in r.topics or [])]


def existing(session: Session, source: str) -> dict[str, tuple[int, str]]:
    """Id and content hash of the programmes of ``source``, by external id."""
    rows = session.execute(
        select(
            FundingProgramme.external_id, FundingProgramme.id, FundingProgramme.content_hash
        ).where(FundingProgramme.source == source)
    )
    return {external_id: (pid, content_hash) for external_id, pid, content_hash in rows}


BATCH = 1000
"""New programmes are inserted this many per statement."""


def add_many(session: Session, source: str, items: list[tuple[ProgrammeData, str]]) -> None:
    """Insert new programmes (data, content hash) in batches with one statement each and
    index their texts the same way (a 10,000-row import must not flush row by row)."""
    now = utcnow()
    for start in range(0, len(items), BATCH):
        chunk = items[start : start + BATCH]
        rows = [
            {"source": source, "external_id": data.external_id, "content_hash": content_hash,
             "version": 1, "last_checked": now, "created_at": now, "updated_at": now,
             "department_id": None, "digital_criteria": [], **_fields(data)}
            for data, content_hash in chunk
        ]  # fmt: skip
        ids = session.scalars(
            insert(FundingProgramme).returning(FundingProgramme.id, sort_by_parameter_order=True),
            rows,
        ).all()
        index_documents(
            session, kind=SEARCH_KIND,
            documents=[(i, r["title"], _body(r["provider"], r["topics"], r["description"]))
                       for i, r in zip(ids, rows, strict=True)],
        )  # fmt: skip


def touch(session: Session, ids: list[int]) -> None:
    """Mark programmes as checked now (a re-import found them unchanged)."""
    now = utcnow()
    for start in range(0, len(ids), BATCH):
        session.execute(
            update(FundingProgramme)
            .where(FundingProgramme.id.in_(ids[start : start + BATCH]))
            .values(last_checked=now)
        )


def add(session: Session, source: str, data: ProgrammeData, content_hash: str) -> FundingProgramme:
    """Insert a new programme (flushed, so it has an id) and index its text."""
    now = utcnow()
    row = FundingProgramme(
        source=source, external_id=data.external_id, content_hash=content_hash, version=1,
        last_checked=now, created_at=now, updated_at=now, **_fields(data),
    )  # fmt: skip
    session.add(row)
    session.flush()
    index(session, row)
    return row


def change(
    session: Session, row: FundingProgramme, data: ProgrammeData, content_hash: str, by: str
) -> dict[str, dict[str, Any]]:
    """Apply ``data`` to ``row``, keeping the old values as a version; returns the changes."""
    before = ProgrammeData(external_id=row.external_id, title=row.title, **_row_fields(row))
    old, new = before.content(), data.content()
    changes = {k: {"before": old[k], "after": new[k]} for k in HASHED if old[k] != new[k]}
    session.add(
        FundingProgrammeVersion(
            programme_id=row.id, version=row.version, changed_at=utcnow(), changed_by=by,
            content_hash=row.content_hash, changes=changes,
        )
    )  # fmt: skip
    for name, value in _fields(data).items():
        setattr(row, name, value)
    row.content_hash = content_hash
    row.version += 1
    row.updated_at = row.last_checked = utcnow()
    index(session, row)
    return changes


def index(session: Session, row: FundingProgramme) -> None:
    """Keep the programme's full-text document (title, provider, description, topics)."""
    index_document(
        session, kind=SEARCH_KIND, entity_id=row.id, title=row.title,
        body=_body(row.provider, row.topics, row.description),
    )  # fmt: skip


def _body(provider: str, topics: list[Any] | None, description: str) -> str:
    return f"{provider}\n{' '.join(str(t) for t in topics or [])}\n{description}"


def _fields(data: ProgrammeData) -> dict[str, Any]:
    return {
        "title": data.title, "provider": data.provider, "level": data.level,
        "funding_type": data.funding_type, "applicants": data.applicants,
        "region": data.region, "topics": data.topics, "description": data.description,
        "amount": data.amount, "amount_eur": data.amount_eur, "call_open": data.call_open,
        "call_close": data.call_close, "status_given": data.status_given, "url": data.url,
        "licence": data.licence, "attribution": data.attribution,
        "no_derivatives": data.no_derivatives,
    }  # fmt: skip


def _row_fields(row: FundingProgramme) -> dict[str, Any]:
    fields = {name: getattr(row, name) for name in _fields(ProgrammeData("", "x"))}
    fields.pop("title")
    fields["applicants"] = list(fields["applicants"] or [])
    fields["topics"] = list(fields["topics"] or [])
    return fields
