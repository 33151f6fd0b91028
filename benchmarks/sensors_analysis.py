"""Sensor analysis benchmark on real data: CSV import of the DWD daily weather (Köln/Bonn,
1957–2014, 7 columns) and the analysis across sources on it.

Usage: .venv/bin/python benchmarks/sensors_analysis.py [--database-url URL] [--repeat 5]

Without ``--database-url`` a fresh SQLite file in a temporary directory is used; a PostgreSQL
URL must point at an empty database. Measures
1. ``import_csv`` of the whole file (first import) and again (idempotent re-import);
2. correlation of two datastreams over 58 years in weekly buckets (±6 buckets of lag);
3. anomalies of one datastream over all 20,709 days (month slots);
4. the dashboard's pair analysis (both of the above for two datastreams).
Prints a Markdown table for docs/benchmarks.md. Not a test: timings vary by machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.core.migrate import upgrade
from domstadt.sensors import analysis_service, csv_import_service, import_service

ACTOR = system_actor("benchmark")


def _timed(database: Database, repeat: int, work: Callable[[Any], Any]) -> tuple[float, float]:
    """Median and max seconds of ``repeat`` runs, each in its own session."""
    times = []
    for _ in range(repeat):
        with database.session() as session:
            started = time.perf_counter()
            work(session)
            times.append(time.perf_counter() - started)
    return statistics.median(times), max(times)


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.database_url or f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    database = Database(url)
    upgrade(database)
    csv_path = import_service._data_file("koeln_bonn_dwd_02667_daily_weather.csv")
    mapping = csv_import_service.parse_mapping(
        import_service._data_file("koeln_bonn_dwd_02667_mapping.json").read_text("utf-8")
    )
    rows: list[tuple[str, str]] = []
    for label in ("first import", "re-import (nothing new)"):
        with database.session() as session:
            started = time.perf_counter()
            report = csv_import_service.import_csv(
                session, actor=ACTOR, path=csv_path, mapping=mapping
            )
            seconds = time.perf_counter() - started
        rows.append(
            (f"CSV import, {label}", f"{seconds:.2f} s ({report.observations:,} observations)")
        )
    start, end = dt.datetime(1957, 9, 1, tzinfo=dt.UTC), dt.datetime(2014, 5, 14, tzinfo=dt.UTC)
    cases: dict[str, Callable[[Any], Any]] = {
        "correlation, 2 datastreams, weekly buckets, ±6 lags": lambda s: analysis_service.correlate(
            s,
            actor=ACTOR,
            datastream_ids=[1, 4],
            start=start,
            end=end,
            bucket_seconds=7 * 86400,
        ),
        "anomalies, 20,709 daily values": lambda s: analysis_service.anomalies(
            s, actor=ACTOR, datastream_id=1
        ),
        "dashboard pair analysis (correlation + 2 × anomalies)": lambda s: (
            analysis_service.analyse_pair(s, actor=ACTOR, a=1, b=4)
        ),
    }
    for label, work in cases.items():
        median, worst = _timed(database, args.repeat, work)
        rows.append((label, f"median {median * 1000:.0f} ms, max {worst * 1000:.0f} ms"))
    database.dispose()
    print(f"Database: {database.url.split('@')[-1]}\n")
    print("| measurement | result |\n| --- | --- |")
    for label, value in rows:
        print(f"| {label} | {value} |")


if __name__ == "__main__":
    main()
