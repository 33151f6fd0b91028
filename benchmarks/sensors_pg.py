"""PostgreSQL part of ``sensors_ingest.py --postgres``: a fresh scratch database, a server-side
fill in time order (every datastream interleaved, as live ingest writes), answers checked
against SQL before any timing, and the extra timings only PostgreSQL has (Observations(id)
across partitions, a time window over all datastreams with and without a BRIN index, the
latest value of every datastream). Not a benchmark on its own."""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from typing import Any

from _common import p50_p95
from sqlalchemy import text
from starlette.testclient import TestClient

from domstadt.core.db import Database
from domstadt.core.migrate import upgrade
from domstadt.sensors import partitions

CHUNK_STEPS = 100
"""Time steps per fill statement (times the number of datastreams = rows per statement)."""


def _z(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def fresh_database(url: str) -> Database:
    """Wipe the ``public`` schema of the scratch database ``url`` and migrate it."""
    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    upgrade(db)
    return db


def fill(
    db: Database,
    data_ds: list[int],
    per_ds: int,
    start: dt.datetime,
    step: dt.timedelta,
    skip: dict[int, int],
    foi: int,
) -> None:
    """``per_ds`` rows per datastream (the first ``skip[ds]`` exist), written server-side in
    time order; partitions for the months the rows reach are created first, then the
    Datastreams' phenomenonTime widened (as the platform's writes do) and ANALYZE."""
    end = start + step * per_ds
    with db.engine.begin() as conn:
        month = partitions.month_start(start)
        while month < end:
            partitions.create_month(conn, month)
            month = partitions.add_months(month, 1)
    sql = text(
        "INSERT INTO sta_observation (datastream_id, phenomenon_time_start, phenomenon_time_key,"
        " result_number, feature_of_interest_id)"
        " SELECT d, :t0 + g * :step, :t0 + g * :step, (g % 97)::float, :foi"
        " FROM generate_series(CAST(:a AS int), CAST(:b AS int)) g, unnest(CAST(:ds AS bigint[])) d"
        " WHERE g >= coalesce((CAST(:skip AS jsonb) ->> d::text)::int, 0) ORDER BY g, d"
    )
    for first in range(0, per_ds, CHUNK_STEPS):
        with db.engine.begin() as conn:
            conn.execute(
                sql,
                {
                    "t0": start,
                    "step": step,
                    "foi": foi,
                    "a": first,
                    "b": min(first + CHUNK_STEPS, per_ds) - 1,
                    "ds": data_ds,
                    "skip": json.dumps({str(k): v for k, v in skip.items()}),
                },
            )
    # the Datastreams' phenomenonTime widened as every write path of the platform does
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE sta_datastream SET"
                " phenomenon_time_start = LEAST(coalesce(phenomenon_time_start, :t0), :t0),"
                " phenomenon_time_end = GREATEST(coalesce(phenomenon_time_end, :t1), :t1)"
                " WHERE id = ANY(CAST(:ds AS bigint[]))"
            ),
            {"t0": start, "t1": start + step * (per_ds - 1), "ds": data_ds},
        )
    # what autovacuum does to an insert-only table soon after: statistics and the visibility
    # map (without it no index-only scan); VACUUM runs outside a transaction
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE) sta_observation"))


def raw_copy_rate(
    db: Database, ds: int, n: int, start: dt.datetime, step: dt.timedelta, foi: int
) -> float:
    """Observations per second of a plain ``COPY`` of ``n`` rows (text prepared beforehand)
    into the observation table: what PostgreSQL itself takes, with the table's indexes."""
    lines = "".join(
        f"{ds}\t{(start + step * k).isoformat()}\t{float(k % 97)}\t{foi}\n" for k in range(n)
    )
    columns = "datastream_id, phenomenon_time_start, result_number, feature_of_interest_id"
    with db.engine.begin() as conn:
        driver: Any = conn.connection.dbapi_connection
        began = time.perf_counter()
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY sta_observation ({columns}) FROM STDIN") as copy,
        ):
            copy.write(lines)
        seconds = time.perf_counter() - began
    return n / seconds


