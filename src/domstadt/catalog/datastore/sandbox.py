"""Run one user-written DataStore SQL query in a child process with hard limits.

DuckDB's ``memory_limit`` bounds only its buffer-managed memory: ``repeat('x', 300000000)``
or ``range(10^9)`` allocate outside it (the probe grew the server by 1 GB). So every
``datastore_search_sql`` runs in a process forked from a warm fork server, whose data segment
is capped (``RLIMIT_DATA``) at the configured memory, killed when it overruns the time limit,
and whose answer is cut off at the row and byte limits before it is sent back. At most
``sql_processes`` run at once; a query that finds no free slot in time answers 503.
"""

from __future__ import annotations

import multiprocessing
import re
import resource
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import duckdb

from domstadt.catalog.datastore.limits import MB, Limits, value_size
from domstadt.core.errors import Invalid, Unavailable

FETCH_BATCH = 256
_PATH = re.compile(r"(?<![\w.])/(?:[^\s/'\"]+/)+[^\s'\"]*")
"""An absolute file path (two or more segments) in an error message."""
_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(["__main__", __name__])
"""The fork server imports the main script and this module once, so a query's process starts
warm (a few ms) instead of importing them again."""
_slots: dict[int, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()

Outcome = tuple[str, Any]
"""The kind and detail of a query's end: ("ok", (names, rows, truncated)), ("sql", message),
("memory" | "time" | "too_large", "")."""


def quote_identifier(name: str) -> str:
    """``name`` as a double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _cap_memory(limit_bytes: int) -> None:
    """Cap the data segment (heap and anonymous maps) at its current size plus the limit."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            data_kb = next(int(line.split()[1]) for line in status if line.startswith("VmData:"))
    except (OSError, StopIteration, ValueError):
        return  # not Linux: the DuckDB memory limit and the time limit still hold
    cap = data_kb * 1024 + limit_bytes
    resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))


def _connect(tables: dict[str, str], limits: Limits) -> duckdb.DuckDBPyConnection:
    """An in-memory database with one view per resource, then locked: no files but the
    tables' folders, no settings changes."""
    con = duckdb.connect(":memory:", config=limits.duckdb_config())
    con.execute("SET enable_progress_bar = false")
    for resource_id, path in tables.items():
        escaped = path.replace("'", "''")
        con.execute(f"CREATE VIEW {quote_identifier(resource_id)} AS SELECT * FROM '{escaped}'")
    folders = sorted({str(Path(p).parent) + "/" for p in tables.values()})
    con.execute("SET allowed_directories = ?", [folders])
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def _fetch(cursor: duckdb.DuckDBPyConnection, limits: Limits) -> tuple[list[tuple[Any, ...]], bool]:
    """Rows up to the row and byte limits, and whether more were left out."""
    rows: list[tuple[Any, ...]] = []
    size = 0
    while batch := cursor.fetchmany(FETCH_BATCH):
        for row in batch:
            size += sum(value_size(v) for v in row)
            if len(rows) >= limits.max_rows or size > limits.max_result_bytes:
                return rows, True
            rows.append(row)
    return rows, False


def _child(statement: str, tables: dict[str, str], limits: Limits, answer: Connection) -> None:
    """The child process: cap memory, run the query, send one outcome."""
    _cap_memory(limits.memory_mb * MB)
    outcome: Outcome
    try:
        con = _connect(tables, limits)
        cursor = con.execute(f"SELECT * FROM ({statement}) LIMIT {limits.max_rows + 1}")
        names = [d[0] for d in cursor.description or []]
        rows, truncated = _fetch(cursor, limits)
        outcome = ("too_large", "") if truncated and not rows else ("ok", (names, rows, truncated))
    except (duckdb.OutOfMemoryException, MemoryError):
        outcome = ("memory", "")
    except Exception as exc:  # duckdb.Error, or a value Python cannot hold: the query failed
        outcome = ("sql", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    try:
        answer.send(outcome)
    except MemoryError:
        answer.send(("memory", ""))
    answer.close()


def _slot(limits: Limits) -> threading.BoundedSemaphore:
    """The semaphore admitting ``sql_processes`` queries at once."""
    with _slots_lock:
        if limits.sql_processes not in _slots:
            _slots[limits.sql_processes] = threading.BoundedSemaphore(limits.sql_processes)
        return _slots[limits.sql_processes]


Answer = tuple[list[str], list[tuple[Any, ...]], bool]
"""Column names, rows, and whether rows were left out at the row or byte limit."""


def run(statement: str, tables: dict[str, Path], limits: Limits) -> Answer:
    """Run ``statement`` over ``tables`` (resource id → Parquet file) in a child process;
    a query that breaks a limit or fails raises Invalid naming the limit or the error."""
    slot = _slot(limits)
    if not slot.acquire(timeout=limits.seconds):
        raise Unavailable(
            "Gerade laufen zu viele SQL-Abfragen. Bitte in einigen Sekunden erneut versuchen.",
            retry_after=limits.retry_after,
        )
    try:
        kind, detail = _run_child(statement, {k: str(v) for k, v in tables.items()}, limits)
    finally:
        slot.release()
    if kind == "ok":
        names, rows, truncated = detail
        return names, rows, truncated
    raise limit_error(kind, limits, without_paths(str(detail), tables))


def _run_child(statement: str, tables: dict[str, str], limits: Limits) -> Outcome:
    receiver, sender = _context.Pipe(duplex=False)
    process = _context.Process(target=_child, args=(statement, tables, limits, sender), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(limits.seconds):
            return ("time", "")
        outcome: Outcome = receiver.recv()
        return outcome
    except EOFError:  # the child died without an answer: the memory cap killed it
        return ("memory", "")
    finally:
        process.kill()  # done or over time: its answer (if any) has been read
        process.join()
        receiver.close()


def without_paths(message: str, tables: dict[str, Path]) -> str:
    """``message`` with every table file named by its resource id and no server path left."""
    for resource_id, path in tables.items():
        message = message.replace(str(path), resource_id)
    return _PATH.sub("…", message)


def limit_error(kind: str, limits: Limits, detail: str = "") -> Invalid:
    """The error naming the limit that was reached, or DuckDB's own message."""
    if kind == "time":
        return Invalid(
            f"Die Abfrage dauerte länger als {limits.seconds:g} s und wurde abgebrochen. "
            "Bitte die Abfrage eingrenzen (WHERE, LIMIT).",
            field="sql",
        )
    if kind == "memory":
        return Invalid(
            f"Die Abfrage braucht mehr als {limits.memory_mb} MB Arbeitsspeicher und wurde "
            "abgebrochen. Bitte weniger oder kleinere Werte abfragen (WHERE, LIMIT).",
            field="sql",
        )
    if kind == "too_large":
        return Invalid(
            f"Schon eine Ergebniszeile ist größer als {limits.max_result_mb} MB. "
            "Bitte weniger oder kürzere Spalten abfragen.",
            field="sql",
        )
    return Invalid(f"SQL-Fehler: {detail}", field="sql")
