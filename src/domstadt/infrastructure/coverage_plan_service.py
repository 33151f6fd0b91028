"""Planned IoT deployments of measures (issue 12, S5.1): a measure that deploys sensors keeps
its planned points here, each checked against the coverage, so the measure page shows where
coverage is missing. Editors of the measure's lead department add and remove them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, check_department, public, requires
from domstadt.core.errors import NotFound
from domstadt.infrastructure import coverage_service as coverage
from domstadt.infrastructure.coverage.models import Deployment
from domstadt.infrastructure.coverage.schemas import (
    CheckRequest,
    CheckResult,
    DeploymentCreate,
    DeploymentPublic,
    MeasureCoverage,
)
from domstadt.masterplan import measure_read_service


def _public(row: Deployment, result: CheckResult) -> DeploymentPublic:
    return DeploymentPublic(
        id=row.id,
        measure_id=row.measure_id,
        name=row.name,
        device_type=row.device_type,
        network=row.network,
        lon=row.lon,
        lat=row.lat,
        check=result,
    )


def _checked(session: Session, row: Deployment) -> DeploymentPublic:
    request = CheckRequest(
        lon=row.lon,
        lat=row.lat,
        network=row.network,
        device_type=row.device_type,
    )
    return _public(row, coverage.check_index(session, request))


@public("the status of every measure and published coverage")
def measure_coverage(session: Session, *, actor: Actor, measure_id: int) -> MeasureCoverage:
    """A measure's planned deployments with their checks; ``missing``: gaps and unknowns."""
    measure_read_service.measure_get(session, actor=actor, measure_id=measure_id)
    rows = session.scalars(
        select(Deployment).where(Deployment.measure_id == measure_id).order_by(Deployment.id)
    ).all()
    items = [_checked(session, row) for row in rows]
    missing = sum(1 for d in items if d.check.status in ("gap", "unknown"))
    return MeasureCoverage(measure_id=measure_id, count=len(items), missing=missing, items=items)


@requires(Permission.CONTENT_EDIT)
def deployment_add(
    session: Session, *, actor: Actor, measure_id: int, data: DeploymentCreate
) -> DeploymentPublic:
    """Add a planned deployment to a measure of the editor's department (point in Germany)."""
    measure = measure_read_service.measure_get(session, actor=actor, measure_id=measure_id)
    check_department(actor, measure.lead_department.id)
    coverage.valid_point(data.lon, data.lat)
    row = Deployment(measure_id=measure_id, **data.model_dump())
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="coverage.deployment_add",
        entity_type="coverage_deployment",
        entity_id=row.id,
        after={"measure_id": measure_id, **data.model_dump()},
    )
    return _checked(session, row)


@requires(Permission.CONTENT_EDIT)
def deployment_delete(session: Session, *, actor: Actor, deployment_id: int) -> None:
    """Remove a planned deployment (editors of the measure's department)."""
    row = session.get(Deployment, deployment_id)
    if row is None:
        raise NotFound(f"Geplanter Standort {deployment_id} existiert nicht.")
    measure = measure_read_service.measure_get(session, actor=actor, measure_id=row.measure_id)
    check_department(actor, measure.lead_department.id)
    before = {"measure_id": row.measure_id, "name": row.name, "network": row.network}
    session.delete(row)
    audit.record(
        session,
        actor=actor,
        action="coverage.deployment_delete",
        entity_type="coverage_deployment",
        entity_id=deployment_id,
        before=before,
    )
