"""Harvest sources and jobs: register a remote catalogue, run it, read its reports.

Editors register sources for their department (admins and operators for any); datasets a
source brings in belong to that department and are read-only here (they show their source).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domstadt.catalog.harvest import records
from domstadt.catalog.harvest.files import FileOptions
from domstadt.catalog.harvest.runner import Limits, run_job
from domstadt.catalog.models import Dataset, HarvestJob, HarvestObject, HarvestSource
from domstadt.catalog.schemas import (
    HarvestJobDetail,
    HarvestObjectPublic,
    HarvestReport,
    HarvestSourceOverview,
    HarvestSourcePublic,
)
from domstadt.core import audit, harvest_sources
from domstadt.core.auth.models import Department
from domstadt.core.auth.permissions import Actor, Permission, check_department, public, requires
from domstadt.core.db import Database, utcnow
from domstadt.core.errors import Conflict, Invalid, NotFound
from domstadt.core.outbound import OutboundPolicy

TYPES = {"ckan": "CKAN Action API", "dcat": "DCAT (RDF)", "dkan": "DKAN data.json", "file": "Datei"}


def _report(job: HarvestJob | None, source: HarvestSource) -> HarvestReport | None:
    if job is None:
        return None
    if job.report:
        return HarvestReport.model_validate(job.report)
    return HarvestReport(
        job_id=job.id, source=source.name, status=job.status, error=job.error, started=job.started
    )


def _public(session: Session, source: HarvestSource) -> HarvestSourcePublic:
    last = session.scalar(
        select(HarvestJob)
        .where(HarvestJob.source_id == source.id)
        .order_by(HarvestJob.id.desc())
        .limit(1)
    )
    dept = session.get(Department, source.department_id) if source.department_id else None
    return HarvestSourcePublic(
        id=source.id,
        name=source.name,
        url=source.url,
        type=source.type,
        department_code=dept.code if dept else None,
        license_id=source.license_id,
        last_job=_report(last, source),
    )


def _check(name: str, url: str, type_: str, license_id: str) -> None:
    harvest_sources.check_name(name)
    if type_ not in TYPES:
        raise Invalid(f"Unbekannter Quelltyp '{type_}'. Erlaubt: {', '.join(TYPES)}.", field="type")
    if license_id and records.license_of(license_id) is None:
        raise Invalid(f"Unbekannte Lizenz '{license_id}'.", field="license_id")
    if type_ == "file" and not license_id:
        raise Invalid(
            "Für eine Datei-Quelle bitte die Lizenz der Datei angeben.", field="license_id"
        )


@requires(Permission.CONTENT_EDIT)
def source_create(
    session: Session,
    *,
    actor: Actor,
    name: str,
    url: str,
    type: str,
    outbound: OutboundPolicy,
    department_code: str | None = None,
    license_id: str = "",
) -> HarvestSourcePublic:
    """Register a harvest source (CKAN, DCAT, DKAN or a plain file URL); its address must be
    one the outbound guard would fetch (public, or a host the operator allowed)."""
    _check(name, url, type, license_id)
    harvest_sources.check_address(url, outbound)
    dept_id = harvest_sources.department_id(session, department_code)
    check_department(actor, dept_id)
    if session.scalar(select(HarvestSource.id).where(HarvestSource.name == name)):
        raise Conflict(f"Eine Harvest-Quelle '{name}' gibt es bereits.")
    source = HarvestSource(
        name=name,
        url=url,
        type=type,
        department_id=dept_id,
        license_id=records.license_of(license_id) or "",
    )
    session.add(source)
    session.flush()
    result = _public(session, source)
    audit.record(
        session,
        actor=actor,
        action="harvest_source.create",
        entity_type="harvest_source",
        entity_id=name,
        after=result,
    )
    return result


@public("names and addresses of harvested catalogues are shown on their datasets anyway")
def source_list(session: Session, *, actor: Actor) -> list[HarvestSourcePublic]:
    """All harvest sources with the report of their last job."""
    sources = session.scalars(select(HarvestSource).order_by(HarvestSource.name)).all()
    return [_public(session, s) for s in sources]


class HarvestRunCount(BaseModel):
    """How many runs of one source ended in one status, and when the last of them ended."""

    source: str
    status: str
    runs: int
    last_finished: dt.datetime | None


@public("counts of runs of harvested public catalogues hold no secrets")
def harvest_run_counts(session: Session, *, actor: Actor) -> list[HarvestRunCount]:
    """Runs per source and status (the ``domstadt_harvest_*`` gauges of ``/metrics``)."""
    rows = session.execute(
        select(HarvestSource.name, HarvestJob.status, func.count(), func.max(HarvestJob.finished))
        .join(HarvestJob, HarvestJob.source_id == HarvestSource.id)
        .group_by(HarvestSource.name, HarvestJob.status)
        .order_by(HarvestSource.name, HarvestJob.status)
    ).all()
    return [
        HarvestRunCount(source=name, status=status, runs=runs, last_finished=last)
        for name, status, runs, last in rows
    ]


@public("job reports of harvested public catalogues hold no secrets")
def job_list(session: Session, *, actor: Actor, name: str, limit: int = 20) -> list[HarvestReport]:
    """The latest jobs of a source, newest first."""
    source = session.scalar(select(HarvestSource).where(HarvestSource.name == name))
    if source is None:
        raise NotFound(f"Harvest-Quelle '{name}' nicht gefunden.")
    jobs = session.scalars(
        select(HarvestJob)
        .where(HarvestJob.source_id == source.id)
        .order_by(HarvestJob.id.desc())
        .limit(limit)
    ).all()
    return [r for j in jobs if (r := _report(j, source)) is not None]


@requires(Permission.CONTENT_EDIT)
def harvest_run(
    database: Database,
    *,
    actor: Actor,
    name: str,
    outbound: OutboundPolicy,
    limits: Limits | None = None,
    files: FileOptions | None = None,
) -> HarvestReport:
    """Run a source now and return the job's report. The job manages its own transactions
    (it is visible as "running" while it works); NotFound or Conflict (already running)
    mean it could not run at all; every other failure ends in a "failed" report. Requests go
    through the outbound guard with ``outbound``'s allowlist. With ``files`` tabular and
    GeoJSON files are fetched, normalised and privacy-scanned."""
    with database.session() as session:
        source = session.scalar(select(HarvestSource).where(HarvestSource.name == name))
        if source is None:
            raise NotFound(f"Harvest-Quelle '{name}' nicht gefunden.")
        check_department(actor, source.department_id)
    return run_job(
        database,
        actor=actor,
        name=name,
        limits=limits or Limits(),
        outbound=outbound,
        files=files,
    )


OBJECT_STATES = ("added", "updated", "unchanged", "deleted", "errored")


@requires(Permission.CONTENT_EDIT)
def harvest_overview(
    session: Session, *, actor: Actor, jobs_per_source: int = 5
) -> list[HarvestSourceOverview]:
    """Every source with its latest jobs, newest first (the editors' harvest page)."""
    result = []
    for source in source_list(session, actor=actor):
        jobs = job_list(session, actor=actor, name=source.name, limit=jobs_per_source)
        result.append(HarvestSourceOverview(**source.model_dump(), jobs=jobs))
    return result


@requires(Permission.CONTENT_EDIT)
def job_get(
    session: Session,
    *,
    actor: Actor,
    job_id: int,
    state: str = "",
    limit: int = 200,
    offset: int = 0,
) -> HarvestJobDetail:
    """One job's report with its per-record objects (optionally only one state)."""
    job = session.get(HarvestJob, job_id)
    source = session.get(HarvestSource, job.source_id) if job else None
    if job is None or source is None:
        raise NotFound(f"Harvest-Job {job_id} nicht gefunden.")
    if state and state not in OBJECT_STATES:
        raise Invalid(
            f"Unbekannter Zustand '{state}'. Erlaubt: {', '.join(OBJECT_STATES)}.", field="state"
        )
    query = select(HarvestObject, Dataset.name).outerjoin(
        Dataset, Dataset.id == HarvestObject.dataset_id
    )
    query = query.where(HarvestObject.job_id == job.id)
    if state:
        query = query.where(HarvestObject.state == state)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(HarvestObject.id).limit(max(1, min(limit, 1000))).offset(max(0, offset))
    ).all()
    report = _report(job, source)
    assert report is not None
    objects = [
        HarvestObjectPublic(guid=o.guid, state=o.state, reason=o.reason, dataset_name=name)
        for o, name in rows
    ]
    return HarvestJobDetail(**report.model_dump(), objects=objects, object_count=total)


@requires(Permission.DEPARTMENT_MANAGE)
def harvest_request(session: Session, *, actor: Actor, name: str) -> HarvestSourcePublic:
    """Record that an admin asked for a run of a source now; the caller queues the job
    (``catalog.tasks.harvest_source``) after committing. Conflict when one is running."""
    source = session.scalar(select(HarvestSource).where(HarvestSource.name == name))
    if source is None:
        raise NotFound(f"Harvest-Quelle '{name}' nicht gefunden.")
    for job in session.scalars(
        select(HarvestJob).where(HarvestJob.source_id == source.id, HarvestJob.status == "running")
    ):
        if job.started + dt.timedelta(seconds=job.time_limit) > utcnow():  # else stale
            raise Conflict(f"Die Quelle '{name}' wird gerade geerntet (Job {job.id}).")
    result = _public(session, source)
    audit.record(
        session,
        actor=actor,
        action="harvest.request",
        entity_type="harvest_source",
        entity_id=name,
        after=result,
    )
    return result