def check_answers(
    client: TestClient,
    db: Database,
    target: int,
    ten: list[int],
    lo: dt.datetime,
    step: dt.timedelta,
) -> None:
    """The API's answers to the timed queries equal plain SQL's, before any timing."""
    with db.engine.connect() as conn:
        newest = conn.execute(
            text(
                "SELECT phenomenon_time_start FROM sta_observation WHERE datastream_id = :d"
                " ORDER BY 1 DESC LIMIT 100"
            ),
            {"d": target},
        ).scalars()
        want_latest = [_z(t) for t in newest]
        want_range = conn.execute(
            text(
                "SELECT count(*) FROM sta_observation WHERE datastream_id = :d"
                " AND phenomenon_time_start >= :lo AND phenomenon_time_start < :hi"
            ),
            {"d": target, "lo": lo, "hi": lo + step * 1000},
        ).scalar_one()
        want_count = conn.execute(
            text("SELECT count(*) FROM sta_observation WHERE datastream_id = :d"), {"d": target}
        ).scalar_one()
        want_day = conn.execute(
            text(
                "SELECT count(*) FROM sta_observation WHERE datastream_id = ANY(:ds)"
                " AND phenomenon_time_start >= :lo AND phenomenon_time_start < :hi"
            ),
            {"ds": ten, "lo": lo, "hi": lo + dt.timedelta(days=1)},
        ).scalar_one()
    base = f"/sta/v1.1/Datastreams({target})/Observations"
    got = client.get(base, params={"$orderby": "phenomenonTime desc", "$top": "100"}).json()
    assert [o["phenomenonTime"] for o in got["value"]] == want_latest, "latest 100 differ"
    flt = f"phenomenonTime ge {_z(lo)} and phenomenonTime lt {_z(lo + step * 1000)}"
    got = client.get(base, params={"$filter": flt, "$top": "1000", "$orderby": "phenomenonTime"})
    assert len(got.json()["value"]) == want_range == 1000, "1,000-row range differs"
    got = client.get(base, params={"$count": "true", "$top": "1"}).json()
    assert got["@iot.count"] == want_count, (got["@iot.count"], want_count)
    day = client.get(
        "/api/v1/sensors/aggregate",
        params={
            "datastream": ten,
            "start": lo.isoformat(),
            "end": (lo + dt.timedelta(days=1)).isoformat(),
            "bucket": 300,
        },
    ).json()
    assert sum(b["count"] for b in day["buckets"]) == want_day, "day buckets differ"


def extra_timings(
    client: TestClient, db: Database, lo: dt.datetime, step: dt.timedelta, streams: int
) -> list[tuple[str, tuple[float, float]]]:
    """Observations(id) of random rows; a window of all datastreams without and with a BRIN
    index on phenomenon_time_start (migration 0042 creates it); the latest value of every
    datastream (first 500)."""
    out: list[tuple[str, tuple[float, float]]] = []
    with db.engine.connect() as conn:
        ids = list(
            conn.execute(
                text("SELECT id FROM sta_observation WHERE id % 997 = 0 LIMIT 200")
            ).scalars()
        )
        parts = conn.execute(
            text("SELECT count(*) FROM pg_inherits WHERE inhparent = 'sta_observation'::regclass")
        ).scalar_one()
    random.seed(7)

    def by_id() -> Any:
        obs_id = random.choice(ids)
        response = client.get(f"/sta/v1.1/Observations({obs_id})")
        assert response.json()["@iot.id"] == obs_id
        return response

    out.append((f"`Observations(id)`, random ids, {parts} partitions", p50_p95(by_id, 50)))
    steps = 1000 // streams + 1  # at least 1,000 rows in the window
    window = {
        "$filter": f"phenomenonTime ge {_z(lo)} and phenomenonTime lt {_z(lo + step * steps)}",
        "$top": "1000",
    }

    def all_streams() -> Any:
        response = client.get("/sta/v1.1/Observations", params=window)
        assert len(response.json()["value"]) == 1000
        return response

    label = f"{steps} steps of all datastreams, first 1,000 rows"
    out.append((f"{label}, with the BRIN index on the time", p50_p95(all_streams, 20)))
    brin = "ix_sta_observation_time_brin"
    with db.engine.begin() as conn:
        conn.execute(text(f"DROP INDEX {brin}"))
    out.append((f"{label}, B-tree indexes only", p50_p95(all_streams, 20)))
    with db.engine.begin() as conn:
        conn.execute(
            text(f"CREATE INDEX {brin} ON sta_observation USING brin (phenomenon_time_start)")
        )

    def latest_values() -> Any:
        response = client.get("/api/v1/sensors/datastreams")
        assert response.status_code == 200
        return response

    out.append(("latest value of every datastream (first 500)", p50_p95(latest_values, 10)))
    return out
