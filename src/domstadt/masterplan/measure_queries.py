"""Queries shared by the measure read services: department scope, list filters, stalled pilots."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from domstadt.core.auth.models import Department
from domstadt.core.errors import NotFound
from domstadt.masterplan.measure_present import SUMMARY_LOAD, summary, today
from domstadt.masterplan.models import FieldOfAction, Measure, Sector
from domstadt.masterplan.schemas import STALLABLE_STAGES, MeasureFilter, MeasureSummary


def department_scope(session: Session, code: str) -> list[int]:
    """Ids of the department with ``code`` and every unit below it."""
    rows = session.execute(select(Department.id, Department.code, Department.parent_id)).all()
    root = next((r.id for r in rows if r.code == code), None)
    if root is None:
        raise NotFound(f"Dienststelle '{code}' nicht gefunden.")
    scope, frontier = {root}, {root}
    while frontier:
        frontier = {r.id for r in rows if r.parent_id in frontier} - scope
        scope |= frontier
    return sorted(scope)


def filtered(session: Session, f: MeasureFilter) -> Select[Any]:
    """The measures matching every given filter (without search and paging)."""
    stmt = select(Measure)
    if f.field:
        stmt = stmt.where(Measure.fields.any(FieldOfAction.slug == f.field))
    if f.sector:
        stmt = stmt.where(Measure.sectors.any(Sector.slug == f.sector))
    if f.department:
        stmt = stmt.where(Measure.lead_department_id.in_(department_scope(session, f.department)))
    if f.status:
        stmt = stmt.where(Measure.status == f.status.value)
    if f.rollout_stage:
        stmt = stmt.where(Measure.rollout_stage == f.rollout_stage.value)
    if f.stalled:
        stmt = stmt.where(
            Measure.rollout_stage.in_([s.value for s in STALLABLE_STAGES]),
            Measure.planned_end < today(),
        )
    return stmt


def stalled_pilots(
    session: Session, department_ids: list[int] | None = None
) -> list[MeasureSummary]:
    """Measures in pilot or evaluated stage past their planned end (helper for overviews)."""
    stmt = select(Measure).where(
        Measure.rollout_stage.in_([s.value for s in STALLABLE_STAGES]),
        Measure.planned_end < today(),
    )
    if department_ids is not None:
        stmt = stmt.where(Measure.lead_department_id.in_(department_ids))
    return [
        summary(m)
        for m in session.scalars(stmt.options(*SUMMARY_LOAD).order_by(Measure.planned_end))
    ]
