"""Masterplan JSON API: taxonomy, measures, budget, departments' measures, dashboard, reports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from domstadt.core.auth.permissions import Permission
from domstadt.masterplan import (
    budget_service,
    overview_service,
    report_schedule_service,
    report_service,
    service,
)
from domstadt.masterplan import measure_read_service as reader
from domstadt.masterplan import measure_service as writer
from domstadt.masterplan.budget_service import (
    AllocationPublic,
    AllocationSet,
    BudgetOverview,
    BudgetPoolPublic,
    BudgetPoolUpsert,
)
from domstadt.masterplan.overview_service import Dashboard, DepartmentMeasures
from domstadt.masterplan.report_service import ReportCreate, ReportListItem, ReportPublic
from domstadt.masterplan.schemas import (
    MeasureCreate,
    MeasureFilter,
    MeasurePage,
    MeasurePublic,
    MeasureUpdate,
    MeasureVersionPublic,
    Taxonomy,
)
from domstadt.web.deps import ActorDep, SessionDep, needs, verify_csrf_api

router = APIRouter(prefix="/api/v1", tags=["masterplan"], dependencies=[Depends(verify_csrf_api)])


@router.get("/taxonomy", summary="Fields of action and sectors")
def taxonomy(session: SessionDep, actor: ActorDep) -> Taxonomy:
    """JSON twin of /masterplan."""
    return service.taxonomy(session, actor=actor)


@router.get("/measures", summary="Measures, filtered and paged")
def measures(
    session: SessionDep, actor: ActorDep, filters: Annotated[MeasureFilter, Query()]
) -> MeasurePage:
    """JSON twin of /massnahmen: filters field, sector, department (code, with its units),
    status, rollout_stage, stalled, q (full-text); page and per_page (max 100)."""
    return reader.measure_list(session, actor=actor, filters=filters)


@router.post(
    "/measures",
    status_code=201,
    summary="Create a measure (editors)",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def measure_create(body: MeasureCreate, session: SessionDep, actor: ActorDep) -> MeasurePublic:
    """Editors create measures led by their own department; admins any."""
    return writer.measure_create(session, actor=actor, data=body)


@router.get("/measures/{measure_id}", summary="One measure")
def measure(measure_id: int, session: SessionDep, actor: ActorDep) -> MeasurePublic:
    """JSON twin of /massnahmen/{id}."""
    return reader.measure_get(session, actor=actor, measure_id=measure_id)


@router.patch(
    "/measures/{measure_id}",
    summary="Change a measure (editors)",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def measure_update(
    measure_id: int, body: MeasureUpdate, session: SessionDep, actor: ActorDep
) -> MeasurePublic:
    """Only the given fields change; each effective change is kept as a version."""
    return writer.measure_update(session, actor=actor, measure_id=measure_id, data=body)


@router.get("/measures/{measure_id}/history", summary="Versions of a measure")
def measure_history(
    measure_id: int, session: SessionDep, actor: ActorDep
) -> list[MeasureVersionPublic]:
    """Every stored change, newest first, with each field before and after."""
    return reader.measure_history(session, actor=actor, measure_id=measure_id)


@router.get("/measures/{measure_id}/budget", summary="Budget allocations of a measure")
def measure_budget(measure_id: int, session: SessionDep, actor: ActorDep) -> list[AllocationPublic]:
    """Planned, approved and spent money per pool and year."""
    reader.measure_get(session, actor=actor, measure_id=measure_id)
    return budget_service.measure_budget(session, actor=actor, measure_id=measure_id)


@router.get("/budget", summary="Budget pools, allocations and what is left")
def budget(session: SessionDep, actor: ActorDep) -> BudgetOverview:
    """JSON twin of /masterplan/budget."""
    return budget_service.budget_overview(session, actor=actor)


@router.post(
    "/budget/pools",
    summary="Create or update a budget pool (admins)",
    openapi_extra=needs(Permission.DEPARTMENT_MANAGE),
)
def budget_pool(body: BudgetPoolUpsert, session: SessionDep, actor: ActorDep) -> BudgetPoolPublic:
    """Pools are identified by slug; years are amounts per budget year."""
    return budget_service.budget_pool_upsert(session, actor=actor, data=body)


@router.put(
    "/budget/allocations",
    summary="Set a measure's allocation (editors)",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def allocation(body: AllocationSet, session: SessionDep, actor: ActorDep) -> AllocationPublic:
    """Over-allocation of a pool year is refused (409) with the amounts."""
    return budget_service.allocation_set(session, actor=actor, data=body)


@router.get("/departments/{code}/measures", summary="A department's measures")
def department_measures(code: str, session: SessionDep, actor: ActorDep) -> DepartmentMeasures:
    """JSON twin of /massnahmen/dienststellen/{code}: led, partnered, status mix, stalled."""
    return overview_service.department_measures(session, actor=actor, code=code)


@router.get("/masterplan/dashboard", summary="Status mix and stalled pilots")
def dashboard(session: SessionDep, actor: ActorDep) -> Dashboard:
    """JSON twin of /masterplan/dashboard."""
    return overview_service.dashboard(session, actor=actor)


@router.get("/reports", summary="Status reports")
def reports(session: SessionDep, actor: ActorDep) -> list[ReportListItem]:
    """JSON twin of /berichte."""
    return report_service.report_list(session, actor=actor)


@router.get("/reports/{report_id}", summary="One status report")
def report(report_id: int, session: SessionDep, actor: ActorDep) -> ReportPublic:
    """JSON twin of /berichte/{id}."""
    return report_service.report_get(session, actor=actor, report_id=report_id)


@router.post(
    "/reports",
    status_code=201,
    summary="Freeze a status report (admins)",
    openapi_extra=needs(Permission.DEPARTMENT_MANAGE),
)
def report_create(
    session: SessionDep,
    actor: ActorDep,
    body: ReportCreate | None = None,
    title: Annotated[str, Query(max_length=300)] = "",
) -> ReportPublic:
    """Snapshot of all measures; the same as `domstadt report create`. The title may come
    in the JSON body (`{"title": ...}`) or the query string (`?title=`), not two different."""
    return report_service.report_create(session, actor=actor, title=title, data=body)


@router.get("/report-schedule", summary="The schedule of status reports")
def report_schedule(
    session: SessionDep, actor: ActorDep
) -> report_schedule_service.SchedulePublic | None:
    """The cadence and next due date of scheduled reports; `null` when reports are only
    made by hand."""
    return report_schedule_service.report_schedule_get(session, actor=actor)


@router.put(
    "/report-schedule",
    summary="Set or end the schedule of status reports (admins)",
    openapi_extra=needs(Permission.DEPARTMENT_MANAGE),
)
def report_schedule_set(
    body: report_schedule_service.ScheduleSet, session: SessionDep, actor: ActorDep
) -> report_schedule_service.SchedulePublic | None:
    """`{"cadence": "quarterly"}` (or monthly, half-yearly, yearly; `off` ends it) and an
    optional `first_due` date; the job worker freezes each report when it is due, titled
    after the period it closes ("Statusbericht 4. Quartal 2026")."""
    return report_schedule_service.report_schedule_set(session, actor=actor, data=body)
