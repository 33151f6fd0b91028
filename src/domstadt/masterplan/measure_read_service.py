"""Reading measures: one measure, the filtered list with full-text search and paging, its
version history and the recent changes that feed the Atom feeds. All public (S1.3)."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, public
from domstadt.core.errors import NotFound
from domstadt.core.text import ranked_ids, search
from domstadt.masterplan.measure_present import SUMMARY_LOAD, summary
from domstadt.masterplan.measure_present import public as present
from domstadt.masterplan.measure_queries import filtered
from domstadt.masterplan.models import FieldOfAction, Measure, MeasureVersion
from domstadt.masterplan.schemas import (
    FieldChange,
    MeasureFilter,
    MeasurePage,
    MeasurePublic,
    MeasureSummary,
    MeasureVersionPublic,
    Ref,
)

MAX_SEARCH_HITS = 1000
"""Full-text matches considered for one filtered list (the best ones; one search call)."""


class ChangeEntry(BaseModel):
    """A stored version together with the measure it belongs to (for feeds)."""

    measure: MeasureSummary
    version: MeasureVersionPublic


def _version(row: MeasureVersion) -> MeasureVersionPublic:
    return MeasureVersionPublic(
        measure_id=row.measure_id,
        version=row.version,
        at=row.at,
        actor_label=audit.without_address(row.actor_label),
        changes=[FieldChange(field=k, before=v[0], after=v[1]) for k, v in row.changes.items()],
    )


def _search_ids(session: Session, q: str) -> list[int]:
    return [i for _, i in ranked_ids(session, q, kinds=["measure"], limit=MAX_SEARCH_HITS)]


@public("the status of every measure is published (S1.3)")
def measure_list(session: Session, *, actor: Actor, filters: MeasureFilter) -> MeasurePage:
    """Measures matching the filters, by code (by relevance when searching), one page."""
    stmt = filtered(session, filters)
    start = (filters.page - 1) * filters.per_page
    only_text = not filters.model_dump(exclude_defaults=True, exclude={"q", "page", "per_page"})
    if filters.q.strip() and only_text:
        found = search(session, filters.q, kinds=["measure"], limit=filters.per_page, offset=start)
        rows = {
            m.id: m
            for m in session.scalars(
                select(Measure)
                .where(Measure.id.in_([h.entity_id for h in found.hits]))
                .options(*SUMMARY_LOAD)
            )
        }
        items = [summary(rows[h.entity_id]) for h in found.hits if h.entity_id in rows]
        total = found.total
    elif filters.q.strip():
        ranked = _search_ids(session, filters.q)
        keep = set(
            session.scalars(stmt.with_only_columns(Measure.id).where(Measure.id.in_(ranked)))
        )
        ids = [i for i in ranked if i in keep]
        page_ids = ids[start : start + filters.per_page]
        rows = {
            m.id: m
            for m in session.scalars(
                select(Measure).where(Measure.id.in_(page_ids)).options(*SUMMARY_LOAD)
            )
        }
        items = [summary(rows[i]) for i in page_ids]
        total = len(ids)
    else:
        total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        page = session.scalars(
            stmt.options(*SUMMARY_LOAD).order_by(Measure.code).limit(filters.per_page).offset(start)
        )
        items = [summary(m) for m in page]
    return MeasurePage(total=total, page=filters.page, per_page=filters.per_page, items=items)


def _measure(session: Session, measure_id: int) -> Measure:
    m = session.get(Measure, measure_id)
    if m is None:
        raise NotFound(f"Maßnahme {measure_id} nicht gefunden.")
    return m


@public("the status of every measure is published (S1.3)")
def measure_choices(session: Session, *, actor: Actor) -> list[Ref]:
    """Every measure's id, code and title, by code (choices in the editor's form)."""
    rows = session.execute(select(Measure.id, Measure.code, Measure.title).order_by(Measure.code))
    return [Ref(id=i, code=c, name=t) for i, c, t in rows]


@public("the status of every measure is published (S1.3)")
def measure_get(session: Session, *, actor: Actor, measure_id: int) -> MeasurePublic:
    """One measure with everything its page shows."""
    return present(session, _measure(session, measure_id))


@public("the status of every measure is published (S1.3)")
def measure_get_by_code(session: Session, *, actor: Actor, code: str) -> MeasurePublic:
    """One measure by its code."""
    m = session.scalar(select(Measure).where(Measure.code == code))
    if m is None:
        raise NotFound(f"Maßnahme '{code}' nicht gefunden.")
    return present(session, m)


@public("every change of a measure is kept and shown publicly")
def measure_history(
    session: Session, *, actor: Actor, measure_id: int
) -> list[MeasureVersionPublic]:
    """All stored versions of a measure, newest first."""
    _measure(session, measure_id)
    rows = session.scalars(
        select(MeasureVersion)
        .where(MeasureVersion.measure_id == measure_id)
        .order_by(MeasureVersion.version.desc())
    )
    return [_version(r) for r in rows]


@public("every change of a measure is kept and shown publicly")
def recent_changes(
    session: Session,
    *,
    actor: Actor,
    field_slug: str | None = None,
    measure_id: int | None = None,
    limit: int = 50,
) -> list[ChangeEntry]:
    """The newest versions (of all measures, of a field's measures or of one measure)."""
    stmt = select(MeasureVersion).order_by(MeasureVersion.at.desc(), MeasureVersion.id.desc())
    if measure_id is not None:
        _measure(session, measure_id)
        stmt = stmt.where(MeasureVersion.measure_id == measure_id)
    if field_slug is not None:
        if session.scalar(select(FieldOfAction.id).where(FieldOfAction.slug == field_slug)) is None:
            raise NotFound(f"Handlungsfeld '{field_slug}' nicht gefunden.")
        in_field = select(Measure.id).where(Measure.fields.any(FieldOfAction.slug == field_slug))
        stmt = stmt.where(MeasureVersion.measure_id.in_(in_field))
    versions = session.scalars(stmt.limit(limit)).all()
    ids = {v.measure_id for v in versions}
    measures = {
        m.id: summary(m)
        for m in session.scalars(select(Measure).where(Measure.id.in_(ids)).options(*SUMMARY_LOAD))
    }
    return [ChangeEntry(measure=measures[v.measure_id], version=_version(v)) for v in versions]
