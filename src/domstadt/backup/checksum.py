"""Row counts and checksums of every table, computed the same way on SQLite and PostgreSQL.

Each row is read through SQLAlchemy reflection (so booleans, times and JSON come back as the
same Python values on both engines), written as canonical JSON (columns sorted by name, times
in UTC, decimals without trailing zeros, bytes as hex, object keys sorted) and hashed. A
table's checksum is the sum of its rows' SHA-256 values modulo 2**256: independent of row
order, so neither the engine's collation nor the physical order after a restore changes it,
and rows stream in chunks without sorting (bounded memory). Derived data is left out:
SQLite's full-text index (virtual and shadow tables), PostgreSQL's generated columns (the
``tsvector``), tables an extension owns (PostGIS's ``spatial_ref_sys``) and tables with a
PostGIS column (geometry kept beside the source rows, rebuilt from them; dumped and restored
all the same)."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
import warnings
from typing import Any

import orjson
from sqlalchemy import Connection, MetaData, Table, inspect, select, text
from sqlalchemy.exc import SAWarning

from domstadt.backup.manifest import TableSum

CHUNK_ROWS = 2000
MODULUS = 2**256
_SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config")


def _derived_sqlite_tables(connection: Connection) -> set[str]:
    virtual = connection.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'")
    ).scalars()
    derived: set[str] = set()
    for name in virtual:
        derived.add(name)
        derived.update(name + suffix for suffix in _SHADOW_SUFFIXES)
    return derived


_DERIVED_POSTGRES = text(
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND ("
    " EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
    "  AND d.objid = c.oid AND d.deptype = 'e')"
    " OR EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
    "  WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
    "  AND t.typname IN ('geometry', 'geography')))"
)


def table_names(connection: Connection) -> list[str]:
    """The tables whose rows make up the installation's data, sorted by name."""
    names = set(inspect(connection).get_table_names())
    if connection.dialect.name == "sqlite":
        names -= _derived_sqlite_tables(connection)
    else:
        names -= set(connection.execute(_DERIVED_POSTGRES).scalars())
    return sorted(names)


def reflect(connection: Connection, names: list[str]) -> list[Table]:
    """The reflected tables ``names`` (foreign keys not followed)."""
    metadata = MetaData()
    with warnings.catch_warnings():
        # Asked for most tables, SQLAlchemy reflects all of them and keeps ``names``: the
        # PostGIS tables left out above have types it does not know.
        warnings.filterwarnings("ignore", "Did not recognize type", SAWarning)
        metadata.reflect(bind=connection, only=names, resolve_fks=False)
    return [metadata.tables[name] for name in names]


_ORJSON_OPTIONS = orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z | orjson.OPT_SORT_KEYS


def _other(value: Any) -> Any:
    """What orjson cannot write itself: decimals, bytes, durations."""
    if isinstance(value, decimal.Decimal):
        return _decimal_text(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    raise TypeError(f"no canonical form for {type(value).__name__}")


def _decimal_text(value: decimal.Decimal) -> str:
    if not value.is_finite():
        return str(value)
    text_value = format(value, "f")
    if "." in text_value:
        text_value = text_value.rstrip("0").rstrip(".")
    return "0" if text_value in {"-0", ""} else text_value


def canonical_row(values: tuple[Any, ...]) -> bytes:
    """The canonical JSON of one row's values (columns sorted by name).

    Times: naive ones are UTC (SQLite), aware ones are read in UTC (PostgreSQL session time
    zone), both written as ``…Z``; NaN and infinity become null, like in JSON."""
    try:
        return orjson.dumps(values, default=_other, option=_ORJSON_OPTIONS)
    except orjson.JSONEncodeError:  # an integer beyond 64 bits
        return json.dumps(
            values, default=_other, sort_keys=True, separators=(",", ":"), cls=_UTCEncoder
        ).encode()


class _UTCEncoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime):
            aware = o if o.tzinfo else o.replace(tzinfo=dt.UTC)
            return aware.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
        if isinstance(o, dt.date | dt.time):
            return o.isoformat()
        if isinstance(o, uuid.UUID):
            return str(o)
        return _other(o)


def table_sum(connection: Connection, table: Table) -> TableSum:
    """Rows and checksum of one table, streamed in chunks."""
    columns = sorted((c for c in table.columns if c.computed is None), key=lambda c: str(c.name))
    total = 0
    rows = 0
    sha256 = hashlib.sha256
    result = connection.execute(select(*columns).execution_options(yield_per=CHUNK_ROWS))
    for chunk in result.partitions():
        for row in chunk:
            total += int.from_bytes(sha256(canonical_row(tuple(row))).digest(), "big")
        rows += len(chunk)
    return TableSum(rows=rows, checksum=(total % MODULUS).to_bytes(32, "big").hex())


def table_sums(connection: Connection) -> dict[str, TableSum]:
    """Rows and checksum of every table (see :func:`table_names`)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET TIME ZONE 'UTC'")
    tables = reflect(connection, table_names(connection))
    return {table.name: table_sum(connection, table) for table in tables}


SCHEMA_BOOKKEEPING = frozenset({"alembic_version", "schema_policy"})
"""Tables every migrated installation fills, data or not (core/migration_policy.py)."""


def tables_with_rows(connection: Connection) -> list[str]:
    """Tables holding at least one row, besides the schema's bookkeeping."""
    names = [n for n in table_names(connection) if n not in SCHEMA_BOOKKEEPING]
    tables = reflect(connection, names)
    return [t.name for t in tables if connection.execute(select(1).select_from(t).limit(1)).first()]


def compare(expected: dict[str, TableSum], actual: dict[str, TableSum]) -> list[str]:
    """What differs between two sets of table sums, in German, one line per table."""
    problems = []
    for name in sorted(set(expected) | set(actual)):
        want, got = expected.get(name), actual.get(name)
        if want is None:
            problems.append(f"Tabelle {name}: nicht im Backup")
        elif got is None:
            problems.append(f"Tabelle {name}: fehlt")
        elif want.rows != got.rows:
            problems.append(f"Tabelle {name}: {got.rows} Zeilen statt {want.rows}")
        elif want.checksum != got.checksum:
            problems.append(f"Tabelle {name}: Prüfsumme weicht ab")
    return problems
