"""Connectivity along transit (issue 12): 1,000,000 measurements on 5,000 segments.

    python benchmarks/transit_connectivity.py [--segments 5000] [--measurements 1000000]
        [--url sqlite:///…|postgresql://…] [--rounds 30] [--gap-map-only --url …]

1. A synthetic GTFS feed (5,000 segments: 100 routes of 51 stops with shapes, around
   Cologne) is imported through ``transit_service.feed_import`` (the real path).
2. Snapping: 1,000,000 points (80 % within 40 m of a random segment, 20 % anywhere) through
   the STRtree snapper, against the peer, a brute-force nearest (distance to every segment),
   on a sample first: both must name the same segment for every sample point (a tie within
   a micrometre goes to the lowest segment id on every side). Rates are measurements per
   second; interleaved rounds.
3. Ingest: the 1,000,000 measurements inserted and aggregated (``store.add_measurements``,
   ``store.refresh_stats``) — reported, no target.
4. Gap map as GeoJSON: the service (``transit_service.gaps_geojson``, built once per
   version of the stored aggregates) and the build itself (``gaps.build_geojson``: every
   segment from the aggregates), against the peer that groups the raw measurements each time;
   min/median/p95/max over interleaved rounds. The answers are compared first.
5. After a write (20 measurements): the first map request, which rebuilds only the touched
   segments, against the full build; both must give the same bytes every round.

On PostgreSQL with PostGIS, step 2 also runs the PostGIS snapper (checked against the brute
force and against the STRtree on 100,000 points), interleaved with the others, and the
ingest snaps through PostGIS (what the service does there).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import case, func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.core.migrate import upgrade
from domstadt.infrastructure import transit_service
from domstadt.infrastructure.transit import gaps, geo, store
from domstadt.infrastructure.transit.measurements import MeasurementData
from domstadt.infrastructure.transit.models import TransitMeasurement, TransitSegment

ACTOR = system_actor("benchmark")
TOLERANCE = 50.0


def synthetic_feed(segments: int, seed: int = 1) -> bytes:
    """A GTFS zip: routes of 51 stops (50 segments each) as random walks with shapes."""
    rng = random.Random(seed)
    routes = max(1, segments // 50)
    stops, shapes, trips, times = [], [], [], []
    for r in range(routes):
        lon, lat = 6.80 + rng.random() * 0.35, 50.85 + rng.random() * 0.2
        heading = rng.random() * 6.28
        for s in range(51):
            stops.append(f"S{r}_{s},Halt {r}/{s},{lat:.6f},{lon:.6f}")
            times.append(
                f"T{r},08:{s // 60:02d}:{s % 60:02d},08:{s // 60:02d}:{s % 60:02d},S{r}_{s},{s}"
            )
            for k in range(4):  # shape points between this stop and the next
                shapes.append(f"H{r},{lat:.6f},{lon:.6f},{s * 4 + k}")
                heading += rng.gauss(0, 0.3)
                lon += 0.0012 * np.cos(heading)
                lat += 0.0008 * np.sin(heading)
        trips.append(f"R{r},W,T{r},H{r}")
    files = {
        "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nA,Bench,https://example.org,Europe/Berlin\n",
        "routes.txt": "route_id,agency_id,route_short_name,route_type\n"
        + "".join(f"R{r},A,{r},3\n" for r in range(routes)),
        "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\n" + "\n".join(stops) + "\n",
        "trips.txt": "route_id,service_id,trip_id,shape_id\n" + "\n".join(trips) + "\n",
        "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
        + "\n".join(times)
        + "\n",
        "shapes.txt": "shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence\n"
        + "\n".join(shapes)
        + "\n",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


def points(coords: list[list[list[float]]], n: int, seed: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """80 % near a random segment vertex (± ~40 m), 20 % anywhere in the box."""
    rng = np.random.default_rng(seed)
    lons, lats = np.empty(n), np.empty(n)
    near = rng.random(n) < 0.8
    picks = rng.integers(0, len(coords), n)
    for i in np.nonzero(near)[0]:
        line = coords[picks[i]]
        lon, lat = line[rng.integers(0, len(line))]
        lons[i], lats[i] = lon, lat
    lons[near] += rng.normal(0, 0.0003, near.sum())
    lats[near] += rng.normal(0, 0.0002, near.sum())
    far = ~near
    lons[far] = 6.75 + rng.random(far.sum()) * 0.5
    lats[far] = 50.80 + rng.random(far.sum()) * 0.3
    return lons, lats


def summary(samples: list[float]) -> str:
    """min / median / p95 / max in ms."""
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"{ms[0]:.1f} / {statistics.median(ms):.1f} / {p95:.1f} / {ms[-1]:.1f} ms"


def check_snapping(
    snapper: Any, name: str, lines: list[object], lons: np.ndarray, lats: np.ndarray
) -> None:
    """Same segment as the brute force for every point (ties within ``geo.TIE_M`` go to the
    lowest index on both sides)."""
    result = snapper.snap(lons, lats)
    x, y = geo.to_metric(lons, lats)
    for i in range(len(lons)):
        index, _ = geo.brute_force_nearest(lines, float(x[i]), float(y[i]), TOLERANCE)  # type: ignore[arg-type]
        assert int(result.index[i]) == index, (name, i, int(result.index[i]), index)
    print(
        f"check: {name} and brute force agree on all {len(lons)} sample points "
        f"({int((result.index >= 0).sum())} on route)"
    )


def bench_snapping(db: Database, n: int, rounds: int) -> tuple[np.ndarray, np.ndarray]:
    """STRtree (and PostGIS where the database has it) against the brute force."""
    session = db.sessionmaker()
    tree, _ = store.snapper(session, TOLERANCE, with_postgis=False)
    sides: dict[str, Any] = {"STRtree": tree}
    fast, _ = store.snapper(session, TOLERANCE)
    if not isinstance(fast, geo.Snapper):
        sides["PostGIS"] = fast
        session.commit()  # side rows written by the first use stay
    coords = [
        c
        for (c,) in session.execute(select(TransitSegment.coordinates).order_by(TransitSegment.id))
    ]
    lines = list(tree.lines)
    lons, lats = points(coords, n)
    for name, snapper in sides.items():
        check_snapping(snapper, name, lines, lons[:2000], lats[:2000])
    if "PostGIS" in sides:
        a = sides["PostGIS"].snap(lons[:100_000], lats[:100_000])
        b = tree.snap(lons[:100_000], lats[:100_000])
        assert np.array_equal(a.index, b.index), "PostGIS and STRtree differ"
        print("check: PostGIS and STRtree name the same segment for 100,000 points")
    rates: dict[str, list[float]] = {name: [] for name in [*sides, "brute force"]}
    batch = 100_000
    for r in range(rounds):
        start = (r * batch) % n
        part = slice(start, start + batch)
        size = len(lons[part])
        for name, snapper in sides.items():
            t0 = time.perf_counter()
            snapper.snap(lons[part], lats[part])
            rates[name].append(size / (time.perf_counter() - t0))
        x, y = geo.to_metric(lons[start : start + 200], lats[start : start + 200])
        t0 = time.perf_counter()
        for i in range(200):
            geo.brute_force_nearest(lines, float(x[i]), float(y[i]), TOLERANCE)  # type: ignore[arg-type]
        rates["brute force"].append(200 / (time.perf_counter() - t0))
    for name, snapper in sides.items():
        t0 = time.perf_counter()
        whole = snapper.snap(lons, lats)
        seconds = time.perf_counter() - t0
        print(
            f"{name}: snapping all {n:,} in one call: {seconds:.2f} s = {n / seconds:,.0f} /s "
            f"({int((whole.index >= 0).sum()):,} on route)"
        )
    for name, values in rates.items():
        print(
            f"{name} per batch (min/median/max): {min(values):,.0f} / "
            f"{statistics.median(values):,.0f} / {max(values):,.0f} measurements/s"
        )
    session.close()
    return lons, lats


def ingest(db: Database, lons: np.ndarray, lats: np.ndarray) -> None:
    import datetime as dt

    rng = random.Random(3)
    t0 = time.perf_counter()
    chunk = 100_000
    for start in range(0, len(lons), chunk):
        items = [
            MeasurementData(
                ref=f"bench:{i}",
                origin="csv",
                measured_at=dt.datetime(2026, 1 + i % 6, 1 + i % 28, 8, tzinfo=dt.UTC),
                lat=float(lats[i]),
                lon=float(lons[i]),
                operator=("Telekom", "Vodafone", "O2")[i % 3],
                no_connection=rng.random() < 0.05,
                down_mbit=rng.random() * 100,
            )
            for i in range(start, min(start + chunk, len(lons)))
        ]
        with db.session() as session:
            store.add_measurements(session, items, TOLERANCE)
    t1 = time.perf_counter()
    with db.session() as session:
        store.refresh_stats(session, None)
    t2 = time.perf_counter()
    print(
        f"ingest: insert {len(lons):,} snapped measurements {t1 - t0:.1f} s "
        f"({len(lons) / (t1 - t0):,.0f} /s), aggregates for all segments {t2 - t1:.1f} s"
    )


def raw_peer(session: object) -> dict[int, tuple[int, int]]:
    """The peer: per segment count and dead spots straight from the measurements."""
    rows = session.execute(  # type: ignore[attr-defined]
        select(
            TransitMeasurement.segment_id,
            func.count(),
            func.sum(case((TransitMeasurement.no_connection, 1), else_=0)),
        )
        .where(TransitMeasurement.segment_id.is_not(None))
        .group_by(TransitMeasurement.segment_id)
    )
    return {r[0]: (int(r[1]), int(r[2] or 0)) for r in rows}


def bench_gap_map(db: Database, rounds: int) -> None:
    with db.session() as session:
        collection = json.loads(transit_service.gaps_geojson(session, actor=ACTOR))
        peer = raw_peer(session)
    mine = {
        f["id"]: (f["properties"]["count"], f["properties"]["dead"]) for f in collection["features"]
    }
    assert {k: v for k, v in mine.items() if v[0]} == peer, "aggregates differ from the raw rows"
    print(
        f"check: GeoJSON has {len(collection['features']):,} segments; counts and dead spots "
        f"equal the raw GROUP BY for all {len(peer):,} measured segments"
    )
    ours, cold, theirs = [], [], []
    for r in range(rounds):
        with db.session() as session:
            t0 = time.perf_counter()
            transit_service.gaps_geojson(session, actor=ACTOR)
            ours.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            gaps.build_geojson(session, "", "")
            cold.append(time.perf_counter() - t0)
            if r % 5 == 0:
                t0 = time.perf_counter()
                raw_peer(session)
                theirs.append(time.perf_counter() - t0)
    print(f"gap map GeoJSON, service (built once per aggregate version): {summary(ours)}")
    print(f"gap map GeoJSON, built from the stored aggregates every time: {summary(cold)}")
    print(f"peer: raw GROUP BY over the measurements (counts only, no GeoJSON): {summary(theirs)}")


def bench_after_write(db: Database, lons: np.ndarray, lats: np.ndarray, rounds: int) -> None:
    """A write of 20 measurements (snap, insert, refresh of the touched segments), then the
    first map request after it: the kept map rebuilt for the touched segments, against the
    full build from the aggregates. Checked every round: both give the same bytes."""
    import datetime as dt

    with db.session() as session:
        transit_service.gaps_geojson(session, actor=ACTOR)  # the map as a reader keeps it
    writes, first, full = [], [], []
    for r in range(rounds):
        items = [
            MeasurementData(
                ref=f"after:{r}:{i}",
                origin="csv",
                measured_at=dt.datetime(2026, 7, 1, 8, tzinfo=dt.UTC),
                lat=float(lats[r * 20 + i]),
                lon=float(lons[r * 20 + i]),
                down_mbit=5.0,
            )
            for i in range(20)
        ]
        t0 = time.perf_counter()
        with db.session() as session:
            _, _, touched = store.add_measurements(session, items, TOLERANCE)
            store.refresh_stats(session, touched)
        writes.append(time.perf_counter() - t0)
        with db.session() as session:
            t0 = time.perf_counter()
            kept = transit_service.gaps_geojson(session, actor=ACTOR)
            first.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            fresh = gaps.build_geojson(session, "", "")
            full.append(time.perf_counter() - t0)
        assert kept == fresh, "the kept map differs from the full build"
    print(f"check: after each of {rounds} writes the kept map equals the full build")
    print(f"write of 20 measurements (snap, insert, refresh touched): {summary(writes)}")
    print(f"first gap map request after the write (incremental): {summary(first)}")
    print(f"full build from the stored aggregates (the old way): {summary(full)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=5000)
    parser.add_argument("--measurements", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--url", default="")
    parser.add_argument(
        "--gap-map-only", action="store_true", help="Only step 4, on the database at --url."
    )
    args = parser.parse_args()
    if args.gap_map_only:
        db = Database(args.url)
        bench_gap_map(db, args.rounds)
        db.dispose()
        return
    folder = tempfile.TemporaryDirectory()
    url = args.url or f"sqlite:///{folder.name}/bench.sqlite3"
    db = Database(url)
    upgrade(db)
    t0 = time.perf_counter()
    with db.session() as session:
        report = transit_service.feed_import(
            session,
            actor=ACTOR,
            content=synthetic_feed(args.segments),
            filename="bench.zip",
            source="bench",
        )
    print(
        f"feed: {report.segments:,} segments ({report.segments_from_shapes:,} from shapes) "
        f"imported in {time.perf_counter() - t0:.1f} s on {db.engine.dialect.name}"
    )
    lons, lats = bench_snapping(db, args.measurements, args.rounds)
    ingest(db, lons, lats)
    bench_gap_map(db, args.rounds)
    bench_after_write(db, lons, lats, args.rounds)
    db.dispose()
    folder.cleanup()


if __name__ == "__main__":
    main()
