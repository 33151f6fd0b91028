"""Time partitions of ``sta_observation`` on PostgreSQL (native declarative partitioning).

Layout (migration 0042): ``sta_observation`` is ``PARTITION BY RANGE (phenomenon_time_start)``
with one partition per UTC month, ``sta_observation_pYYYY_MM``, and the default partition
``sta_observation_default`` for every row no month partition takes, so no insert ever fails.
Indexes are declared on the parent and so exist on every partition: the primary key
``(id, phenomenon_time_start)`` (a partitioned table's unique keys must hold the partition key;
ids still come from one sequence, so ``id`` alone stays unique, and ``WHERE id = …`` probes
the key index of each partition: one B-tree descent per month), the unique
``(datastream_id | multi_datastream_id, phenomenon_time_start, phenomenon_time_key)`` indexes
(the duplicate rule, ordered reads, the latest value) and the feature-of-interest index.

Partitions are created ahead by :func:`ensure` (``domstadt sensors partitions ensure`` and a
daily job): the current month and ``ahead`` months after it, and a partition for every month
that has rows in the default partition, whose rows then move there. Retention drops whole
months (:func:`drop_before`). SQLite stays unpartitioned; every function here is a no-op or
an empty answer there. Names and bounds are built from datetimes, never from user text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection

PARENT = "sta_observation"
DEFAULT = f"{PARENT}_default"
AHEAD = 3
"""Months created ahead of the current one by default."""
DRAIN_LIMIT = 24
"""Month partitions created from the default partition's rows in one :func:`ensure` run."""
LOCK_TIMEOUT = "10s"
"""How long partition DDL waits for a lock before it gives up (and the job tries again)."""


@dataclass(frozen=True)
class Partition:
    """One partition: its bounds (None for the default partition) and its size."""

    name: str
    start: dt.datetime | None
    end: dt.datetime | None
    rows: int
    """Estimated from the statistics (``pg_class.reltuples``; 0 before the first ANALYZE)."""
    size_bytes: int


def month_start(moment: dt.datetime) -> dt.datetime:
    """The first instant of ``moment``'s UTC month."""
    moment = moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def add_months(start: dt.datetime, months: int) -> dt.datetime:
    """``start`` (a month start) moved by ``months`` months."""
    index = start.year * 12 + start.month - 1 + months
    return start.replace(year=index // 12, month=index % 12 + 1)


def bound_sql(start: dt.datetime) -> str:
    """The month ``start`` partition's bounds as DDL (which takes no parameters); built from
    datetimes only."""
    low, high = start.astimezone(dt.UTC), add_months(start, 1).astimezone(dt.UTC)
    return f"FROM ('{low.isoformat()}') TO ('{high.isoformat()}')"


def partition_name(start: dt.datetime) -> str:
    """``sta_observation_pYYYY_MM`` for the month beginning at ``start``."""
    return f"{PARENT}_p{start.year:04d}_{start.month:02d}"


def is_partitioned(connection: Connection) -> bool:
    """Whether ``sta_observation`` is a partitioned table (PostgreSQL after migration 0042)."""
    if connection.dialect.name != "postgresql":
        return False
    found = connection.exec_driver_sql(
        "SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%(t)s)", {"t": PARENT}
    ).first()
    return found is not None


def partitions(connection: Connection) -> list[Partition]:
    """Every partition, months in time order, the default partition last."""
    if not is_partitioned(connection):
        return []
    rows = connection.exec_driver_sql(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), greatest(c.reltuples, 0)::bigint,"
        " pg_total_relation_size(c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = to_regclass(%(t)s)",
        {"t": PARENT},
    ).all()
    found = [Partition(name, *_bounds(bound), int(n), int(size)) for name, bound, n, size in rows]
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(found, key=lambda p: p.start or far)


