"""One harvest run from start to report. The run row is committed first (visible as
"running"); Datastreams with their Things, Locations, Sensors and ObservedProperties are
written page by page, then each Datastream's new Observations page by page with its watermark.
Every page is committed on its own, so a run that fails half-way leaves what it stored
consistent and the next run continues after it. A run left "running" past its time limit
(killed process) is marked failed by the next one."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor
from domstadt.core.db import Database, utcnow
from domstadt.core.errors import Conflict, NotFound
from domstadt.core.outbound import OutboundPolicy
from domstadt.sensors.harvest.client import BudgetSpent, HarvestError, StaClient
from domstadt.sensors.harvest.mirror import DATASTREAM_EXPAND, Mirror
from domstadt.sensors.harvest.models import StaHarvestRun, StaHarvestSource
from domstadt.sensors.harvest.schemas import RunReport


@dataclass
class Limits:
    """Bounds of one run: its time, each request's time, pages, records, page size."""

    job_seconds: int = 3600
    request_seconds: float = 30.0
    max_pages: int = 2000
    max_records: int = 200_000
    page_size: int = 500


def fail_stale(session: Session, source_id: int) -> None:
    """Mark runs "running" for longer than their time limit as failed."""
    now = utcnow()
    for run in session.scalars(
        select(StaHarvestRun).where(
            StaHarvestRun.source_id == source_id, StaHarvestRun.status == "running"
        )
    ):
        if run.started + dt.timedelta(seconds=run.time_limit) < now:
            run.status, run.finished = "failed", now
            run.error = (
                f"Abgebrochen: Der Lauf dauerte länger als sein Zeitlimit von {run.time_limit} s "
                "(Prozess beendet oder hängen geblieben)."
            )


def _start(database: Database, actor: Actor, name: str, limits: Limits) -> int:
    with database.session() as session:
        source = session.scalar(select(StaHarvestSource).where(StaHarvestSource.name == name))
        if source is None:
            raise NotFound(f"SensorThings-Harvest-Quelle '{name}' nicht gefunden.")
        fail_stale(session, source.id)
        running = session.scalar(
            select(StaHarvestRun.id).where(
                StaHarvestRun.source_id == source.id, StaHarvestRun.status == "running"
            )
        )
        if running:
            raise Conflict(f"Für die Quelle '{name}' läuft bereits ein Harvest (Lauf {running}).")
        run = StaHarvestRun(
            source_id=source.id, status="running", time_limit=limits.job_seconds, error=""
        )
        session.add(run)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="sensors.harvest.start",
            entity_type="sta_harvest_source",
            entity_id=name,
            after={"run": run.id},
        )
        return run.id


def _gather(mirror: Mirror, client: StaClient, source: StaHarvestSource, limits: Limits) -> None:
    client.check_root()
    params = {"$expand": DATASTREAM_EXPAND, "$top": str(limits.page_size)}
    if source.filter:
        params["$filter"] = source.filter
    for page in client.pages(f"{client.root}/Datastreams", params):
        for data in page:
            client.remaining()
            mirror.datastream(client, data)
            mirror.session.commit()
    for stream in list(mirror.streams.values()):
        mirror.observations(client, stream, limits.page_size)


def _finish(
    session: Session, actor: Actor, report: RunReport, status: str, error: str
) -> RunReport:
    report.status, report.error, report.finished = status, error, utcnow()
    run = session.get_one(StaHarvestRun, report.run_id)
    run.status, run.error, run.finished = status, error, report.finished
    run.report = report.model_dump(mode="json")
    audit.record(
        session,
        actor=actor,
        action="sensors.harvest.finish",
        entity_type="sta_harvest_source",
        entity_id=report.source,
        after={k: v for k, v in run.report.items() if k != "problems"},
    )
    session.commit()
    return report


def run_harvest(
    database: Database, *, actor: Actor, name: str, limits: Limits, outbound: OutboundPolicy
) -> RunReport:
    """Run source ``name`` now; NotFound or Conflict when it cannot run at all, every other
    failure ends in a "failed" report that keeps what was stored before it."""
    deadline = time.monotonic() + limits.job_seconds
    run_id = _start(database, actor, name, limits)
    session = database.sessionmaker()
    try:
        run = session.get_one(StaHarvestRun, run_id)
        source = session.get_one(StaHarvestSource, run.source_id)
        report = RunReport(run_id=run_id, source=name, status="running", started=run.started)
        mirror = Mirror(session, source, report)
        mirror.records_left = limits.max_records
        client = StaClient(
            root=source.url,
            policy=outbound,
            request_seconds=limits.request_seconds,
            deadline=deadline,
            max_pages=limits.max_pages,
        )
        try:
            _gather(mirror, client, source, limits)
            status, error = "finished", ""
        except BudgetSpent as exc:
            session.rollback()
            report.notes.append(
                f"Grenze an {exc} je Lauf erreicht; der nächste Lauf setzt nach dem "
                "Gespeicherten fort."
            )
            status, error = "finished", ""
        except HarvestError as exc:
            session.rollback()
            status, error = "failed", str(exc)
        except (SQLAlchemyError, ValueError, TypeError, KeyError) as exc:
            session.rollback()
            status, error = "failed", f"Abgebrochen durch einen Fehler: {type(exc).__name__}"
        finally:
            report.requests = client.requests
            client.close()
        return _finish(session, actor, report, status, error)
    finally:
        session.close()
