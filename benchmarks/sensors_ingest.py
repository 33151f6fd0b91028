"""Sensor hub benchmark: CreateObservations ingest vs raw executemany, and read latency.

Usage: .venv/bin/python benchmarks/sensors_ingest.py [--observations 1000000] [--datastreams 10]
       [--postgres postgresql://…/scratch_db] [--step-minutes 5] [--reads-only] [--clients 1]

``--reads-only`` (PostgreSQL) times the reads again on a database that an earlier run with the
same arguments filled, e.g. on a quiet machine after a fill under load.

Builds a fresh SQLite database under a temporary directory (or, with ``--postgres``, wipes the
``public`` schema of that scratch database and migrates it: observations partitioned by month,
filled server-side in time order, all datastreams interleaved; see ``sensors_pg.py``),
creates the datastreams through
the SensorThings API (in-process ASGI client), then measures
1. ingest via POST /CreateObservations (batches of 5,000 rows) against a raw executemany of
   the same rows into the same table (the physical limit); with ``--clients N`` N threads post
   at once, each to a Datastream of its own (gateways sending side by side), and the rate is
   all rows over the time until the last answer;
2. with the table filled to ``--observations`` rows: latest 100 of one datastream and a
   filtered time range of 1,000 rows (p50/p95 over 50 requests, through the HTTP API), and
   one day of 5-minute buckets for 10 datastreams (aggregation extension).
Prints a Markdown table for docs/benchmarks.md. Not a test: timings vary by machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import sensors_pg
from _common import p50_p95, sta_thing
from sqlalchemy import func, insert, select
from starlette.testclient import TestClient

from domstadt.core.auth import service as auth
from domstadt.core.auth.models import Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.auth.schemas import UserCreate
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.core.migrate import upgrade
from domstadt.sensors import models as m
from domstadt.web.app import create_app, settle_heap

START = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
STEP = dt.timedelta(minutes=5)
BATCH = 5000
for _limit in ("DOMSTADT_RATE_LIMIT_ANONYMOUS", "DOMSTADT_RATE_LIMIT_TOKEN"):
    os.environ.setdefault(_limit, "1000000/minute")  # a thousand datastreams are set up by API


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--datastreams", type=int, default=10)
    parser.add_argument("--ingest-rows", type=int, default=50_000)
    parser.add_argument("--postgres", default="", help="scratch PostgreSQL database (wiped)")
    parser.add_argument("--step-minutes", type=int, default=5, help="time between observations")
    parser.add_argument(
        "--clients", type=int, default=1, help="clients posting CreateObservations at once"
    )
    parser.add_argument(
        "--reads-only",
        action="store_true",
        help="with --postgres: time the reads again on the database an earlier run with the "
        "same arguments filled (no wipe, no ingest, no fill)",
    )
    args = parser.parse_args()
    step = dt.timedelta(minutes=args.step_minutes)
    workdir = Path(tempfile.mkdtemp(prefix="domstadt-bench-"))
    if args.reads_only:
        if not args.postgres:
            parser.error("--reads-only needs --postgres (a database filled by an earlier run)")
        db = Database(args.postgres)
    elif args.postgres:
        db = sensors_pg.fresh_database(args.postgres)
    else:
        db = Database(f"sqlite:///{workdir}/bench.sqlite3")
        upgrade(db)
    with db.session() as session:
        if not args.reads_only:
            auth.user_create(
                session,
                actor=system_actor("bench"),
                data=UserCreate(
                    email="bench@example.org", name="Bench", role=Role.ADMIN, password="x" * 16
                ),
            )
        token = auth.token_create(
            session, actor=system_actor("bench"), name="b", email="bench@example.org"
        ).token
    settings = Settings(
        environment="test",
        data_dir=workdir,
        database_url=db.url,
        secret_key="bench-secret-0123456789-0123456789-abcdef",
    )  # type: ignore[arg-type]
    client = TestClient(create_app(settings, db))
    settle_heap()  # as `domstadt serve` does before serving
    headers = {"Authorization": f"Bearer {token}"}
    n = args.ingest_rows
    if args.reads_only:
        with db.engine.connect() as conn:
            ds_ids = list(conn.execute(select(m.Datastream.id).order_by(m.Datastream.id)).scalars())
        if len(ds_ids) != args.datastreams + args.clients:
            parser.error(f"the database has {len(ds_ids)} datastreams; pass the fill's --clients")
        data_ds = ds_ids[1 : args.datastreams + 1]
        api_rate = raw_rate = fill_seconds = float("nan")
    else:
        data_ds, api_rate, raw_rate, fill_seconds = _load(client, headers, db, args, step)
    per_ds = args.observations // len(data_ds)
    total = per_ds * len(data_ds) + n

    target = data_ds[-1]
    latest = p50_p95(
        lambda: client.get(
            f"/sta/v1.1/Datastreams({target})/Observations?$orderby=phenomenonTime desc&$top=100"
        ),
        50,
    )
    if args.postgres:
        sensors_pg.check_answers(
            client, db, target, data_ds[:10], START + step * (per_ds // 2), step
        )
    lo = START + step * (per_ds // 2)
    hi = lo + step * 1000
    flt = (
        f"phenomenonTime ge {lo.isoformat().replace('+00:00', 'Z')} and "
        f"phenomenonTime lt {hi.isoformat().replace('+00:00', 'Z')}"
    )
    span = p50_p95(
        lambda: client.get(
            f"/sta/v1.1/Datastreams({target})/Observations",
            params={"$filter": flt, "$top": "1000", "$orderby": "phenomenonTime"},
        ),
        50,
    )
    day = p50_p95(
        lambda: client.get(
            "/api/v1/sensors/aggregate",
            params={
                "datastream": data_ds[:10],
                "start": lo.isoformat(),
                "end": (lo + dt.timedelta(days=1)).isoformat(),
                "bucket": 300,
            },
        ),
        20,
    )
    counts = []
    for label, url, params in (
        ("all Observations", "/sta/v1.1/Observations", {}),
        ("one Datastream's Observations", f"/sta/v1.1/Datastreams({target})/Observations", {}),
        ("Observations with `result lt 10`", "/sta/v1.1/Observations", {"$filter": "result lt 10"}),
        (
            "one Datastream's Observations with `result lt 10`",
            f"/sta/v1.1/Datastreams({target})/Observations",
            {"$filter": "result lt 10"},
        ),
    ):
        query = {"$count": "true", "$top": "1", **params}
        body = client.get(url, params=query).json()
        timing = p50_p95(lambda url=url, query=query: client.get(url, params=query), 10)
        flag = "estimated" if body.get("domstadt:countEstimated") else "exact"
        counts.append((label, body["@iot.count"], flag, timing))

    extra = sensors_pg.extra_timings(client, db, lo, step, len(data_ds)) if args.postgres else []
    engine = "PostgreSQL, partitioned by month" if args.postgres else "SQLite"
    print(f"| engine | {engine}; {len(data_ds)} datastreams, one row per {args.step_minutes} min |")
    if args.reads_only:
        print(f"| observations in table | {total:,} (filled by an earlier run; reads only) |")
    else:
        print(f"| observations in table | {total:,} (filled in {fill_seconds:.0f} s) |")
        clients = f", {args.clients} clients at once" if args.clients > 1 else ""
        print(f"| CreateObservations ingest{clients} | {api_rate:,.0f} obs/s |")
        print(f"| raw executemany, same rows and table | {raw_rate:,.0f} obs/s |")
        print(f"| ingest / raw | {api_rate / raw_rate:.0%} |")
    print(f"| latest 100 of one datastream (p50 / p95) | {latest[0]:.1f} / {latest[1]:.1f} ms |")
    print(f"| time range of 1,000 rows (p50 / p95) | {span[0]:.1f} / {span[1]:.1f} ms |")
    print(
        f"| 1 day of 5-min buckets, 10 datastreams (p50 / p95) | {day[0]:.1f} / {day[1]:.1f} ms |"
    )
    for label, value, flag, (p50, p95) in counts:
        print(
            f"| `$count=true`, {label}: {value:,} ({flag}) (p50 / p95) | {p50:.1f} / {p95:.1f} ms |"
        )
    for label, (p50, p95) in extra:
        print(f"| {label} (p50 / p95) | {p50:.1f} / {p95:.1f} ms |")
    db.dispose()
    shutil.rmtree(workdir, ignore_errors=True)


def _load(
    client: TestClient, headers: dict[str, str], db: Database, args: Any, step: dt.timedelta
) -> tuple[list[int], float, float, float]:
    """Datastreams through the API, ingest timed against raw executemany, then the fill:
    (data datastreams, API obs/s, raw obs/s, fill seconds)."""
    ds_ids = [_datastream(client, headers, i) for i in range(args.datastreams + 1)]
    raw_ds, api_ds, data_ds = ds_ids[0], ds_ids[1], ds_ids[1:]
    streams = [api_ds] + [_datastream(client, headers, 1000 + k) for k in range(args.clients - 1)]

    # 1. ingest: API vs raw executemany (same row count, same table); the bodies are encoded
    #    before the clock starts, as a client in another process would send them
    n = args.ingest_rows
    share = n // len(streams)
    if share % BATCH:
        raise SystemExit(f"--ingest-rows must be a multiple of {BATCH} × --clients")
    bodies = [[_body(ds, start) for start in range(0, share, BATCH)] for ds in streams]
    post_headers = {**headers, "Content-Type": "application/json"}

    def post_all(stream_bodies: list[bytes]) -> None:
        for body in stream_bodies:
            response = client.post(
                "/sta/v1.1/CreateObservations", content=body, headers=post_headers
            )
            assert response.status_code == 201, response.text
            assert '"error' not in response.text, response.text[:300]

    began = time.perf_counter()
    with ThreadPoolExecutor(len(streams)) as pool:
        list(pool.map(post_all, bodies))
    api_rate = n / (time.perf_counter() - began)
    with db.engine.begin() as conn:
        for ds in streams:
            stored = conn.execute(
                select(func.count()).where(m.Observation.datastream_id == ds)
            ).scalar_one()
            assert stored == share, f"{stored} of {share} observations stored in {ds}"
        foi = conn.execute(m.FeatureOfInterest.__table__.select().limit(1)).first()
    assert foi is not None
    table: Any = m.Observation.__table__
    began = time.perf_counter()
    with db.engine.begin() as conn:
        for start in range(0, n, BATCH):
            conn.execute(
                insert(table),
                [
                    {
                        "datastream_id": raw_ds,
                        "phenomenon_time_start": START + STEP * k,
                        "result_number": float(k % 97),
                        "feature_of_interest_id": foi.id,
                    }
                    for k in range(start, start + BATCH)
                ],
            )
    raw_rate = n / (time.perf_counter() - began)
    if args.postgres:
        copy_rate = sensors_pg.raw_copy_rate(db, raw_ds, n, START + STEP * n, STEP, foi.id)
        label = f"raw COPY of {n:,} rows, same table (PostgreSQL's own limit)"
        print(f"| {label} | {copy_rate:,.0f} obs/s |")

    # 2. fill to the target size spread over the data datastreams
    per_ds = args.observations // len(data_ds)
    began = time.perf_counter()
    if args.postgres:
        sensors_pg.fill(db, data_ds, per_ds, START, step, skip={api_ds: n}, foi=foi.id)
    else:
        _fill_sqlite(db, data_ds, per_ds, step, skip={api_ds: n}, foi=foi.id)
    return data_ds, api_rate, raw_rate, time.perf_counter() - began


def _datastream(client: TestClient, headers: dict[str, str], number: int) -> int:
    """A Thing with its Datastream through the API; the Datastream's id."""
    thing = client.post("/sta/v1.1/Things", json=sta_thing(number), headers=headers).json()
    return client.get(f"/sta/v1.1/Things({thing['@iot.id']})/Datastreams").json()["value"][0][
        "@iot.id"
    ]


def _body(ds: int, start: int) -> bytes:
    """A CreateObservations body of ``BATCH`` rows from row ``start`` on."""
    rows = [[(START + STEP * k).isoformat(), float(k % 97)] for k in range(start, start + BATCH)]
    group = {"Datastream": {"@iot.id": ds}, "components": ["phenomenonTime", "result"]}
    return json.dumps([{**group, "dataArray": rows}]).encode()


def _fill_sqlite(
    db: Database,
    data_ds: list[int],
    per_ds: int,
    step: dt.timedelta,
    skip: dict[int, int],
    foi: int,
) -> None:
    """Raw executemany, datastream by datastream (the rows ``skip`` names exist already)."""
    table: Any = m.Observation.__table__
    with db.engine.begin() as conn:
        for ds in data_ds:
            for start in range(skip.get(ds, 0), per_ds, 20_000):
                conn.execute(
                    insert(table),
                    [
                        {
                            "datastream_id": ds,
                            "phenomenon_time_start": START + step * k,
                            "result_number": float(k % 97),
                            "feature_of_interest_id": foi,
                        }
                        for k in range(start, min(start + 20_000, per_ds))
                    ],
                )


if __name__ == "__main__":
    main()
