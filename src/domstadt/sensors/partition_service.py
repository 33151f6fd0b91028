"""Operations on the observation store's time partitions (PostgreSQL; see ``partitions.py``).

``partitions_list`` shows them, ``partitions_ensure`` creates the months ahead (and drains the
default partition), ``partitions_drop_before`` is retention by whole months: every month
partition that ends at or before the cutoff's month start is detached and dropped, and the
default partition's rows before it are deleted. All need ``Permission.SENSORS_STORAGE``
(admins); the two writes are audited. On SQLite the list is empty and the writes change
nothing (observations there stay one table; per-datastream retention works on both).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, requires
from domstadt.core.db import utcnow
from domstadt.core.errors import Invalid
from domstadt.sensors import partitions

MAX_AHEAD = 36


class PartitionPublic(BaseModel):
    """One partition; ``start``/``end`` are None for the default partition."""

    name: str
    start: dt.datetime | None
    end: dt.datetime | None
    rows_estimated: int
    size_bytes: int


class DropResult(BaseModel):
    """What ``partitions_drop_before`` removed."""

    cutoff: dt.datetime
    """The month start the cutoff was rounded down to: nothing older is left."""
    dropped: list[PartitionPublic]
    default_rows_deleted: int


def _public(p: partitions.Partition) -> PartitionPublic:
    return PartitionPublic(
        name=p.name, start=p.start, end=p.end, rows_estimated=p.rows, size_bytes=p.size_bytes
    )


@requires(Permission.SENSORS_STORAGE)
def partitions_list(session: Session, *, actor: Actor) -> list[PartitionPublic]:
    """Every partition of ``sta_observation`` (empty on SQLite), the default partition last."""
    return [_public(p) for p in partitions.partitions(session.connection())]


@requires(Permission.SENSORS_STORAGE)
def partitions_ensure(
    session: Session, *, actor: Actor, ahead: int = partitions.AHEAD, now: dt.datetime | None = None
) -> list[str]:
    """Create the month partitions up to ``ahead`` months after the current one and those
    of months waiting in the default partition; the names created."""
    if not 0 <= ahead <= MAX_AHEAD:
        raise Invalid(f"Vorlauf muss zwischen 0 und {MAX_AHEAD} Monaten liegen.", field="ahead")
    created = partitions.ensure(session.connection(), now or utcnow(), ahead)
    if created:
        audit.record(
            session,
            actor=actor,
            action="sensors.partitions_ensure",
            entity_type="sta_observation",
            entity_id="partitions",
            after={"created": created},
        )
    return created


@requires(Permission.SENSORS_STORAGE)
def partitions_drop_before(
    session: Session, *, actor: Actor, cutoff: dt.datetime, now: dt.datetime | None = None
) -> DropResult:
    """Drop every whole month before ``cutoff`` (rounded down to its month start); the
    current month and later can not be dropped this way."""
    boundary = partitions.month_start(cutoff)
    if boundary > partitions.month_start(now or utcnow()):
        raise Invalid(
            "Der Stichtag darf nicht nach dem Beginn des laufenden Monats liegen.", field="cutoff"
        )
    connection = session.connection()
    dropped, deleted = partitions.drop_before(connection, boundary)
    if dropped or deleted:
        partitions.narrow_stream_times(connection, boundary)
        session.expire_all()
        audit.record(
            session,
            actor=actor,
            action="sensors.partitions_drop",
            entity_type="sta_observation",
            entity_id="partitions",
            after={
                "cutoff": boundary.isoformat(),
                "dropped": [p.name for p in dropped],
                "rows_estimated": sum(p.rows for p in dropped),
                "default_rows_deleted": deleted,
            },
        )
    return DropResult(
        cutoff=boundary, dropped=[_public(p) for p in dropped], default_rows_deleted=deleted
    )
