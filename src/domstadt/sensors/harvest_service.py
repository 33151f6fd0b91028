"""Remote SensorThings services as sources of the sensor hub (``domstadt sensors harvest``):
register a FROST-Server or another Domstadt, mirror its Things, Locations, Sensors,
ObservedProperties, Datastreams and Observations incrementally, read the run reports.

Admins register, run and remove sources (``DEPARTMENT_MANAGE``); staff read them. Mirrored
entities belong to the source's department (or to none: then only admins may change them, see
``sta/ownership.py``); they keep the remote's properties unchanged, and the remote-id mapping
says where each row came from. The next run overwrites local changes of a mirrored entity
whenever the remote changes it (the mirror follows its source)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from domstadt.core import audit, harvest_sources
from domstadt.core.auth.models import Department
from domstadt.core.auth.permissions import Actor, Permission, requires
from domstadt.core.db import Database, utcnow
from domstadt.core.errors import Conflict, Invalid, NotFound
from domstadt.core.outbound import OutboundPolicy
from domstadt.sensors import models as m
from domstadt.sensors.harvest.client import HarvestError, service_root
from domstadt.sensors.harvest.models import StaHarvestRemote, StaHarvestRun, StaHarvestSource
from domstadt.sensors.harvest.runner import Limits, run_harvest
from domstadt.sensors.harvest.schemas import RunReport, SourcePublic

MODELS: dict[str, Any] = {
    "Things": m.Thing,
    "Locations": m.Location,
    "Sensors": m.Sensor,
    "ObservedProperties": m.ObservedProperty,
    "Datastreams": m.Datastream,
}
__all__ = ["Limits", "RunReport", "SourcePublic"]


def _report(run: StaHarvestRun | None, name: str) -> RunReport | None:
    if run is None:
        return None
    if run.report:
        return RunReport.model_validate(run.report)
    return RunReport(
        run_id=run.id, source=name, status=run.status, error=run.error, started=run.started
    )


def _public(session: Session, source: StaHarvestSource) -> SourcePublic:
    last = session.scalar(
        select(StaHarvestRun)
        .where(StaHarvestRun.source_id == source.id)
        .order_by(StaHarvestRun.id.desc())
        .limit(1)
    )
    dept = session.get(Department, source.department_id) if source.department_id else None
    mirrored = dict(
        session.execute(
            select(StaHarvestRemote.entity_set, func.count())
            .where(StaHarvestRemote.source_id == source.id)
            .group_by(StaHarvestRemote.entity_set)
        ).all()
    )
    return SourcePublic(
        id=source.id,
        name=source.name,
        url=source.url,
        filter=source.filter,
        department_code=dept.code if dept else None,
        mirrored=mirrored,
        last_run=_report(last, source.name),
    )


def _source(session: Session, name: str) -> StaHarvestSource:
    source = session.scalar(select(StaHarvestSource).where(StaHarvestSource.name == name))
    if source is None:
        raise NotFound(f"SensorThings-Harvest-Quelle '{name}' nicht gefunden.")
    return source


def _check_filter(text: str) -> str:
    text = text.strip()
    if len(text) > 2000 or any(c in text for c in "\r\n\t"):
        raise Invalid("Der Filter ist zu lang oder enthält Zeilenumbrüche.", field="filter")
    if text.count("(") != text.count(")") or text.count("'") % 2:
        raise Invalid(
            "Der Filter ist kein OData-Ausdruck (Klammern oder Anführungszeichen offen).",
            field="filter",
        )
    return text


@requires(Permission.DEPARTMENT_MANAGE)
def source_create(
    session: Session,
    *,
    actor: Actor,
    name: str,
    url: str,
    outbound: OutboundPolicy,
    filter: str = "",
    department_code: str | None = None,
) -> SourcePublic:
    """Register a remote SensorThings service by its root URL (ending in /v1.0 or /v1.1) and
    an optional OData ``$filter`` over its Datastreams; the address must be one the outbound
    guard would fetch (public, or a host the operator allowed)."""
    harvest_sources.check_name(name)
    if not url.startswith(("http://", "https://")):
        raise Invalid(f"'{url}' ist keine http(s)-Adresse.", field="url")
    try:
        root = service_root(url)
    except HarvestError as exc:
        raise Invalid(str(exc), field="url") from None
    harvest_sources.check_address(root, outbound)
    dept_id = harvest_sources.department_id(session, department_code)
    if session.scalar(select(StaHarvestSource.id).where(StaHarvestSource.name == name)):
        raise Conflict(f"Eine SensorThings-Harvest-Quelle '{name}' gibt es bereits.")
    source = StaHarvestSource(
        name=name, url=root, filter=_check_filter(filter), department_id=dept_id
    )
    session.add(source)
    session.flush()
    result = _public(session, source)
    audit.record(
        session,
        actor=actor,
        action="sensors.harvest_source.create",
        entity_type="sta_harvest_source",
        entity_id=name,
        after=result,
    )
    return result


@requires(Permission.CONTENT_EDIT)
def source_list(session: Session, *, actor: Actor) -> list[SourcePublic]:
    """Every SensorThings harvest source with its last run (staff)."""
    sources = session.scalars(select(StaHarvestSource).order_by(StaHarvestSource.name)).all()
    return [_public(session, s) for s in sources]


@requires(Permission.CONTENT_EDIT)
def run_list(session: Session, *, actor: Actor, name: str, limit: int = 20) -> list[RunReport]:
    """The latest runs of a source, newest first (staff)."""
    source = _source(session, name)
    runs = session.scalars(
        select(StaHarvestRun)
        .where(StaHarvestRun.source_id == source.id)
        .order_by(StaHarvestRun.id.desc())
        .limit(max(1, min(limit, 200)))
    ).all()
    return [r for run in runs if (r := _report(run, name)) is not None]


@requires(Permission.DEPARTMENT_MANAGE)
def harvest_run(
    database: Database,
    *,
    actor: Actor,
    name: str,
    outbound: OutboundPolicy,
    limits: Limits | None = None,
) -> RunReport:
    """Run a source now and return its report. The run manages its own transactions (it is
    visible as "running" while it works); NotFound or Conflict (already running) mean it could
    not run at all; every other failure ends in a "failed" report."""
    return run_harvest(
        database, actor=actor, name=name, limits=limits or Limits(), outbound=outbound
    )


@requires(Permission.DEPARTMENT_MANAGE)
def source_remove(
    session: Session, *, actor: Actor, name: str, delete_data: bool = False
) -> SourcePublic:
    """Remove a source with its runs, watermarks and remote-id mapping. The mirrored entities
    stay as ordinary local data, unless ``delete_data``: then they are deleted too (their
    Observations with them)."""
    source = _source(session, name)
    result = _public(session, source)
    if delete_data:
        for entity_set, model in MODELS.items():
            ids = select(StaHarvestRemote.local_id).where(
                StaHarvestRemote.source_id == source.id, StaHarvestRemote.entity_set == entity_set
            )
            session.execute(delete(model).where(model.id.in_(ids)))
    session.delete(source)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="sensors.harvest_source.remove",
        entity_type="sta_harvest_source",
        entity_id=name,
        before=result,
        after={"delete_data": delete_data},
    )
    return result


@requires(Permission.DEPARTMENT_MANAGE)
def harvest_request(session: Session, *, actor: Actor, name: str) -> SourcePublic:
    """Record that an admin asked for a run now; the caller queues the job
    (``sensors.tasks.harvest_source``) after committing. Conflict while one is running."""
    source = _source(session, name)
    running = session.scalars(
        select(StaHarvestRun).where(
            StaHarvestRun.source_id == source.id, StaHarvestRun.status == "running"
        )
    ).all()
    now = utcnow()
    if any(r.started + dt.timedelta(seconds=r.time_limit) > now for r in running):
        raise Conflict(f"Die Quelle '{name}' wird gerade abgerufen.")
    result = _public(session, source)
    audit.record(
        session,
        actor=actor,
        action="sensors.harvest.request",
        entity_type="sta_harvest_source",
        entity_id=name,
    )
    return result
