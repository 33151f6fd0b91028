"""``$count=true`` on Observations: exact below a threshold, estimated above it.

Counting 10^7 observations exactly costs seconds on either database, so for Observations:

1. Estimate the size of the requested set cheaply. PostgreSQL: the planner's row estimate
   (``EXPLAIN (FORMAT JSON)`` of the filtered query, which uses ``pg_class.reltuples`` and the
   column statistics). SQLite: the table size from the primary key (``max(id) - min(id) + 1``;
   deleted rows make it an overestimate) times the share of matching rows in ``SAMPLE`` ids
   taken as ten evenly spread id ranges (primary-key range scans, evaluated with the full
   filter; spread so that data appended datastream by datastream is sampled fairly).
2. At or below :data:`THRESHOLD`: count exactly.
3. Above twice the threshold: return the estimate, flagged in the response as
   ``"domstadt:countEstimated": true``.
4. In between, confirm with a bounded count (``SELECT count(*) FROM (… LIMIT THRESHOLD + 1)``):
   when the set is in fact smaller, the exact count is returned, else the flagged estimate.

Other entity sets are always counted exactly (they stay small).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, literal_column, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import ClauseAdapter

from domstadt.sensors import models as m

THRESHOLD = 1_000_000
SAMPLE = 10_000
WINDOWS = 10
CONFIRM_BELOW = 2  # estimates up to this multiple of THRESHOLD are confirmed by a bounded count


@dataclass(frozen=True)
class Count:
    """A total and whether it is an estimate."""

    value: int
    estimated: bool = False


def count_rows(session: Session, model: Any, stmt: Select[Any], filtered: bool) -> Count:
    """The number of rows ``stmt`` selects; estimated for large observation sets."""
    # ids only: the (datastream, time) index covers the count (1,000,001 rows 503 -> 105 ms)
    stmt = stmt.order_by(None).with_only_columns(model.id)
    if model is not m.Observation:
        return Count(_exact(session, stmt))
    if session.get_bind().dialect.name == "postgresql":
        # no column at all: PostgreSQL's indexes do not hold the id (SQLite's hold the rowid),
        # so counting ids read every row from the table; a constant lets the (datastream,
        # time) index answer alone (10,000 rows of one Datastream at 10^7: 168 -> 6 ms)
        stmt = stmt.with_only_columns(literal_column("1")).select_from(model)
    estimate = _estimate(session, stmt, filtered)
    if estimate <= THRESHOLD:
        return Count(_exact(session, stmt))
    if estimate > CONFIRM_BELOW * THRESHOLD:
        return Count(estimate, estimated=True)
    bounded = _exact(session, stmt.limit(THRESHOLD + 1))
    if bounded <= THRESHOLD:
        return Count(bounded)
    return Count(max(estimate, THRESHOLD + 1), estimated=True)


def _exact(session: Session, stmt: Select[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)


def _estimate(session: Session, stmt: Select[Any], filtered: bool) -> int:
    if session.get_bind().dialect.name == "postgresql":
        return _planner_rows(session, stmt)
    obs = m.Observation
    # two statements: SQLite answers a lone min() or max() from the index end, not both at once
    low = session.scalar(select(func.min(obs.id)))
    high = session.scalar(select(func.max(obs.id)))
    if low is None or high is None:
        return 0
    total = high - low + 1
    if not filtered:
        return total
    windows = _windows(low, high)
    matched = session.scalar(_sample(stmt, windows)) or 0
    return round(total * matched / sum(b - a + 1 for a, b in windows))


def _sample(stmt: Select[Any], windows: list[tuple[int, int]]) -> Select[Any]:
    """Count the rows of ``stmt`` inside the id ``windows``. The windows are read first, in a
    subquery SQLite may not merge with the condition (LIMIT -1), and the condition is applied
    to those rows only: merged, SQLite walked e.g. a Datastream's whole (datastream, time)
    index for the sample (289 ms for 1,010,000 rows against 6.5 ms)."""
    table: Any = m.Observation.__table__
    rows = (
        select(table)
        .where(or_(*[table.c.id.between(a, b) for a, b in windows]))
        .limit(-1)
        .subquery("sample")
    )
    condition = stmt.whereclause
    counted = select(func.count()).select_from(rows)
    if condition is None:
        return counted
    return counted.where(ClauseAdapter(rows).traverse(condition))


def _windows(low: int, high: int) -> list[tuple[int, int]]:
    """WINDOWS id ranges of SAMPLE // WINDOWS ids, evenly spread over [low, high]."""
    size = SAMPLE // WINDOWS
    if high - low + 1 <= SAMPLE:
        return [(low, high)]
    step = (high - low + 1 - size) // (WINDOWS - 1)
    return [(low + i * step, low + i * step + size - 1) for i in range(WINDOWS)]


def _planner_rows(session: Session, stmt: Select[Any]) -> int:
    connection = session.connection()
    compiled = stmt.compile(dialect=connection.dialect)
    # the driver's own parameter style: the SQL text stays parameterised
    params = _driver_params(compiled)
    result = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", params)
    raw = result.scalar()
    plan = raw if isinstance(raw, list) else json.loads(str(raw))
    return int(plan[0]["Plan"]["Plan Rows"])


def _driver_params(compiled: Any) -> dict[str, Any]:
    """The statement's parameters as the driver needs them: through each type's bind
    processor, as ``execute`` would send them (a JSON path ``()`` becomes the array ``{}``;
    raw, psycopg would send it as a record and PostgreSQL refuse it)."""
    dialect = compiled.dialect
    params = dict(compiled.params)
    for name, value in params.items():
        bind = compiled.binds.get(name)
        if bind is None:
            continue
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            params[name] = processor(value)
    return params
