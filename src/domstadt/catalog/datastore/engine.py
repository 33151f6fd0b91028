"""DataStore queries: DuckDB over the Parquet files the normaliser wrote.

``search`` builds parameterised SQL from filters, q, fields and sort (column names are checked
against the table) and runs it in this process with DuckDB's memory limit, a time limit and a
size limit of the page. ``search_sql`` runs one read-only SELECT in the sandbox process
(``sandbox.py``), whose memory, time, rows and bytes are all bounded.
"""

from __future__ import annotations

import math
import re
import threading
from pathlib import Path
from typing import Any

import duckdb

from domstadt.catalog.datastore import sandbox
from domstadt.catalog.datastore.limits import Limits, value_size
from domstadt.core.errors import Invalid
from domstadt.core.storable import INT64_MAX

MAX_LIMIT = 32_000
_FORBIDDEN = re.compile(
    r"\b(insert|update|delete|create|drop|alter|attach|detach|copy|pragma|install|load|set|"
    r"call|export|import|checkpoint|vacuum|begin|commit|rollback|read_csv\w*|read_json\w*|"
    r"read_parquet|read_text|read_blob|glob|parquet_scan)\b",
    re.IGNORECASE,
)
_RESOURCE_RE = re.compile(r'"([0-9a-f-]{36})"')


_quote = sandbox.quote_identifier


def _connect() -> duckdb.DuckDBPyConnection:
    return duckdb.connect(":memory:", config=Limits.of().duckdb_config())


_shared: duckdb.DuckDBPyConnection | None = None
_shared_lock = threading.Lock()


def _cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on the process's shared in-memory DuckDB (opening a database costs ~30 ms, a
    cursor ~0.1 ms; each thread uses its own cursor). Only ``search`` and ``columns_of`` use
    it: ``search_sql`` runs in a process of its own. The limits are those of the settings
    when the database was opened."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = _connect()
        cursor = _shared.cursor()
    cursor.execute("SET enable_progress_bar = false")  # a per-connection setting
    return cursor


def columns_of(path: Path) -> list[tuple[str, str]]:
    """Column names and DuckDB types of a Parquet file."""
    con = _cursor()
    try:
        rows = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
    finally:
        con.close()
    return [(str(r[0]), str(r[1])) for r in rows]