def _bounds(bound: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The bounds of ``FOR VALUES FROM ('…') TO ('…')``; (None, None) for ``DEFAULT``."""
    if bound.strip() == "DEFAULT":
        return None, None
    low, high = bound.split("'")[1], bound.split("'")[3]
    return _instant(low), _instant(high)


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def _lock_timeout(connection: Connection) -> None:
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")


def create_month(connection: Connection, start: dt.datetime) -> bool:
    """Create the partition of the month beginning at ``start``; False when it exists.

    Rows of that month waiting in the default partition move into it. The partition is built
    as a plain table and attached (a lock on the parent that does not block reads or writes);
    its CHECK constraint spares the attach a scan, and the parent's indexes are created on it.
    """
    name, end = partition_name(start), add_months(start, 1)
    if connection.exec_driver_sql("SELECT to_regclass(%(n)s)", {"n": name}).scalar():
        return False
    _lock_timeout(connection)
    bounds = {"lo": start, "hi": end}
    connection.exec_driver_sql(f"CREATE TABLE {name} (LIKE {PARENT})")
    if connection.exec_driver_sql(f"SELECT to_regclass('{DEFAULT}')").scalar():
        connection.exec_driver_sql(
            f"WITH moved AS (DELETE FROM {DEFAULT} WHERE phenomenon_time_start >= %(lo)s"
            f" AND phenomenon_time_start < %(hi)s RETURNING *)"
            f" INSERT INTO {name} SELECT * FROM moved",
            bounds,
        )
    check, low, high = f"{name}_range", start.isoformat(), end.isoformat()
    connection.exec_driver_sql(
        f"ALTER TABLE {name} ADD CONSTRAINT {check} CHECK (phenomenon_time_start >= '{low}'"
        f" AND phenomenon_time_start < '{high}')"
    )
    connection.exec_driver_sql(
        f"ALTER TABLE {PARENT} ATTACH PARTITION {name} FOR VALUES {bound_sql(start)}"
    )
    connection.exec_driver_sql(f"ALTER TABLE {name} DROP CONSTRAINT {check}")
    return True


def default_months(connection: Connection, limit: int = DRAIN_LIMIT) -> list[dt.datetime]:
    """The months (their starts) that have rows in the default partition, oldest first."""
    rows = connection.exec_driver_sql(
        "SELECT DISTINCT date_trunc('month', phenomenon_time_start AT TIME ZONE 'UTC')"
        f" FROM {DEFAULT} ORDER BY 1 LIMIT %(n)s",
        {"n": limit},
    ).scalars()
    return [month.replace(tzinfo=dt.UTC) for month in rows]


def ensure(connection: Connection, now: dt.datetime, ahead: int = AHEAD) -> list[str]:
    """Create the partitions of the current month, ``ahead`` months after it and the months
    waiting in the default partition; the names created (nothing on SQLite)."""
    if not is_partitioned(connection):
        return []
    first = month_start(now)
    months = [add_months(first, k) for k in range(ahead + 1)]
    months += [m for m in default_months(connection) if m.year < 9999]  # (no end after 9999)
    return [partition_name(s) for s in sorted(set(months)) if create_month(connection, s)]


def drop_before(connection: Connection, cutoff: dt.datetime) -> tuple[list[Partition], int]:
    """Detach and drop every month partition that ends at or before ``cutoff``'s month start
    and delete the default partition's rows before it; the dropped partitions and the number
    of rows deleted from the default partition."""
    if not is_partitioned(connection):
        return [], 0
    boundary = month_start(cutoff)
    _lock_timeout(connection)
    dropped = [p for p in partitions(connection) if p.end is not None and p.end <= boundary]
    for partition in dropped:
        connection.exec_driver_sql(f"ALTER TABLE {PARENT} DETACH PARTITION {partition.name}")
        connection.exec_driver_sql(f"DROP TABLE {partition.name}")
    deleted = connection.exec_driver_sql(
        f"DELETE FROM {DEFAULT} WHERE phenomenon_time_start < %(b)s", {"b": boundary}
    ).rowcount
    return dropped, int(deleted or 0)


def narrow_stream_times(connection: Connection, boundary: dt.datetime) -> None:
    """After a drop: each stream that began before ``boundary`` begins at its oldest row left
    (no rows left: no phenomenonTime)."""
    for table, column in (
        ("sta_datastream", "datastream_id"),
        ("sta_multi_datastream", "multi_datastream_id"),
    ):
        connection.exec_driver_sql(
            f"UPDATE {table} s SET phenomenon_time_start = (SELECT min(o.phenomenon_time_start)"
            f" FROM {PARENT} o WHERE o.{column} = s.id) WHERE s.phenomenon_time_start < %(b)s",
            {"b": boundary},
        )
        connection.exec_driver_sql(
            f"UPDATE {table} SET phenomenon_time_end = NULL WHERE phenomenon_time_start IS NULL"
        )


def analyze(connection: Connection) -> None:
    """Refresh the statistics of the parent and of every partition (estimated counts)."""
    if is_partitioned(connection):
        connection.exec_driver_sql(f"ANALYZE {PARENT}")
