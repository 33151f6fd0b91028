"""Cross-cutting views of the measures: per department (S6.3) and the dashboard with status
mix and stalled pilots (S6.1)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any, Protocol

from pydantic import BaseModel
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from domstadt.core.auth.models import Department
from domstadt.core.auth.permissions import Actor, public
from domstadt.masterplan.measure_present import SUMMARY_LOAD, dept_ref, summary
from domstadt.masterplan.measure_queries import department_scope, stalled_pilots
from domstadt.masterplan.models import (
    FieldOfAction,
    Measure,
    measure_field,
    measure_partner_department,
)
from domstadt.masterplan.schemas import MeasureSummary, Ref, RolloutStage, Status
from domstadt.masterplan.screening import service as screening_service
from domstadt.masterplan.screening.schemas import Coverage


class StatusMix(BaseModel):
    """How many measures have each status and each rollout stage."""

    total: int
    status: dict[Status, int]
    rollout_stage: dict[RolloutStage, int]
    average_progress: int


class DepartmentMeasures(BaseModel):
    """A department's measures: led by it (or its units), and those it takes part in."""

    department: Ref
    lead: list[MeasureSummary]
    partner: list[MeasureSummary]
    mix: StatusMix
    stalled: list[MeasureSummary]


class GroupMix(BaseModel):
    """The status mix of one field of action or department."""

    group: Ref
    mix: StatusMix


class Dashboard(BaseModel):
    """Status mix overall, per field and per Dezernat, the stalled pilots and how far the AI
    screening has got (per field of action and per lead department)."""

    mix: StatusMix
    by_field: list[GroupMix]
    by_department: list[GroupMix]
    stalled: list[MeasureSummary]
    screening: Coverage


class _Row(Protocol):
    status: Status
    rollout_stage: RolloutStage
    progress: int


def _mix(items: Sequence[_Row]) -> StatusMix:
    statuses = Counter(i.status for i in items)
    stages = Counter(i.rollout_stage for i in items)
    return StatusMix(
        total=len(items),
        status={s: statuses.get(s, 0) for s in Status},
        rollout_stage={s: stages.get(s, 0) for s in RolloutStage},
        average_progress=round(sum(i.progress for i in items) / len(items)) if items else 0,
    )


@public("departments' responsibility for measures is public (S6.3)")
def department_measures(session: Session, *, actor: Actor, code: str) -> DepartmentMeasures:
    """Measures led by the department or a unit below it, those it partners in, status mix."""
    scope = department_scope(session, code)
    dept = session.scalars(select(Department).where(Department.code == code)).one()
    rows = session.scalars(
        select(Measure)
        .where(
            or_(
                Measure.lead_department_id.in_(scope),
                Measure.id.in_(
                    select(measure_partner_department.c.measure_id).where(
                        measure_partner_department.c.department_id.in_(scope)
                    )
                ),
            )
        )
        .options(*SUMMARY_LOAD)
        .order_by(Measure.code)
    ).all()
    lead = [summary(m) for m in rows if m.lead_department_id in scope]
    partner = [summary(m) for m in rows if m.lead_department_id not in scope]
    return DepartmentMeasures(
        department=dept_ref(dept),
        lead=lead,
        partner=partner,
        mix=_mix(lead),
        stalled=[m for m in lead if m.stalled],
    )


def _top_department(departments: dict[int, Department], dept_id: int) -> Department:
    dept = departments[dept_id]
    while dept.parent_id is not None:
        dept = departments[dept.parent_id]
    return dept


@public("the state of the masterplan is public (S1.3)")
def dashboard(session: Session, *, actor: Actor) -> Dashboard:
    """Status mix overall, per field of action and per Dezernat, stalled pilots, screening.

    The mixes are counted from plain rows (no ORM objects), so thousands of measures are cheap.
    """
    rows = {
        r.id: r
        for r in session.execute(
            select(Measure.id, Measure.status, Measure.rollout_stage, Measure.progress,
                   Measure.lead_department_id)
        )
    }  # fmt: skip
    departments = {d.id: d for d in session.scalars(select(Department))}
    members: dict[int, list[int]] = {}
    for measure_id, field_id in session.execute(select(measure_field)):
        members.setdefault(field_id, []).append(measure_id)
    by_field = [
        GroupMix(
            group=Ref(id=field.id, code=field.slug, name=field.name, name_en=field.name_en),
            mix=_mix([rows[i] for i in members.get(field.id, [])]),
        )
        for field in session.scalars(select(FieldOfAction).order_by(FieldOfAction.position))
    ]
    groups: dict[int, list[Any]] = {}
    for r in rows.values():
        groups.setdefault(_top_department(departments, r.lead_department_id).id, []).append(r)
    by_department = [
        GroupMix(group=dept_ref(departments[i]), mix=_mix(group))
        for i, group in sorted(groups.items(), key=lambda kv: departments[kv[0]].code)
    ]
    return Dashboard(
        mix=_mix(list(rows.values())),
        by_field=by_field,
        by_department=by_department,
        stalled=stalled_pilots(session),
        screening=screening_service.screening_coverage(session, actor=actor),
    )
