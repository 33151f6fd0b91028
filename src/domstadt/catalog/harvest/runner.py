"""One harvest job from start to report. The job row is committed first (visible as
"running"), records are written in batches, each in its own savepoint, so one bad record
never stops the job; any failure ends the job as "failed" with its reason, and a job left
"running" past its time limit (killed process) is marked failed by the next run."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from domstadt.catalog import store
from domstadt.catalog import validation as v
from domstadt.catalog.harvest import files as harvest_files
from domstadt.catalog.harvest import records as r
from domstadt.catalog.harvest.ckan import CkanHarvester
from domstadt.catalog.harvest.datajson import DataJsonHarvester
from domstadt.catalog.harvest.dcat import DcatHarvester
from domstadt.catalog.harvest.fetch import Fetcher, FetchError
from domstadt.catalog.harvest.file import FileHarvester
from domstadt.catalog.models import (
    Dataset,
    Distribution,
    HarvestJob,
    HarvestObject,
    HarvestSource,
    PrivacyFinding,
)
from domstadt.catalog.schemas import DatasetCreate, HarvestReport
from domstadt.core import audit
from domstadt.core.auth.models import Department
from domstadt.core.auth.permissions import Actor
from domstadt.core.db import Database, utcnow
from domstadt.core.errors import Conflict, DomainError, NotFound
from domstadt.core.outbound import OutboundPolicy

BATCH = 200
MAX_REPORTED_ERRORS = 100
INCREMENTAL_OVERLAP = dt.timedelta(minutes=10)


@dataclass
class Limits:
    """Time limits of a job and of each of its requests, in seconds."""

    job_seconds: int = 3600
    request_seconds: float = 30.0


class Harvester(Protocol):
    """What every source type provides."""

    def records(self) -> Any:
        """Yield Record or BadRecord."""

    def present_guids(self, seen: set[str]) -> set[str]:
        """The guids still at the source."""


def make_harvester(source: HarvestSource, fetcher: Fetcher, since: dt.datetime | None) -> Harvester:
    """The harvester for the source's type."""
    if source.type == "ckan":
        return CkanHarvester(fetcher, source.url, since, source.license_id)
    if source.type == "dcat":
        return DcatHarvester(fetcher, source.url, source.license_id)
    if source.type == "dkan":
        return DataJsonHarvester(fetcher, source.url, source.license_id)
    return FileHarvester(fetcher, source.url, source.license_id, source.name)


def fail_stale(session: Session, source_id: int | None = None) -> int:
    """Mark jobs "running" for longer than their time limit as failed; returns how many."""
    stmt = select(HarvestJob).where(HarvestJob.status == "running")
    if source_id is not None:
        stmt = stmt.where(HarvestJob.source_id == source_id)
    now, count = utcnow(), 0
    for job in session.scalars(stmt):
        if job.started + dt.timedelta(seconds=job.time_limit) < now:
            job.status, job.finished = "failed", now
            job.error = (
                f"Abgebrochen: Der Job lief länger als sein Zeitlimit von {job.time_limit} s "
                "(Prozess beendet oder hängen geblieben)."
            )
            count += 1
    return count


def _start(session: Session, actor: Actor, name: str, limits: Limits) -> tuple[int, Any]:
    source = session.scalar(select(HarvestSource).where(HarvestSource.name == name))
    if source is None:
        raise NotFound(f"Harvest-Quelle '{name}' nicht gefunden.")
    fail_stale(session, source.id)
    if session.scalar(
        select(HarvestJob.id).where(
            HarvestJob.source_id == source.id, HarvestJob.status == "running"
        )
    ):
        raise Conflict(f"Für die Quelle '{name}' läuft bereits ein Harvest-Job.")
    last = session.scalar(
        select(HarvestJob.started)
        .where(HarvestJob.source_id == source.id, HarvestJob.status == "finished")
        .order_by(HarvestJob.started.desc())
        .limit(1)
    )
    job = HarvestJob(source_id=source.id, status="running", time_limit=limits.job_seconds)
    session.add(job)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="harvest.start",
        entity_type="harvest_source",
        entity_id=source.name,
        after={"job": job.id},
    )
    return job.id, (last - INCREMENTAL_OVERLAP if last else None)


