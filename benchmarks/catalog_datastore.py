"""DataStore vs datasette on one 1,000,000-row table, four kinds of query, interleaved in one run.

1. A German CSV (semicolon, decimal comma) of N rows is uploaded through
   ``distribution_service.distribution_create``: the load time is the whole path (encoding,
   delimiter, types, canonical CSV/JSON/Parquet, privacy scan, the DataStore's own index).
2. The same rows go into a SQLite file served by ``datasette`` (PyPI), set up as its docs tell a
   user to for these queries: a composite index on the two filtered columns
   (``sqlite-utils create-index … stadtbezirk auslastung``) and a full-text index on the text
   columns (``sqlite-utils enable-fts … abschnitt stadtbezirk --fts5``); one SQL thread (DuckDB
   runs with one).
3. Both servers run as their own processes; the same question goes to both in turn, kind after
   kind (CKAN ``datastore_search`` / datasette's table JSON with ``_shape=objects``):
   - ``filter_sort``: ``filters`` {stadtbezirk, auslastung}, ``sort`` "geschwindigkeit desc"
     / ``stadtbezirk__exact``, ``auslastung__exact``, ``_sort_desc=geschwindigkeit``;
   - ``full_text``: ``q`` = one road section ("ST042") / ``_search``;
   - ``total``: the first page of the whole table with its exact total (1,000,000);
   - ``offset``: ``offset=100000`` / ``_next=100000`` (datasette pages by key; half the rows
     for a smaller table).
   Each answer pair is checked before its time counts: all 100 rows equal and the same total.

    .venv/bin/python benchmarks/catalog_datastore.py [--rows 1000000] [--requests 30]
        [--datasette-bin DIR]   # where datasette and sqlite-utils are installed
        [--keep DIR]            # load into DIR and reuse it in later runs (delete it after)
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pyarrow.parquet as pq
from _common import free_port, spread, wait_for
from sqlalchemy import select

from domstadt.catalog import distribution_service, service
from domstadt.catalog.models import PrivacyScan
from domstadt.catalog.privacy.job import run_scan
from domstadt.catalog.schemas import DatasetCreate, DistributionCreate
from domstadt.core.auth import directory_service
from domstadt.core.auth.models import DepartmentKind
from domstadt.core.auth.permissions import system_actor
from domstadt.core.auth.schemas import DepartmentCreate
from domstadt.core.db import Database
from domstadt.core.migrate import upgrade

ACTOR = system_actor("benchmark")
SECRET = "benchmark-secret-key-that-is-long-enough-0123456789"
DISTRICTS = [
    "Innenstadt",
    "Rodenkirchen",
    "Lindenthal",
    "Ehrenfeld",
    "Nippes",
    "Chorweiler",
    "Porz",
    "Kalk",
    "Mülheim",
]
BIN = Path(sys.executable).parent


def make_csv(rows: int) -> bytes:
    """Traffic-like measurements the way the city exports them (German number format)."""
    rng = random.Random(1)
    out = io.StringIO()
    out.write("messung;zeitpunkt;abschnitt;stadtbezirk;auslastung;geschwindigkeit\n")
    for i in range(rows):
        minute = i % (60 * 24 * 30)
        out.write(
            f"{i + 1};2024-03-{1 + minute // 1440:02d}T{minute // 60 % 24:02d}:{minute % 60:02d};"
            f"ST{rng.randint(1, 113):03d};{rng.choice(DISTRICTS)};{rng.randint(0, 5)};"
            f"{rng.uniform(5, 70):.1f}".replace(".", ",")
            + "\n"
        )
    return out.getvalue().encode("utf-8")


def load(folder: Path, raw: bytes) -> tuple[Database, str, float]:
    db = Database(f"sqlite:///{folder / 'domstadt.sqlite3'}")
    upgrade(db)
    with db.session() as session:
        directory_service.department_create(
            session,
            actor=ACTOR,
            data=DepartmentCreate(code="69", name="Amt 69", kind=DepartmentKind.AMT),
        )
        service.dataset_create(
            session,
            actor=ACTOR,
            data=DatasetCreate(
                name="verkehr", title="Verkehr", department_code="69", license_id="dl-by-de/2.0"
            ),
        )
    start = time.perf_counter()
    with db.session() as session:
        res = distribution_service.distribution_create(
            session,
            actor=ACTOR,
            dataset="verkehr",
            data=DistributionCreate(title="Messungen"),
            data_dir=folder / "data",
            upload=("messungen.csv", raw),
        )
    return db, res.id, time.perf_counter() - start


def sqlite_copy(folder: Path, tools: Path) -> tuple[Path, float]:
    """The normalised table (from the DataStore's Parquet) as a SQLite file for datasette,
    indexed the way datasette's and sqlite-utils' docs show for these queries."""
    parquet = next((folder / "data").rglob("data.parquet"))
    table = pq.read_table(parquet)
    path = folder / "verkehr.db"
    start = time.perf_counter()
    con = sqlite3.connect(path)
    con.execute(
        "CREATE TABLE messungen (messung INTEGER PRIMARY KEY, zeitpunkt TEXT, abschnitt TEXT, "
        "stadtbezirk TEXT, auslastung INTEGER, geschwindigkeit REAL)"
    )
    columns = [table.column(n).to_pylist() for n in table.column_names]
    columns[1] = [v.isoformat(sep=" ") if v is not None else None for v in columns[1]]
    con.executemany("INSERT INTO messungen VALUES (?, ?, ?, ?, ?, ?)", zip(*columns, strict=True))
    con.commit()
    con.close()
    utils = str(tools / "sqlite-utils")
    run = [utils, "create-index", str(path), "messungen", "stadtbezirk", "auslastung"]
    subprocess.run(run, check=True)
    run = [utils, "enable-fts", str(path), "messungen", "abschnitt", "stadtbezirk", "--fts5"]
    subprocess.run(run, check=True)
    return path, time.perf_counter() - start


def start_servers(
    folder: Path, db: Database, sqlite_file: Path, tools: Path
) -> tuple[list, str, str]:
    ours, theirs = free_port(), free_port()
    env = {
        **os.environ,
        "DOMSTADT_DATABASE_URL": db.url,
        "DOMSTADT_DATA_DIR": str(folder / "data"),
        "DOMSTADT_SECRET_KEY": SECRET,
        "DOMSTADT_LOG_LEVEL": "WARNING",
        "DOMSTADT_EMBEDDING_MODEL": "lexical",
        "DOMSTADT_DATASTORE_TIME_LIMIT_SECONDS": "30",  # datasette's sql_time_limit_ms
    }
    procs = [
        subprocess.Popen(
            [str(BIN / "domstadt"), "serve", "--port", str(ours)],
            env=env,
            stdout=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [
                str(tools / "datasette"),
                "serve",
                str(sqlite_file),
                "--port",
                str(theirs),
                "--setting",
                "num_sql_threads",
                "1",
                "--setting",
                "suggest_facets",
                "off",
                "--setting",
                "sql_time_limit_ms",
                "30000",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
    ]
    base_ours, base_theirs = f"http://127.0.0.1:{ours}", f"http://127.0.0.1:{theirs}"
    wait_for(base_ours + "/healthz", procs[0])
    wait_for(base_theirs + "/-/versions.json", procs[1])
    return procs, base_ours, base_theirs


Question = tuple[dict[str, Any], dict[str, Any]]
"""The CKAN datastore_search parameters and datasette's table parameters of one question."""


def question(kind: str, n: int, offset: int) -> Question:
    """The n-th question of a kind, for both servers."""
    if kind == "filter_sort":
        district, load_level = DISTRICTS[n % len(DISTRICTS)], n % 6
        return (
            {
                "filters": json.dumps({"stadtbezirk": district, "auslastung": load_level}),
                "sort": "geschwindigkeit desc",
            },
            {
                "stadtbezirk__exact": district,
                "auslastung__exact": load_level,
                "_sort_desc": "geschwindigkeit",
            },
        )
    if kind == "full_text":
        word = f"ST{1 + (n * 7) % 113:03d}"
        return {"q": word}, {"_search": word}
    if kind == "total":
        return {}, {}
    return {"offset": offset}, {"_next": str(offset)}


KINDS = ("filter_sort", "full_text", "total", "offset")


def _same(kind: str, ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    """Both answers hold the same 100 rows and the same exact total."""
    rows = [{**r, "zeitpunkt": r["zeitpunkt"].replace("T", " ")} for r in ours["records"]]
    assert len(rows) == 100, (kind, len(rows))
    assert rows == theirs["rows"], (kind, rows[:2], theirs["rows"][:2])
    assert ours["total"] == theirs["filtered_table_rows_count"], (kind, ours["total"])


def cpu_ms(pid: int) -> float:
    """CPU time used so far by all threads of process ``pid`` (Linux schedstat, in ms)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            total += int((task / "schedstat").read_text().split()[0])
    return total / 1e6


def compare(
    servers: dict[str, tuple[str, int]], resource_id: str, requests: int, offset: int
) -> None:
    """Ask both servers (name → base URL and process id) the same questions in turn; record
    each answer's time and the server's CPU time for it."""
    client = httpx.Client(timeout=60)
    times: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    (ours_url, ours_pid), (theirs_url, theirs_pid) = servers["Domstadt"], servers["datasette"]
    for n in range(requests + 2):
        for kind in KINDS:
            mine, yours = question(kind, n, offset)
            before = cpu_ms(ours_pid)
            ours = client.get(
                ours_url + "/api/3/action/datastore_search",
                params={"resource_id": resource_id, "limit": 100, **mine},
            )
            middle = cpu_ms(ours_pid), cpu_ms(theirs_pid)
            theirs = client.get(
                theirs_url + "/verkehr/messungen.json",
                params={"_size": 100, "_shape": "objects", **yours},
            )
            after = cpu_ms(theirs_pid)
            assert ours.status_code == 200, (kind, ours.text[:500])
            _same(kind, ours.json()["result"], theirs.json())
            if n < 2:  # the first two of each kind warm both up
                continue
            for server, answer, used in (
                ("Domstadt", ours, middle[0] - before),
                ("datasette", theirs, after - middle[1]),
            ):
                times.setdefault((kind, server), []).append(answer.elapsed.total_seconds() * 1e3)
                cpu.setdefault((kind, server), []).append(used)
    print("kind | server | min / median / p95 / max | server CPU per request (mean)", flush=True)
    for key, values in times.items():
        mean_cpu = statistics.fmean(cpu[key])
        print(f"{key[0]} | {key[1]} | {spread(values)} | {mean_cpu:.1f} ms", flush=True)


def _load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def scan_for_privacy(db: Database, folder: Path) -> None:
    """Run the queued privacy scan of the table (as the job worker would): until it has run,
    a large table's dataset is held back and its DataStore answers 404."""
    with db.session() as session:
        queued = session.scalars(select(PrivacyScan.id).where(PrivacyScan.status == "queued"))
        scan_ids = list(queued)
    parquet = next((folder / "data").rglob("data.parquet"))
    for scan_id in scan_ids:
        start = time.perf_counter()
        status = run_scan(db, scan_id, parquet)
        print(f"privacy scan (job) {status}: {time.perf_counter() - start:.1f} s", flush=True)


def prepared(folder: Path, rows: int, tools: Path) -> tuple[Database, str, Path]:
    """The data of both servers in ``folder``: loaded now, or left by a run with ``--keep``."""
    state = folder / "state.txt"
    if state.is_file():
        resource_id = state.read_text().strip()
        print(f"reusing the tables loaded in {folder}", flush=True)
        db = Database(f"sqlite:///{folder / 'domstadt.sqlite3'}")
        scan_for_privacy(db, folder)
        return db, resource_id, folder / "verkehr.db"
    raw = make_csv(rows)
    print(f"CSV: {rows} rows, {len(raw) / 1e6:.0f} MB", flush=True)
    db, resource_id, took = load(folder, raw)
    print(f"load from CSV (normalise + DataStore index): {took:.1f} s", flush=True)
    scan_for_privacy(db, folder)
    sqlite_file, copied = sqlite_copy(folder, tools)
    print(f"SQLite copy + composite index + FTS5 for datasette: {copied:.1f} s", flush=True)
    state.write_text(resource_id)
    return db, resource_id, sqlite_file


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--datasette-bin", type=Path, default=BIN)
    parser.add_argument(
        "--keep", type=Path, help="load into (or reuse) this folder, not a temp one"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db, resource_id, sqlite_file = prepared(folder, args.rows, args.datasette_bin)
        procs, base_ours, base_theirs = start_servers(folder, db, sqlite_file, args.datasette_bin)
        try:
            print(f"load average before: {_load_average()}", flush=True)
            servers = {
                "Domstadt": (base_ours, procs[0].pid),
                "datasette": (base_theirs, procs[1].pid),
            }
            compare(servers, resource_id, args.requests, min(100_000, args.rows // 2))
            print(f"load average after: {_load_average()}", flush=True)
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=20)
        db.dispose()


if __name__ == "__main__":
    main()
