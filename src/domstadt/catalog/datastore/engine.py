"""DataStore queries: DuckDB over each table's index (``index.py``) or its Parquet file.

``search`` builds parameterised SQL from filters, q, fields and sort (``plan.py``; column names
are checked against the table) and runs it in this process with DuckDB's memory limit, a time
limit and a size limit of the page. ``search_sql`` runs one read-only SELECT in the sandbox process
(``sandbox.py``), whose memory, time, rows and bytes are all bounded.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import math
import re
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import duckdb

from domstadt.catalog.datastore import index, plan, sandbox, watchdog
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


def _connect() -> duckdb.DuckDBPyConnection:
    return duckdb.connect(":memory:", config=Limits.of().duckdb_config())


_shared: duckdb.DuckDBPyConnection | None = None
_shared_lock = threading.Lock()
MAX_ATTACHED = 64
"""Table indexes kept attached to the shared DuckDB at once (least recently used leave)."""
_attached: OrderedDict[tuple[str, int], plan.Source] = OrderedDict()
_attach_lock = threading.Lock()


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


_local = threading.local()


def _thread_cursor() -> duckdb.DuckDBPyConnection:
    """This thread's cursor for searches, kept between requests (the server's worker threads
    live long; a new cursor and its settings cost more than many a query)."""
    cursor: duckdb.DuckDBPyConnection | None = getattr(_local, "cursor", None)
    if cursor is None:
        cursor = _cursor()
        _local.cursor = cursor
    return cursor


def prepare(path: Path) -> bool:
    """Build the index of a newly normalised table now, so its first search need not; False
    when it cannot be built in the memory limit (searches then read the Parquet file)."""
    return index.ensure(path, Limits.of()) is not None


def columns_of(path: Path) -> list[tuple[str, str]]:
    """Column names and DuckDB types of a Parquet file."""
    con = _cursor()
    try:
        rows = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
    finally:
        con.close()
    return [(str(r[0]), str(r[1])) for r in rows]


def _parquet_source(path: Path) -> plan.Source:
    """The Parquet file itself, each row with its position as ``__domstadt_pos`` (no index)."""
    described = tuple(columns_of(path))
    escaped = str(path).replace("'", "''")
    rows = (
        "(SELECT file_row_number AS __domstadt_pos, * EXCLUDE (file_row_number) "
        f"FROM read_parquet('{escaped}', file_row_number = true))"
    )
    return plan.Source(
        rows=rows,
        clustered=rows,
        terms=None,
        cluster=(),
        text_columns=tuple(index.text_columns(list(described))),
        described=described,
    )


def _indexed_source(path: Path, limits: Limits) -> plan.Source | None:
    """The table's index attached to the shared DuckDB (built first if needed), or None."""
    built = index.ensure(path, limits)
    if built is None:
        return None
    try:
        key = (str(built), built.stat().st_mtime_ns)
    except OSError:
        return None
    with _attach_lock:
        if key in _attached:
            _attached.move_to_end(key)
            return _attached[key]
        source = _attach(built, "ix_" + hashlib.sha256(repr(key).encode()).hexdigest()[:20])
        _attached[key] = source
        while len(_attached) > MAX_ATTACHED:
            _, old = _attached.popitem(last=False)
            _detach(old.rows.split(".")[0])
        return source


def _attach(built: Path, alias: str) -> plan.Source:
    con = _cursor()
    try:
        escaped = str(built).replace("'", "''")
        con.execute(f"ATTACH '{escaped}' AS {alias} (READ_ONLY)")
        meta = dict(con.execute(f"SELECT key, value FROM {alias}.meta").fetchall())
        described = tuple(
            (str(r[0]), str(r[1]))
            for r in con.execute(f"DESCRIBE {alias}.rows").fetchall()
            if r[0] != "__domstadt_pos"
        )
    finally:
        con.close()
    return plan.Source(
        rows=f"{alias}.rows",
        clustered=f"{alias}.clustered",
        terms=f"{alias}.terms",
        cluster=tuple(json.loads(meta["cluster"])),
        text_columns=tuple(json.loads(meta["text_columns"])),
        described=described,
    )


def _detach(alias: str) -> None:
    con = _cursor()
    try:
        con.execute(f"DETACH {alias}")
    except duckdb.Error:  # still in use by a running query: it stays attached
        pass
    finally:
        con.close()