class Run:
    """The state of one running job."""

    def __init__(
        self,
        session: Session,
        actor: Actor,
        job_id: int,
        fetcher: Fetcher,
        files: harvest_files.FileOptions | None = None,
    ) -> None:
        self.session = session
        self.actor = actor
        self.job = session.get_one(HarvestJob, job_id)
        self.source = session.get_one(HarvestSource, self.job.source_id)
        dept = (
            session.get(Department, self.source.department_id)
            if self.source.department_id
            else None
        )
        self.department_code = dept.code if dept else None
        self.fetcher = fetcher
        self.counts: Counter[str] = Counter()
        self.errors: list[dict[str, str]] = []
        self.seen: set[str] = set()
        self.files = files
        self.warnings: list[dict[str, str]] = []
        self.held_back: list[dict[str, str]] = []

    def note(self, guid: str, state: str, reason: str = "", dataset_id: int | None = None) -> None:
        """Count an outcome and keep it as a harvest object."""
        self.counts[state] += 1
        if state == "errored" and len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"guid": guid[:500], "reason": reason})
        if guid in self.seen or len(guid) > 500 or guid == "?":
            return
        self.seen.add(guid)
        self.session.add(
            HarvestObject(
                job_id=self.job.id, guid=guid, state=state, reason=reason, dataset_id=dataset_id
            )
        )

    def handle(self, item: r.Record | r.BadRecord) -> None:
        """Write one record (in a savepoint) and note what happened."""
        if isinstance(item, r.BadRecord):
            self.note(item.guid, "errored", item.reason)
            return
        problem = self._refuse(item)
        if problem:
            self.note(item.guid, "errored", problem)
            return
        try:
            with self.session.begin_nested():
                state, ds_id = self._write(item)
        except DomainError as exc:
            self.note(item.guid, "errored", exc.message)
            return
        except (ValidationError, SQLAlchemyError, ValueError) as exc:
            self.note(item.guid, "errored", f"Nicht übernehmbar: {short_reason(exc)}")
            return
        self.note(item.guid, state, "; ".join(m for _, m in item.warnings)[:1000], ds_id)
        for name, message in item.warnings:
            if len(self.warnings) < MAX_REPORTED_ERRORS:
                self.warnings.append({"guid": item.guid[:500], "url": name, "reason": message})
        self.counts["warned"] += bool(item.warnings)

    def _refuse(self, item: r.Record) -> str:
        if item.guid in self.seen:
            return "Die Kennung kommt in der Quelle mehrfach vor."
        if len(item.guid) > 500:
            return "Die Kennung ist länger als 500 Zeichen."
        size = item.size()
        if size > r.MAX_RECORD_BYTES:
            return (
                f"Datensatz zu groß ({size // 1000} kB, höchstens {r.MAX_RECORD_BYTES // 1000} kB)."
            )
        return ""

    def _write(self, item: r.Record) -> tuple[str, int]:
        ds = self.session.scalar(
            select(Dataset).where(
                Dataset.harvest_source_id == self.source.id, Dataset.harvest_guid == item.guid
            )
        )
        digest = item.content_hash()
        if ds is not None and ds.content_hash == digest and ds.state in ("active", "waiting"):
            return "unchanged", ds.id
        values = {**item.values, "department_code": self.department_code}
        if ds is None:
            values["name"] = self._free_name(item)
            data = DatasetCreate.model_validate(values)
            extra = {"harvest_source_id": self.source.id, "harvest_guid": item.guid}
            ds = store.create_row(self.session, self.actor, data, extra)
            state = "added"
        else:
            values["name"] = ds.name
            store.update_row(
                self.session, self.actor, ds, DatasetCreate.model_validate(values).model_dump()
            )
            ds.state = "active"
            self._drop_distributions(ds)
            state = "updated"
        ds.content_hash = digest
        for position, dist in enumerate(item.distributions):
            license_id = dist["license_id"] or ds.license_id
            ds.distributions.append(
                Distribution(
                    uuid=str(uuid.uuid4()), position=position, **{**dist, "license_id": license_id}
                )
            )
        self.session.flush()
        self._files(item.guid, ds)
        store.reindex(self.session, ds)
        self._audit(ds, state)
        return state, ds.id

    def _drop_distributions(self, ds: Dataset) -> None:
        """Remove the old distributions (normalised copies and their findings first)."""
        ids = [d.id for d in ds.distributions]
        if ids:
            for finding in self.session.scalars(
                select(PrivacyFinding).where(PrivacyFinding.distribution_id.in_(ids))
            ):
                self.session.delete(finding)
            self.session.flush()
        for derived in [d for d in ds.distributions if d.derived_from_id is not None]:
            ds.distributions.remove(derived)
        self.session.flush()
        ds.distributions.clear()
        self.session.flush()

    def _files(self, guid: str, ds: Dataset) -> None:
        """Fetch, normalise and scan the record's files; note warnings and a held-back set."""
        if self.files is None:
            return
        for warning in harvest_files.process(self.session, ds, self.fetcher, self.files):
            if len(self.warnings) < MAX_REPORTED_ERRORS:
                self.warnings.append({"guid": guid[:500], **warning})
        if ds.state == "waiting" and len(self.held_back) < MAX_REPORTED_ERRORS:
            self.held_back.append({"guid": guid[:500], "name": ds.name})

    def _free_name(self, item: r.Record) -> str:
        base = v.slugify(str(item.values.get("name") or item.values.get("title") or item.guid))
        if not self.session.scalar(select(Dataset.id).where(Dataset.name == base)):
            return base
        return f"{base[:80]}-{hashlib.sha1(item.guid.encode()).hexdigest()[:8]}"

    def _audit(self, ds: Dataset, state: str) -> None:
        audit.record(
            self.session,
            actor=self.actor,
            action=f"dataset.harvest.{state}",
            entity_type="dataset",
            entity_id=ds.uuid,
            after={"source": self.source.name, "guid": ds.harvest_guid, "name": ds.name},
        )

    def withdraw(self, present: set[str]) -> None:
        """Datasets of this source no longer at the source leave the catalogue."""
        rows = self.session.execute(
            select(Dataset.id, Dataset.harvest_guid).where(
                Dataset.harvest_source_id == self.source.id,
                Dataset.state.in_(("active", "waiting")),
            )
        ).all()
        for ds_id, guid in rows:
            if guid in present:
                continue
            ds = self.session.get_one(Dataset, ds_id)
            ds.state, ds.metadata_modified = "deleted", utcnow()
            store.reindex(self.session, ds)
            self._audit(ds, "deleted")
            self.note(guid, "deleted", "Nicht mehr in der Quelle.", ds_id)

    def report(self, status: str, error: str = "") -> HarvestReport:
        """The job's report (also stored on the job)."""
        return HarvestReport(
            job_id=self.job.id,
            source=self.source.name,
            status=status,
            added=self.counts["added"],
            updated=self.counts["updated"],
            unchanged=self.counts["unchanged"],
            deleted=self.counts["deleted"],
            errored=self.counts["errored"],
            errors=self.errors,
            waiting=len(self.held_back),
            held_back=self.held_back,
            warnings=self.warnings,
            error=error,
            started=self.job.started,
            finished=utcnow(),
        )


