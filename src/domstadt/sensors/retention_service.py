"""Retention: observations older than a datastream's ``retention_days`` are deleted.

The setting is per datastream (None keeps everything). ``apply_retention`` runs from the
``domstadt sensors retention`` command and daily from the job queue (``sensors/tasks.py``);
each datastream's deletion is one indexed range delete on ``(datastream_id,
phenomenon_time_start)`` and is audited, and the datastream's phenomenonTime shrinks to what
is left.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, public, requires
from domstadt.core.db import utcnow
from domstadt.core.errors import Invalid, NotFound
from domstadt.sensors import models as m
from domstadt.sensors.sta import ownership

MAX_DAYS = 365 * 100


class RetentionSetting(BaseModel):
    """A datastream's retention (None: keep all observations)."""

    datastream_id: int
    name: str
    retention_days: int | None


class RetentionResult(BaseModel):
    """What retention deleted (or would delete, on a dry run) from one datastream."""

    datastream_id: int
    name: str
    retention_days: int
    cutoff: dt.datetime
    deleted: int


class RetentionReport(BaseModel):
    """One retention run over every datastream with a setting."""

    dry_run: bool
    at: dt.datetime
    datastreams: list[RetentionResult]

    @property
    def deleted(self) -> int:
        """Observations deleted in total."""
        return sum(r.deleted for r in self.datastreams)


@public("retention settings are shown with the open sensor data")
def retention_settings(session: Session, *, actor: Actor) -> list[RetentionSetting]:
    """Every datastream with a retention setting."""
    rows = session.scalars(
        select(m.Datastream)
        .where(m.Datastream.retention_days.is_not(None))
        .order_by(m.Datastream.id)
    )
    return [
        RetentionSetting(datastream_id=d.id, name=d.name, retention_days=d.retention_days)
        for d in rows
    ]


@requires(Permission.CONTENT_EDIT)
def set_retention(
    session: Session, *, actor: Actor, datastream_id: int, days: int | None
) -> RetentionSetting:
    """Keep observations of ``datastream_id`` for ``days`` days (None: keep all)."""
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise Invalid(f"Aufbewahrung muss zwischen 1 und {MAX_DAYS} Tagen liegen.", field="days")
    ds = session.get(m.Datastream, datastream_id)
    if ds is None:
        raise NotFound(f"Datastream {datastream_id} gibt es nicht.")
    ownership.check(session, actor, "Datastreams", ds.id)
    before = ds.retention_days
    ds.retention_days = days
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="sensors.retention_set",
        entity_type="sta_Datastream",
        entity_id=str(ds.id),
        before={"retention_days": before},
        after={"retention_days": days},
    )
    return RetentionSetting(datastream_id=ds.id, name=ds.name, retention_days=days)


@requires(Permission.CONTENT_EDIT)
def apply_retention(
    session: Session, *, actor: Actor, dry_run: bool = False, at: dt.datetime | None = None
) -> RetentionReport:
    """Delete (or, with ``dry_run``, count) observations older than each datastream's setting."""
    now = at or utcnow()
    o = m.Observation
    results = []
    streams = session.scalars(
        select(m.Datastream)
        .where(m.Datastream.retention_days.is_not(None))
        .order_by(m.Datastream.id)
    ).all()
    for ds in streams:
        days = int(ds.retention_days or 0)
        cutoff = now - dt.timedelta(days=days)
        old = (o.datastream_id == ds.id, o.phenomenon_time_start < cutoff)
        count = int(session.scalar(select(func.count()).select_from(o).where(*old)) or 0)
        results.append(
            RetentionResult(
                datastream_id=ds.id, name=ds.name, retention_days=days, cutoff=cutoff, deleted=count
            )
        )
        if dry_run or not count:
            continue
        session.execute(delete(o).where(*old), execution_options={"synchronize_session": False})
        ds.phenomenon_time_start = session.scalar(
            select(func.min(o.phenomenon_time_start)).where(o.datastream_id == ds.id)
        )
        if ds.phenomenon_time_start is None:
            ds.phenomenon_time_end = None
        audit.record(
            session,
            actor=actor,
            action="sensors.retention_delete",
            entity_type="sta_Datastream",
            entity_id=str(ds.id),
            after={"retention_days": days, "cutoff": cutoff.isoformat(), "deleted": count},
        )
    session.flush()
    return RetentionReport(dry_run=dry_run, at=now, datastreams=results)
