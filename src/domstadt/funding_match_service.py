"""Matching operations of the funding radar (issue 11): programmes that fit a measure,
initiative, challenge or organisation (ranked, with reasons), the measures a programme fits,
the nightly re-match of every measure, and the dashboard's figures.

The programme index (``funding.matching.Index``) is built once per process and database and
rebuilt when the programmes change (count, highest id or newest change differ).
"""

from __future__ import annotations

import calendar
import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth import directory_service
from domstadt.core.auth.permissions import Actor, Permission, public, requires
from domstadt.core.db import utcnow
from domstadt.core.errors import Invalid
from domstadt.funding import matching, store, targets
from domstadt.funding.models import FundingMatch, FundingProgramme
from domstadt.funding.schemas import (
    CountItem,
    FundingDashboard,
    MatchList,
    MatchPublic,
    MeasureFit,
    MeasureRef,
)
from domstadt.masterplan import measure_read_service
from domstadt.masterplan.registry import service as registry_service
from domstadt.masterplan.schemas import MeasureFilter
from domstadt.participation import challenge_service

_COLUMNS = (
    FundingProgramme.id, FundingProgramme.title, FundingProgramme.topics,
    FundingProgramme.description, FundingProgramme.applicants, FundingProgramme.level,
    FundingProgramme.region, FundingProgramme.status_given, FundingProgramme.call_open,
    FundingProgramme.call_close,
)  # fmt: skip
_cache: dict[str, tuple[tuple[Any, ...], matching.Index]] = {}
_lock = threading.Lock()


def _index(session: Session) -> matching.Index:
    """The programme index of this database, rebuilt when programmes changed."""
    fingerprint = tuple(
        session.execute(
            select(
                func.count(FundingProgramme.id),
                func.max(FundingProgramme.id),
                func.max(FundingProgramme.updated_at),
            )
        ).one()
    )
    key = str(session.get_bind().engine.url)
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
        rows = [dict(r._mapping) for r in session.execute(select(*_COLUMNS))]
        index = matching.build_index(rows)
        _cache[key] = (fingerprint, index)
        return index


def _publish(session: Session, found: list[matching.Match]) -> MatchList:
    rows = {
        r.id: r
        for r in session.scalars(
            select(FundingProgramme).where(FundingProgramme.id.in_([m.programme_id for m in found]))
        )
    }
    day = store.today()
    return MatchList(
        items=[
            MatchPublic(
                programme=store.summary(rows[m.programme_id], day),
                score=m.score,
                reasons=m.reasons,
            )
            for m in found
            if m.programme_id in rows
        ]
    )


@public("the status of every measure and every programme is public")
def measure_funding(
    session: Session, *, actor: Actor, measure_id: int, limit: int = 10
) -> MatchList:
    """Programmes that fit the measure, best first, each with its reasons."""
    measure = measure_read_service.measure_get(session, actor=actor, measure_id=measure_id)
    target = targets.measure_target(measure)
    found = matching.match(_index(session), target, store.today(), limit=_limit(limit))
    return _publish(session, found)


def _limit(limit: int) -> int:
    if not 1 <= limit <= 50:
        raise Invalid("limit muss zwischen 1 und 50 liegen.", field="limit")
    return limit


@public("initiatives, challenges, organisations and programmes are public")
def target_funding(
    session: Session, *, actor: Actor, kind: str, target_id: int, limit: int = 10
) -> MatchList:
    """Programmes that fit an initiative, a challenge or an organisation (``kind``)."""
    if kind == "initiative":
        item: Any = registry_service.initiative_get(session, actor=actor, initiative_id=target_id)
        target = targets.initiative_target(item)
    elif kind == "challenge":
        item = challenge_service.challenge_get(session, actor=actor, challenge_id=target_id)
        target = targets.challenge_target(item)
    elif kind == "organisation":
        item = directory_service.organisation_get(session, actor=actor, organisation_id=target_id)
        target = targets.organisation_target(item)
    else:
        raise Invalid("kind muss initiative, challenge oder organisation sein.", field="kind")
    found = matching.match(_index(session), target, store.today(), limit=_limit(limit))
    return _publish(session, found)


