"""The DataStore's own index of a table: a DuckDB file beside its Parquet file.

Scanning the Parquet file for every request costs tens of milliseconds on a 1,000,000-row table;
a DuckDB database in its native storage (compressed columns with min/max per segment, the "zone
maps") answers most requests in a few. ``build`` writes ``data.v2.duckdb`` next to
``data.parquet`` with three tables:

- ``rows``: every column plus ``__domstadt_pos`` ("pos" below), the row's position in the
  Parquet file (0-based; CKAN's ``_id`` is pos + 1), in file order, so a page at a large
  ``offset`` without a sort is the range pos >= offset and reads one segment instead of
  counting through the rows before it;
- ``clustered``: the same rows ordered by the *cluster columns*, the (up to three) columns with
  the fewest distinct values (at most ``CLUSTER_MAX_DISTINCT``, fewest first), then pos. A
  filter on them reads only the segments whose min/max can hold the value; equality filters on
  the first two of them select one contiguous run;
- ``terms``: one row (term, pos) per distinct word of the row's text columns, ordered by
  term: the inverted index of the full-text search ``q``. A word is a run of letters and digits
  (Unicode), compared lower case and without accents (``Mülheim`` = ``mulheim``), like SQLite
  FTS5's default tokenizer; DuckDB's own FTS extension is not part of its wheel and extensions
  are never downloaded.

The file is built when a table of at least ``MIN_ROWS`` rows is normalised and, for tables
normalised before, on their first search; it is rebuilt when the Parquet file is newer.
Building runs with the DataStore's memory limit and never spills to disk: a table too large to
index in that memory keeps being answered from the Parquet file (slower, same answers).
Searches read the file through ``ATTACH … READ_ONLY`` on the shared DuckDB, so its blocks
count against the same memory limit as every query.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from domstadt.catalog.datastore.limits import Limits
from domstadt.catalog.datastore.sandbox import quote_identifier

log = logging.getLogger(__name__)

SUFFIX = ".duckdb"
VERSION = "2"
"""Part of the file name: an index of another layout is never read, a new one is built."""
MIN_ROWS = 20_000
"""Smaller tables are read from their Parquet file: a few milliseconds, and no file to build."""
CLUSTER_MAX_DISTINCT = 1000
CLUSTER_COLUMNS = 3
WORD_SPLIT = r"[^\p{L}\p{N}]+"
"""What separates words: anything that is neither a letter nor a digit (RE2 syntax)."""
_UNCLUSTERED_TYPES = ("DOUBLE", "FLOAT", "REAL", "BLOB", "STRUCT", "MAP", "UNION", "JSON")
_locks: dict[str, threading.Lock] = {}
_locks_lock = threading.Lock()


def words_sql(expression: str) -> str:
    """SQL turning a text expression into its list of words (lower case, no accents)."""
    return f"regexp_split_to_array(lower(strip_accents({expression})), '{WORD_SPLIT}')"


def path_of(parquet: Path) -> Path:
    """Where the index of ``parquet`` lives (``data.v2.duckdb`` beside ``data.parquet``)."""
    return parquet.with_suffix(f".v{VERSION}{SUFFIX}")


def text_columns(described: list[tuple[str, str]]) -> list[str]:
    """The columns ``q`` searches: the text columns, or every column when there are none."""
    return [n for n, t in described if t == "VARCHAR"] or [n for n, _ in described]


def _lock(path: Path) -> threading.Lock:
    with _locks_lock:
        return _locks.setdefault(str(path), threading.Lock())


def _is_current(parquet: Path, index: Path) -> bool:
    try:
        return index.stat().st_mtime_ns >= parquet.stat().st_mtime_ns
    except OSError:
        return False


def ensure(parquet: Path, limits: Limits) -> Path | None:
    """The current index of ``parquet``, built first when it is missing or older than the
    Parquet file; None when it cannot be built (the caller then reads the Parquet file)."""
    index = path_of(parquet)
    with _lock(index):
        if _is_current(parquet, index):
            return index
        try:
            if _row_count(str(parquet), parquet.stat().st_mtime_ns) < MIN_ROWS:
                return None
            return build(parquet, limits)
        except (duckdb.Error, OSError, pa.ArrowException) as exc:
            log.warning("DataStore index of %s not built: %s", parquet.name, exc)
            return None


@functools.lru_cache(maxsize=4096)
def _row_count(parquet: str, mtime_ns: int) -> int:
    """The rows of a Parquet file, from its footer (cached per file version)."""
    return int(pq.read_metadata(parquet).num_rows)


def build(parquet: Path, limits: Limits) -> Path:
    """Write the index of ``parquet`` (into a temporary file first, then renamed into place)."""
    index = path_of(parquet)
    partial = index.with_name(index.name + ".partial")
    partial.unlink(missing_ok=True)
    con = duckdb.connect(str(partial), config=limits.duckdb_config())
    try:
        con.execute("SET enable_progress_bar = false")
        _fill(con, str(parquet))
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        partial.unlink(missing_ok=True)
        raise
    con.close()
    # never older than the Parquet file, even when its time lies ahead of the clock
    stamp = max(time.time_ns(), parquet.stat().st_mtime_ns)
    os.utime(partial, ns=(stamp, stamp))
    os.replace(partial, index)
    return index


def _fill(con: duckdb.DuckDBPyConnection, parquet: str) -> None:
    con.execute(
        "CREATE TABLE rows AS SELECT file_row_number AS __domstadt_pos, "
        "* EXCLUDE (file_row_number) FROM read_parquet(?, file_row_number = true) "
        "ORDER BY __domstadt_pos",
        [parquet],
    )
    described = [
        (str(r[0]), str(r[1]))
        for r in con.execute("DESCRIBE rows").fetchall()
        if r[0] != "__domstadt_pos"
    ]
    cluster = _cluster_columns(con, described)
    order = ", ".join([*(quote_identifier(c) for c in cluster), "__domstadt_pos"])
    con.execute(f"CREATE TABLE clustered AS SELECT * FROM rows ORDER BY {order}")
    texts = text_columns(described)
    joined = "concat_ws(' ', " + ", ".join(f"CAST({quote_identifier(c)} AS VARCHAR)" for c in texts)
    con.execute(
        "CREATE TABLE terms AS SELECT DISTINCT term, __domstadt_pos FROM "
        f"(SELECT __domstadt_pos, unnest({words_sql(joined + ')')}) AS term FROM rows) "
        "WHERE term <> '' ORDER BY term, __domstadt_pos"
    )
    con.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR)")
    con.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [
            ["version", VERSION],
            ["cluster", json.dumps(cluster)],
            ["text_columns", json.dumps(texts)],
        ],
    )


def _cluster_columns(con: duckdb.DuckDBPyConnection, described: list[tuple[str, str]]) -> list[str]:
    """Up to ``CLUSTER_COLUMNS`` columns with 2..CLUSTER_MAX_DISTINCT distinct values, fewest
    first (floating point and nested columns are never filtered on exactly)."""
    candidates = [n for n, t in described if not t.startswith(_UNCLUSTERED_TYPES) and "[" not in t]
    if not candidates:
        return []
    counts = con.execute(
        "SELECT "
        + ", ".join(f"approx_count_distinct({quote_identifier(c)})" for c in candidates)
        + " FROM rows"
    ).fetchone()
    ranked = sorted(
        (int(n), c)
        for c, n in zip(candidates, counts or [], strict=True)
        if 2 <= int(n) <= CLUSTER_MAX_DISTINCT
    )
    return [c for _, c in ranked[:CLUSTER_COLUMNS]]