def short_reason(exc: Exception) -> str:
    """One line for a report: the fields a validation refused, the kind of a database error,
    else the first line of the message; never a traceback, never SQL."""
    if isinstance(exc, ValidationError):
        fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
        return "ungültige Werte in " + ", ".join(fields)[:300]
    if isinstance(exc, SQLAlchemyError):
        return f"Datenbankfehler ({type(exc).__name__})"
    first = (str(exc).splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first}"[:300]


def _gather(run: Run, harvester: Harvester) -> None:
    for done, item in enumerate(harvester.records(), start=1):
        run.fetcher.remaining()
        run.handle(item)
        if done % BATCH == 0:
            run.session.commit()
            run.session.expunge_all()
            run.job = run.session.get_one(HarvestJob, run.job.id)
            run.source = run.session.get_one(HarvestSource, run.source.id)
    run.fetcher.remaining()
    run.withdraw(harvester.present_guids(run.seen))


def _finish(run: Run, status: str, error: str) -> HarvestReport:
    report = run.report(status, error)
    job = run.session.get_one(HarvestJob, run.job.id)
    job.status, job.error, job.finished = status, error, report.finished
    job.report = report.model_dump(mode="json")
    audit.record(
        run.session,
        actor=run.actor,
        action="harvest.finish",
        entity_type="harvest_source",
        entity_id=run.source.name,
        after=job.report,
    )
    run.session.commit()
    return report


def run_job(
    database: Database,
    *,
    actor: Actor,
    name: str,
    limits: Limits,
    outbound: OutboundPolicy,
    files: harvest_files.FileOptions | None = None,
) -> HarvestReport:
    """Run source ``name`` now; NotFound/Conflict when it cannot run at all. Every request
    goes through the outbound guard with ``outbound``'s allowlist. With ``files`` tabular and
    GeoJSON distributions are fetched, normalised and privacy-scanned."""
    deadline = time.monotonic() + limits.job_seconds
    with database.session() as session:
        job_id, since = _start(session, actor, name, limits)
    fetcher = Fetcher(policy=outbound, request_timeout=limits.request_seconds, deadline=deadline)
    session = database.sessionmaker()
    run: Run | None = None
    try:
        run = Run(session, actor, job_id, fetcher, files)
        _gather(run, make_harvester(run.source, fetcher, since))
        return _finish(run, "finished", "")
    except FetchError as exc:
        session.commit()
        return _finish(run, "failed", str(exc)) if run else _fail(database, job_id, str(exc))
    except Exception as exc:
        session.rollback()
        message = f"Abgebrochen durch einen Fehler: {short_reason(exc)}"
        if run is None:
            return _fail(database, job_id, message)
        session.expunge_all()
        run.job = session.get_one(HarvestJob, job_id)
        run.source = session.get_one(HarvestSource, run.job.source_id)
        return _finish(run, "failed", message)
    finally:
        fetcher.close()
        session.close()


def _fail(database: Database, job_id: int, message: str) -> HarvestReport:
    with database.session() as session:
        job = session.get_one(HarvestJob, job_id)
        source = session.get_one(HarvestSource, job.source_id)
        job.status, job.error, job.finished = "failed", message, utcnow()
        report = HarvestReport(
            job_id=job_id,
            source=source.name,
            status="failed",
            error=message,
            started=job.started,
            finished=job.finished,
        )
        job.report = report.model_dump(mode="json")
        return report