def _all_measures(session: Session, actor: Actor) -> Iterator[Any]:
    page = 1
    while True:
        result = measure_read_service.measure_list(
            session, actor=actor, filters=MeasureFilter(page=page, per_page=100)
        )
        yield from result.items
        if page * 100 >= result.total:
            return
        page += 1


@public("the status of every measure and every programme is public")
def programme_measures(
    session: Session, *, actor: Actor, programme_id: int, limit: int = 20
) -> list[MeasureFit]:
    """The measures a programme fits, best first (from their titles, summaries, fields)."""
    store.get(session, programme_id)
    index, day = _index(session), store.today()
    fits = []
    for m in _all_measures(session, actor):
        found = matching.score_one(index, targets.measure_target(m), programme_id, day)
        if found is not None:
            fits.append(
                MeasureFit(
                    id=m.id, code=m.code, title=m.title, score=found.score, reasons=found.reasons
                )
            )
    fits.sort(key=lambda f: (-f.score, f.code))
    return fits[:limit]


@requires(Permission.CONTENT_EDIT)
def rematch_measures(session: Session, *, actor: Actor, per_measure: int = 10) -> dict[str, int]:
    """Re-match every measure (the nightly job): replaces the stored matches of all
    measures; returns how many measures were matched and how many found no programme."""
    index, day = _index(session), store.today()
    session.execute(delete(FundingMatch).where(FundingMatch.target_kind == "measure"))
    now = utcnow()
    measures = without = 0
    batch: list[dict[str, Any]] = []
    for summary_ in _all_measures(session, actor):
        measure = measure_read_service.measure_get(session, actor=actor, measure_id=summary_.id)
        found = matching.match(index, targets.measure_target(measure), day, limit=per_measure)
        measures += 1
        without += not found
        batch.extend(
            {"target_kind": "measure", "target_id": measure.id, "programme_id": m.programme_id,
             "department_id": measure.lead_department.id,
             "score": m.score, "reasons": m.reasons, "computed_at": now}
            for m in found
        )  # fmt: skip
        if len(batch) >= 2000:
            session.execute(insert(FundingMatch), batch)
            batch = []
    if batch:
        session.execute(insert(FundingMatch), batch)
    counts = {"measures": measures, "without_programme": without}
    audit.record(
        session, actor=actor, action="funding.rematch", entity_type="funding_match",
        entity_id="measure", after=counts,
    )  # fmt: skip
    return counts


@public("counts of public programmes and measures")
def dashboard(session: Session, *, actor: Actor) -> FundingDashboard:
    """Open programmes by level and topic, deadlines this quarter (soonest first, 20 shown),
    and the measures no open programme fits (matched now)."""
    day = store.today()
    open_rows = list(
        session.execute(
            select(FundingProgramme.level, FundingProgramme.topics).where(
                ~store.status_clause("closed", day)
            )
        )
    )
    levels = Counter(level for level, _ in open_rows)
    topics = Counter(str(t) for _, ts in open_rows for t in (ts or []))
    quarter_end = _quarter_end(day)
    in_quarter = (
        ~store.status_clause("closed", day),
        FundingProgramme.call_close.is_not(None),
        FundingProgramme.call_close <= quarter_end,
    )
    soon = session.scalars(
        select(FundingProgramme).where(*in_quarter)
        .order_by(FundingProgramme.call_close, FundingProgramme.id).limit(20)
    )  # fmt: skip
    index = _index(session)
    measures = list(_all_measures(session, actor))
    without = [
        MeasureRef(id=m.id, code=m.code, title=m.title)
        for m in measures
        if not matching.match(index, targets.measure_target(m), day, limit=1)
    ]
    return FundingDashboard(
        open_total=len(open_rows),
        by_level=[CountItem(key=k, count=n) for k, n in levels.most_common()],
        by_topic=[CountItem(key=k, count=n) for k, n in topics.most_common(15)],
        quarter_end=quarter_end,
        deadlines_this_quarter=[store.summary(r, day) for r in soon],
        deadlines_this_quarter_total=session.scalar(
            select(func.count(FundingProgramme.id)).where(*in_quarter)
        ) or 0,
        measures_without_programme=without,
        measures_total=len(measures),
    )  # fmt: skip


def _quarter_end(day: dt.date) -> dt.date:
    month = (day.month - 1) // 3 * 3 + 3
    return dt.date(day.year, month, calendar.monthrange(day.year, month)[1])
