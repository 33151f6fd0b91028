"""DataStore vs datasette on one 1,000,000-row table, side by side in one run on 127.0.0.1.

1. A German CSV (semicolon, decimal comma) of N rows is uploaded through
   ``distribution_service.distribution_create``: the load time is the whole path (encoding,
   delimiter, types, canonical CSV/JSON/Parquet, privacy scan, DataStore).
2. The same rows go into a SQLite file served by ``datasette`` (PyPI), no index on the
   filter column (the DataStore has none either), one SQL thread (DuckDB runs with one).
3. Both servers run as their own processes; requests alternate: CKAN ``datastore_search``
   with ``filters`` {"stadtbezirk": ...}, ``sort`` "geschwindigkeit desc", ``limit`` 100
   (with the total) against datasette's ``?stadtbezirk__exact=...&_sort_desc=geschwindigkeit
   &_size=100&_shape=objects`` (which also counts the matches).

    .venv/bin/python benchmarks/catalog_datastore.py [--rows 1000000] [--requests 40]
        [--index]   # also create an index on stadtbezirk for datasette
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pyarrow.parquet as pq
from _common import free_port, wait_for

from domstadt.catalog import distribution_service, service
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
            base_url="http://127.0.0.1",
            upload=("messungen.csv", raw),
        )
    return db, res.id, time.perf_counter() - start


def sqlite_copy(folder: Path, index: bool) -> tuple[Path, float]:
    """The normalised table (from the DataStore's Parquet) as a SQLite file for datasette."""
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
    con.executemany("INSERT INTO messungen VALUES (?, ?, ?, ?, ?, ?)", zip(*columns, strict=True))
    if index:
        con.execute("CREATE INDEX ix_stadtbezirk ON messungen (stadtbezirk)")
    con.commit()
    con.close()
    return path, time.perf_counter() - start


def start_servers(folder: Path, db: Database, sqlite_file: Path) -> tuple[list, str, str]:
    ours, theirs = free_port(), free_port()
    env = {
        **os.environ,
        "DOMSTADT_DATABASE_URL": db.url,
        "DOMSTADT_DATA_DIR": str(folder / "data"),
        "DOMSTADT_SECRET_KEY": SECRET,
        "DOMSTADT_LOG_LEVEL": "WARNING",
        "DOMSTADT_EMBEDDING_MODEL": "lexical",
    }
    procs = [
        subprocess.Popen(
            [str(BIN / "domstadt"), "serve", "--port", str(ours)],
            env=env,
            stdout=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [
                str(BIN / "datasette"),
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


def compare(base_ours: str, base_theirs: str, resource_id: str, requests: int) -> None:
    import json

    client = httpx.Client(timeout=60)
    times: dict[str, list[float]] = {"Domstadt DataStore": [], "datasette": []}
    for n in range(requests + 2):
        district = DISTRICTS[n % len(DISTRICTS)]
        ours = client.get(
            base_ours + "/api/3/action/datastore_search",
            params={
                "resource_id": resource_id,
                "filters": json.dumps({"stadtbezirk": district}),
                "sort": "geschwindigkeit desc",
                "limit": 100,
            },
        )
        t_ours = ours.elapsed.total_seconds()
        theirs = client.get(
            base_theirs + "/verkehr/messungen.json",
            params={
                "stadtbezirk__exact": district,
                "_sort_desc": "geschwindigkeit",
                "_size": 100,
                "_shape": "objects",
            },
        )
        t_theirs = theirs.elapsed.total_seconds()
        a, b = ours.json()["result"], theirs.json()
        assert len(a["records"]) == 100 and len(b["rows"]) == 100, (a.keys(), b.keys())
        assert a["total"] == b["filtered_table_rows_count"], (a["total"], b)
        assert a["records"][0]["geschwindigkeit"] == b["rows"][0]["geschwindigkeit"]
        if n >= 2:  # first two warm up both
            times["Domstadt DataStore"].append(t_ours * 1000)
            times["datasette"].append(t_theirs * 1000)
    for name, values in times.items():
        values.sort()
        print(
            f"{name}: p50 {statistics.median(values):.0f} ms, "
            f"p95 {values[int(len(values) * 0.95) - 1]:.0f} ms ({len(values)} requests)",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--index", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        raw = make_csv(args.rows)
        print(f"CSV: {args.rows} rows, {len(raw) / 1e6:.0f} MB", flush=True)
        db, resource_id, took = load(folder, raw)
        print(f"load from CSV (normalise + DataStore): {took:.1f} s", flush=True)
        sqlite_file, copied = sqlite_copy(folder, args.index)
        print(f"SQLite copy for datasette: {copied:.1f} s (index: {args.index})", flush=True)
        procs, base_ours, base_theirs = start_servers(folder, db, sqlite_file)
        try:
            compare(base_ours, base_theirs, resource_id, args.requests)
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=20)
        db.dispose()


if __name__ == "__main__":
    main()
