"""Turn measure rows into the public pydantic shapes (no permission checks: callers do them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer, selectinload

from domstadt.core.auth.models import Department
from domstadt.masterplan.measure_history import dependencies
from domstadt.masterplan.models import Kpi, Measure
from domstadt.masterplan.schemas import (
    STALLABLE_STAGES,
    KpiPublic,
    KpiValuePublic,
    LinkPublic,
    MeasurePublic,
    MeasureSummary,
    MilestoneIn,
    Ref,
    RolloutStage,
)

SUMMARY_LOAD = (
    selectinload(Measure.fields),
    selectinload(Measure.lead_department),
    # a summary needs none of the long texts and JSON columns: lists of thousands load faster
    defer(Measure.description),
    defer(Measure.goals),
    defer(Measure.success_criteria),
    defer(Measure.risks),
    defer(Measure.location),
    defer(Measure.links),
)


def today() -> dt.date:
    """The date against which pilots count as stalled."""
    return dt.date.today()


def is_stalled(stage: str, planned_end: dt.date | None, on: dt.date | None = None) -> bool:
    """A pilot or evaluated measure past its planned end without a rollout decision (S6.1)."""
    return (
        RolloutStage(stage) in STALLABLE_STAGES
        and planned_end is not None
        and planned_end < (on or today())
    )


def dept_ref(d: Department) -> Ref:
    """A department as a reference."""
    return Ref(id=d.id, code=d.code, name=d.name)


def taxon_ref(t: Any) -> Ref:
    """A field of action or sector as a reference (code = slug)."""
    return Ref(id=t.id, code=t.slug, name=t.name, name_en=t.name_en)


def measure_ref(m: Measure) -> Ref:
    """A measure as a reference."""
    return Ref(id=m.id, code=m.code, name=m.title)


def summary(m: Measure) -> MeasureSummary:
    """The list view of a measure."""
    return MeasureSummary(
        id=m.id,
        code=m.code,
        title=m.title,
        summary=m.summary,
        status=m.status,
        progress=m.progress,
        rollout_stage=m.rollout_stage,
        priority=m.priority,
        lead_department=dept_ref(m.lead_department),
        fields=[taxon_ref(f) for f in m.fields],
        planned_end=m.planned_end,
        updated_at=m.updated_at,
        stalled=is_stalled(m.rollout_stage, m.planned_end),
    )


def _kpi(k: Kpi) -> KpiPublic:
    return KpiPublic(
        name=k.name,
        unit=k.unit,
        baseline=k.baseline,
        target=k.target,
        values=[KpiValuePublic(date=v.date, value=v.value, source=v.source) for v in k.values],
    )


def _refs(session: Session, ids: list[int]) -> list[Ref]:
    if not ids:
        return []
    rows = session.scalars(select(Measure).where(Measure.id.in_(ids)).order_by(Measure.code))
    return [measure_ref(m) for m in rows]


def public(session: Session, m: Measure) -> MeasurePublic:
    """Everything the measure page shows."""
    children = session.scalars(
        select(Measure)
        .where(Measure.parent_id == m.id)
        .options(*SUMMARY_LOAD)
        .order_by(Measure.code)
    ).all()
    requires, blocks = dependencies(session, m.id)
    return MeasurePublic(
        **summary(m).model_dump(),
        description=m.description,
        goals=m.goals,
        parent=measure_ref(m.parent) if m.parent else None,
        weight=m.weight,
        children=[summary(c) for c in children],
        sectors=[taxon_ref(s) for s in m.sectors],
        partner_departments=[dept_ref(d) for d in m.partner_departments],
        partner_organisations=[
            Ref(id=o.id, code=str(o.id), name=o.name) for o in m.partner_organisations
        ],
        contact=m.contact,
        planned_start=m.planned_start,
        actual_start=m.actual_start,
        actual_end=m.actual_end,
        progress_entered=m.progress_entered,
        progress_rolled_up=bool(children),
        success_criteria=m.success_criteria,
        milestones=[
            MilestoneIn(title=s.title, planned_date=s.planned_date, actual_date=s.actual_date)
            for s in m.milestones
        ],
        kpis=[_kpi(k) for k in m.kpis],
        requires=_refs(session, requires),
        blocks=_refs(session, blocks),
        risks=m.risks,
        council_decision=m.council_decision,
        location=m.location,
        links=[LinkPublic.model_validate(link) for link in (m.links or [])],
        version=m.version,
        created_at=m.created_at,
    )
