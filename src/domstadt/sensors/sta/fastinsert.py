"""Lean observation writes: SQLite multi-row INSERTs of plain tuples, PostgreSQL COPY.

SQLAlchemy's generic executemany runs every value of every row through its bind machinery
(``construct_params`` and one processor call per column, a ``json.dumps`` per JSON column
even for ``None``). Here the statement is compiled once per dialect and column list, each
column's own bind processor is looked up once, ``None`` is converted once per column, and
the rows go to the driver as multi-row ``INSERT … VALUES (…), (…)`` statements of
``ROWS_PER_STATEMENT`` rows (converted column by column). Stored values are byte-identical to
the generic path. Multi-row statements instead of ``executemany``: sqlite3 releases the GIL
around every step, so an executemany gives it up and waits to get it back once per row; with
another busy thread in the process (the MQTT network loop, the HTTP event loop) each row could
wait up to the interpreter's switch interval (5 ms) — measured: 65 % of an MQTT worker's time.

The new ids: SQLite hands out ``max(rowid) + 1`` for each row of the executemany while this
transaction holds the write lock, so they are the ``n`` ids ending at ``last_insert_rowid()``;
the first and last row are checked against that, otherwise the ids are read back by the
unique key (the caller's fallback).

PostgreSQL (:func:`insert_postgres`): the generic multi-row ``INSERT … RETURNING`` spent three
quarters of a 5,000-row CreateObservations in psycopg turning a statement of 12,000
``%(name)s`` placeholders into ``$n`` ones (pure Python, not cached for long statements). Here
the ids are drawn from the table's sequence first (one statement), then the rows go in by
``COPY … FROM STDIN`` with those ids, converted by the same bind processors (UTC, JSON text
with ``None`` as JSON ``null``), so the stored values equal the generic path's. The COPY is in
PostgreSQL's binary format with each column's type fixed up front (psycopg then formats a row
in C; in text format its per-value adaptation took 30–40 ms of a 5,000-row request, binary
5 ms). Binary COPY needs the exact column types, so they are read from the catalogue in the
statement that draws the ids; a JSON column gets its text (the binary form of ``json`` is the
text).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from sqlalchemy import JSON, insert, select, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from domstadt.core.db import json_text
from domstadt.sensors import models as m

Converter = Callable[[Any], Any]
ROWS_PER_STATEMENT = 200
"""Rows per multi-row INSERT (12 columns × 200 = 2,400 parameters; SQLite allows 32,766)."""
_PLANS: dict[tuple[str, tuple[str, ...]], tuple[str, list[tuple[Converter | None, Any]]]] = {}


def _plan(dialect: Dialect, columns: tuple[str, ...]) -> tuple[str, list[tuple[Any, Any]]]:
    key = (dialect.name, columns)
    plan = _PLANS.get(key)
    if plan is None:
        table: Any = m.Observation.__table__
        sql = str(insert(table).compile(dialect=dialect, column_keys=list(columns)))
        if sql.split("(", 1)[1].split(")", 1)[0].replace(" ", "") != ",".join(columns):
            raise RuntimeError(f"unexpected column order in {sql}")
        converters: list[tuple[Any, Any]] = []
        for name in columns:
            process = table.c[name].type._cached_bind_processor(dialect)
            converters.append((process, process(None) if process else None))
        plan = _PLANS[key] = (sql, converters)
    return plan


@functools.lru_cache(maxsize=64)
def _multi_row(sql: str, rows: int) -> str:
    """``INSERT … VALUES (?, …)`` extended to ``rows`` value groups."""
    head, _, group = sql.partition(" VALUES ")
    return f"{head} VALUES {', '.join([group] * rows)}"


def insert_sqlite(session: Session, rows: list[dict[str, Any]]) -> list[int] | None:
    """Insert ``rows`` (all with the same keys); their ids in order, or ``None`` when the ids
    could not be confirmed (the rows are inserted either way)."""
    columns = _columns(rows, with_id=True)  # the compiled order
    connection = session.connection()
    sql, converters = _plan(connection.dialect, columns)
    values = _converted(converters, rows, columns)
    flat = [value for row in zip(*values, strict=True) for value in row]
    width = len(columns) * ROWS_PER_STATEMENT
    for start in range(0, len(flat), width):
        chunk = tuple(flat[start : start + width])
        connection.exec_driver_sql(_multi_row(sql, len(chunk) // len(columns)), chunk)
    last = connection.exec_driver_sql("SELECT last_insert_rowid()").scalar_one()
    ids = list(range(last - len(rows) + 1, last + 1))
    if not (_confirm(session, rows[0], ids[0]) and _confirm(session, rows[-1], ids[-1])):
        return None
    return ids


def _columns(rows: list[dict[str, Any]], *, with_id: bool) -> tuple[str, ...]:
    table: Any = m.Observation.__table__
    return tuple(c.name for c in table.c if c.name in rows[0] and (with_id or c.name != "id"))


def _converted(
    converters: list[tuple[Any, Any]], rows: list[dict[str, Any]], columns: tuple[str, ...]
) -> list[list[Any]]:
    """The rows' values column by column, each through its column's bind processor."""
    values = [[row[name] for row in rows] for name in columns]
    for position, (process, none) in enumerate(converters):
        if process is not None:
            values[position] = [none if v is None else process(v) for v in values[position]]
    return values


_TEXT_OID = 25
_IDS_AND_TYPES = text(
    "SELECT (SELECT array_agg(nextval("
    "(SELECT pg_get_serial_sequence('sta_observation', 'id'))::regclass))"
    " FROM generate_series(1, :n)),"
    " (SELECT json_object_agg(attname,"
    " CASE WHEN atttypid = 'json'::regtype THEN :text ELSE atttypid::int END)"
    " FROM pg_attribute WHERE attrelid = 'sta_observation'::regclass"
    " AND attnum > 0 AND NOT attisdropped)"
)
"""``n`` new ids in one array, and the column types for a binary COPY (name → type oid; a
``json`` column as ``text``, since its values are their JSON text), in one round trip. The
sequence's name is looked up once (an InitPlan): as the argument of ``nextval`` it was looked
up for every row, 26 of 30 ms for 5,000 ids. The types are read with every insert, not kept:
a release that widens a column (as 0033 did) must not meet a process that still sends the
old binary width."""


def insert_postgres(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` (all with the same keys) by binary COPY; their new ids in order."""
    table: Any = m.Observation.__table__
    columns = tuple(c for c in _columns(rows, with_id=False) if not _all_null(table.c[c], rows))
    connection = session.connection()
    _, converters = _plan(connection.dialect, columns)
    converters = [
        (json_text, "null") if isinstance(table.c[name].type, JSON) else converter
        for name, converter in zip(columns, converters, strict=True)
    ]  # JSON as its text: psycopg's Json wrapper would serialise each value at COPY time
    new_ids, types = connection.execute(_IDS_AND_TYPES, {"n": len(rows), "text": _TEXT_OID}).one()
    ids = sorted(new_ids)
    values = _converted(converters, rows, columns)
    statement = f"COPY sta_observation (id, {', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
    driver: Any = connection.connection.dbapi_connection
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        copy.set_types([types[name] for name in ("id", *columns)])
        for record in zip(ids, *values, strict=True):
            copy.write_row(record)
    return ids


def _all_null(column: Any, rows: list[dict[str, Any]]) -> bool:
    """Whether COPY may leave ``column`` out: SQL NULL in every row (a JSON column stores
    JSON ``null`` for None, so it stays) and NULL is also what the table fills in (no
    default). Typical rows leave four of the twelve columns out (end, resultTime, validTime)."""
    if isinstance(column.type, JSON) or column.default is not None:
        return False
    if column.server_default is not None:
        return False
    name = column.name
    return all(row[name] is None for row in rows)


def _confirm(session: Session, row: dict[str, Any], obs_id: int) -> bool:
    o = m.Observation
    found = session.execute(
        select(o.datastream_id, o.multi_datastream_id, o.phenomenon_time_start).where(
            o.id == obs_id
        )
    ).first()
    return found is not None and (
        found.datastream_id == row.get("datastream_id")
        and found.multi_datastream_id == row.get("multi_datastream_id")
        and found.phenomenon_time_start == row["phenomenon_time_start"]
    )