def _words(con: duckdb.DuckDBPyConnection, q: str) -> tuple[str, ...] | None:
    """The distinct words of ``q`` as the index splits text; None for no query."""
    if not q.strip():
        return None
    row = con.execute(
        f"SELECT list_distinct(list_filter({index.words_sql('?')}, lambda w: w <> ''))", [q]
    ).fetchone()
    return tuple(sorted(row[0])) if row and row[0] else ()


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
    """Rows of one table with CKAN datastore_search semantics: fields, records, total.

    ``q`` matches the rows holding every word of it in their text columns (whole words, case
    and accents ignored); rows come in file order unless ``sort`` is given."""
    if not 0 <= limit <= MAX_LIMIT:
        raise Invalid(f"limit muss zwischen 0 und {MAX_LIMIT} liegen.", field="limit")
    if not 0 <= offset <= INT64_MAX:
        raise Invalid(f"offset muss zwischen 0 und {INT64_MAX} liegen.", field="offset")
    limits = Limits.of()
    source = _indexed_source(path, limits) or _parquet_source(path)
    names = [n for n, _ in source.described]
    for column in fields:
        if column not in names:
            raise Invalid(f"Unbekannte Spalte '{column}' in fields.", field="fields")
    chosen = fields or names
    con = _thread_cursor()
    try:
        with watchdog.limit(con, limits.seconds) as watch:
            request = plan.Request(
                filters=filters,
                words=_words(con, q),
                columns=tuple(chosen),
                sort=sort,
                limit=limit,
                offset=offset,
            )
            total = con.execute(*plan.count(source, request)).fetchone()
            records = _page(_page_cursor(con, source, request), chosen, limits)
    except duckdb.InterruptException:
        raise sandbox.limit_error("time", limits) from None
    except duckdb.OutOfMemoryException:
        raise sandbox.limit_error("memory", limits) from None
    finally:
        if watch.fired:  # the interrupt may linger on the cursor: the next search gets a new one
            _local.cursor = None
            con.close()
    types = dict(source.described)
    return {
        "fields": [{"id": c, "type": _ckan_type(types[c])} for c in chosen],
        "records": records,
        "total": int(total[0]) if total else 0,
        "limit": limit,
        "offset": offset,
    }


def _page_cursor(
    con: duckdb.DuckDBPyConnection, source: plan.Source, request: plan.Request
) -> duckdb.DuckDBPyConnection:
    """The cursor over the page's rows (via the hits' positions when that is cheaper)."""
    positions_sql = plan.hit_positions(source, request)
    if positions_sql is not None:
        positions = [int(r[0]) for r in con.execute(*positions_sql).fetchall()]
        if not positions:
            return con.execute(*plan.page(source, dataclasses.replace(request, limit=0)))
        return con.execute(*plan.rows_at(source, request, positions))
    return con.execute(*plan.page(source, request))


def _page(
    cursor: duckdb.DuckDBPyConnection, names: list[str], limits: Limits
) -> list[dict[str, Any]]:
    """The page's records; a page larger than the answer size limit is refused. Only the
    columns whose values vary in size are measured, and only those that JSON cannot take as
    DuckDB gives them are converted (a page of 100 rows is otherwise dominated by this)."""
    kinds = [str(d[1]) for d in cursor.description or []]
    fixed = [k for k in kinds if k in _FIXED_SIZE]
    measured = [i for i, k in enumerate(kinds) if k not in _FIXED_SIZE]
    converted = [(names[i], i) for i, k in enumerate(kinds) if k not in _AS_RETURNED]
    row_base = 16 * len(fixed)
    max_bytes = limits.max_result_bytes
    records: list[dict[str, Any]] = []
    size = 0
    while batch := cursor.fetchmany(sandbox.FETCH_BATCH):
        for row in batch:
            size += row_base + sum(value_size(row[i]) for i in measured)
            if size > max_bytes:
                raise Invalid(
                    f"Die Antwort wäre größer als {limits.max_result_mb} MB. Bitte ein "
                    "kleineres limit oder weniger Spalten (fields) angeben.",
                    field="limit",
                )
            record = dict(zip(names, row, strict=True))
            for name, i in converted:
                record[name] = _json_cell(row[i])
            records.append(record)
    return records


_FIXED_SIZE = frozenset(
    {"BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT"}
    | {"UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "DATE", "TIME", "TIMESTAMP", "UUID"}
    | {"TIMESTAMP WITH TIME ZONE", "INTERVAL"}
)
"""DuckDB types whose values count 16 bytes in the answer size (``value_size``)."""
_AS_RETURNED = frozenset(
    {"BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT"}
    | {"UINTEGER", "UBIGINT", "VARCHAR", "DATE", "TIME", "TIMESTAMP", "UUID", "INTERVAL"}
    | {"TIMESTAMP WITH TIME ZONE"}
)
"""DuckDB types whose Python values need no ``_json_cell`` (no NaN, bytes or nesting)."""


_AS_THEY_ARE = frozenset({str, int, bool, type(None), datetime.datetime, datetime.date})
"""Types of values JSON takes as DuckDB gives them (the rest pass ``_json_cell``)."""


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
    return {
        name: value if type(value) in _AS_THEY_ARE else _json_cell(value)
        for name, value in zip(names, row, strict=True)
    }


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