def _where(
    types: dict[str, str], filters: dict[str, Any], q: str, text_columns: list[str]
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for column, value in filters.items():
        if column not in types:
            raise Invalid(f"Unbekannte Spalte '{column}' in filters.", field="filters")
        values = value if isinstance(value, list) else [value]
        marks = ", ".join("?" for _ in values)
        # text columns compare as they are (so DuckDB pushes the filter into the Parquet scan)
        target = (
            _quote(column) if types[column] == "VARCHAR" else f"CAST({_quote(column)} AS VARCHAR)"
        )
        clauses.append(f"{target} IN ({marks})")
        params.extend(str(v) for v in values)
    if q:
        ors = " OR ".join(f"CAST({_quote(c)} AS VARCHAR) ILIKE ?" for c in text_columns)
        clauses.append(f"({ors})")
        params.extend(f"%{q}%" for _ in text_columns)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _order(names: set[str], sort: str) -> str:
    parts = []
    for part in [p.strip() for p in sort.split(",") if p.strip()]:
        column, _, direction = part.rpartition(" ")
        if not column or direction.lower() not in {"asc", "desc"}:
            column, direction = part, "asc"
        column = column.strip().strip('"')
        if column not in names:
            raise Invalid(f"Unbekannte Spalte '{column}' in sort.", field="sort")
        parts.append(f"{_quote(column)} {direction.upper()}")
    return (" ORDER BY " + ", ".join(parts)) if parts else ""


def search(
    path: Path,
    *,
    filters: dict[str, Any],
    q: str,
    fields: list[str],
    sort: str,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    """Rows of one table with CKAN datastore_search semantics: fields, records, total."""
    if not 0 <= limit <= MAX_LIMIT:
        raise Invalid(f"limit muss zwischen 0 und {MAX_LIMIT} liegen.", field="limit")
    if not 0 <= offset <= INT64_MAX:
        raise Invalid(f"offset muss zwischen 0 und {INT64_MAX} liegen.", field="offset")
    described = columns_of(path)
    names = {n for n, _ in described}
    for column in fields:
        if column not in names:
            raise Invalid(f"Unbekannte Spalte '{column}' in fields.", field="fields")
    chosen = fields or [n for n, _ in described]
    text_columns = [n for n, t in described if t == "VARCHAR"] or [n for n, _ in described]
    types = dict(described)
    where, params = _where(types, filters, q, text_columns)
    select_list = ", ".join(_quote(c) for c in chosen)
    source = "read_parquet(?)"
    limits = Limits.of()
    con = _cursor()
    timer = threading.Timer(limits.seconds, con.interrupt)
    timer.start()
    try:
        total = con.execute(
            f"SELECT count(*) FROM {source}{where}", [str(path), *params]
        ).fetchone()
        sql = f"SELECT {select_list} FROM {source}{where}{_order(names, sort)} LIMIT ? OFFSET ?"
        cursor = con.execute(sql, [str(path), *params, limit, offset])
        records = _page(cursor, chosen, limits)
    except duckdb.InterruptException:
        raise sandbox.limit_error("time", limits) from None
    except duckdb.OutOfMemoryException:
        raise sandbox.limit_error("memory", limits) from None
    finally:
        timer.cancel()
        con.close()
    return {
        "fields": [{"id": c, "type": _ckan_type(types[c])} for c in chosen],
        "records": records,
        "total": int(total[0]) if total else 0,
        "limit": limit,
        "offset": offset,
    }


def _page(
    cursor: duckdb.DuckDBPyConnection, names: list[str], limits: Limits
) -> list[dict[str, Any]]:
    """The page's records; a page larger than the answer size limit is refused."""
    records: list[dict[str, Any]] = []
    size = 0
    while batch := cursor.fetchmany(sandbox.FETCH_BATCH):
        for row in batch:
            size += sum(value_size(v) for v in row)
            if size > limits.max_result_bytes:
                raise Invalid(
                    f"Die Antwort wäre größer als {limits.max_result_mb} MB. Bitte ein "
                    "kleineres limit oder weniger Spalten (fields) angeben.",
                    field="limit",
                )
            records.append(_record(names, row))
    return records


def _json_cell(value: Any) -> Any:
    """A DuckDB value as JSON can carry it: NaN and ±Infinity become null (JSON has no such
    numbers), bytes PostgreSQL's hex text (``\\x…``); lists and structs cell by cell."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bytes | bytearray):
        return "\\x" + value.hex()
    if isinstance(value, list | tuple):
        return [_json_cell(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_cell(v) for k, v in value.items()}
    return value


def _record(names: list[str], row: tuple[Any, ...]) -> dict[str, Any]:
    return {name: _json_cell(value) for name, value in zip(names, row, strict=True)}


def _ckan_type(duck_type: str) -> str:
    if duck_type in {"BIGINT", "INTEGER"}:
        return "int"
    if duck_type in {"DOUBLE", "FLOAT"} or duck_type.startswith("DECIMAL"):
        return "numeric"
    if duck_type == "DATE":
        return "date"
    if duck_type.startswith("TIMESTAMP"):
        return "timestamp"
    if duck_type == "BOOLEAN":
        return "bool"
    return "text"


def check_select(sql: str) -> str:
    """Accept exactly one SELECT (or WITH … SELECT) statement that reads, never writes."""
    statement = sql.strip().rstrip(";").strip()
    if not statement:
        raise Invalid("Bitte geben Sie eine SQL-Abfrage an.", field="sql")
    if ";" in statement:
        raise Invalid("Nur eine einzelne SELECT-Anweisung ist erlaubt.", field="sql")
    if not re.match(r"^(select|with)\b", statement, re.IGNORECASE):
        raise Invalid("Nur lesende SELECT-Anweisungen sind erlaubt.", field="sql")
    match = _FORBIDDEN.search(statement)
    if match:
        raise Invalid(
            f"'{match.group(0)}' ist in datastore_search_sql nicht erlaubt (nur lesen).",
            field="sql",
        )
    return statement


def resource_ids_in(sql: str) -> list[str]:
    """The resource ids quoted as table names in ``sql`` ("<uuid>")."""
    return sorted(set(_RESOURCE_RE.findall(sql)))


def search_sql(sql: str, tables: dict[str, Path], limits: Limits | None = None) -> dict[str, Any]:
    """Run a checked SELECT over the given resources (views named by resource id) in the
    sandbox: bounded memory and time, answers cut off at the row and byte limits."""
    statement = check_select(sql)
    names, rows, truncated = sandbox.run(statement, tables, limits or Limits.of())
    return {
        "fields": [{"id": n} for n in names],
        "records": [_record(names, r) for r in rows],
        "records_truncated": truncated,
    }
