"""Benchmark of the coverage check (issue 12, S5.1): one planned point against 10,000
gateways/sites and 100,000 measured grid cells, p95 target < 50 ms.

    .venv/bin/python benchmarks/infrastructure_coverage.py [--sites 10000] [--cells 100000]
        [--rounds 300] [--url postgresql://postgres@127.0.0.1:5432/SCRATCH]

Data (seeded): half LoRaWAN gateways, half mobile sites (4G/5G), uniformly over Germany's
bounding box; grid cells of 0.01° with 5G / 4G / none over 5.9–9.1° E, 50.0–53.2° N; written
as GeoJSON and imported through ``coverage_service.layer_import`` (timed).

Sides: the STRtree index (the service's path on SQLite and on PostgreSQL without PostGIS),
PostGIS (the service's path where the database has it: KNN and ``ST_Intersects`` on the side
tables; only with ``--url`` of a PostgreSQL with PostGIS), and the brute-force baseline: the
same verdict rules (``verdict.judge``) over an index whose nearest-site and point-in-cell
queries scan every site (numpy haversine) and every cell (vectorised shapely intersects).
Checked first: for 300 random points × 4 networks the STRtree and the brute force give the
same status, nearest site, distance (±0.5 m) and cell, and PostGIS the very same verdict as
the STRtree. Then ``--rounds`` checks each, interleaved (each a whole check with its own
session: STRtree, PostGIS, brute force), min/median/p95/max in ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.core.migrate import upgrade
from domstadt.infrastructure import coverage_service
from domstadt.infrastructure.coverage import index as idx
from domstadt.infrastructure.coverage.geo import EARTH_RADIUS_M, GERMANY
from domstadt.infrastructure.coverage.verdict import DEFAULT_RADIUS_M, NETWORKS, judge

ACTOR = system_actor("benchmark")


def _stats(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return (
        f"min {ordered[0]:.2f} · median {statistics.median(ordered):.2f} · "
        f"p95 {p95:.2f} · max {ordered[-1]:.2f} ms"
    )


def _sites(count: int, rng: random.Random) -> tuple[bytes, bytes]:
    west, south, east, north = GERMANY
    gateways, sites = [], []
    for i in range(count):
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        if i % 2 == 0:
            gateways.append(
                {
                    "type": "Feature",
                    "properties": {"name": f"gw-{i}"},
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                }
            )
        else:
            tech = "4G/5G" if i % 3 else "4G"
            sites.append(
                {
                    "type": "Feature",
                    "properties": {"name": f"site-{i}", "technologie": tech},
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                }
            )
    return (
        json.dumps({"type": "FeatureCollection", "features": gateways}).encode(),
        json.dumps({"type": "FeatureCollection", "features": sites}).encode(),
    )


def _cells(count: int, rng: random.Random) -> bytes:
    side = int(np.ceil(np.sqrt(count)))
    features = []
    for n in range(count):
        i, j = divmod(n, side)
        lon, lat = round(5.9 + i * 0.01, 4), round(50.0 + j * 0.01, 4)
        tech = rng.choice(["5G", "4G", "4G", "keine"])
        ring = [
            [lon, lat],
            [round(lon + 0.01, 4), lat],
            [round(lon + 0.01, 4), round(lat + 0.01, 4)],
            [lon, round(lat + 0.01, 4)],
            [lon, lat],
        ]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "zelle": f"Z{n}",
                    "technologie": tech,
                    "mbit_s": 0 if tech == "keine" else 50,
                },
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


class BruteIndex(idx.CoverageIndex):
    """The same data, queried by scanning everything (the baseline)."""

    def __init__(self, built: idx.CoverageIndex) -> None:
        super().__init__(built.sites, built.cells, built.cell_tree, built.measured)
        self.arrays = {
            n: (np.radians([s.lon for s in v.sites]), np.radians([s.lat for s in v.sites]))
            for n, v in built.sites.items()
        }
        self.shapes = built.cell_tree.geometries if built.cell_tree is not None else np.array([])

    def nearest(self, network: str, lon: float, lat: float) -> tuple[idx.Site, float] | None:
        if network not in self.arrays:
            return None
        lons, lats = self.arrays[network]
        p1, l1 = np.radians(lat), np.radians(lon)
        a = np.sin((lats - p1) / 2) ** 2 + np.cos(p1) * np.cos(lats) * np.sin((lons - l1) / 2) ** 2
        distances = 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(a)))
        best = int(np.argmin(distances))
        return self.sites[network].sites[best], float(distances[best])

    def cells_at(self, lon: float, lat: float) -> list[idx.Cell]:
        hits = np.nonzero(shapely.intersects(self.shapes, shapely.Point(lon, lat)))[0]
        return [self.cells[int(i)] for i in sorted(hits)]


def _points(
    rounds: int, rng: random.Random, built: idx.CoverageIndex
) -> list[tuple[float, float, str]]:
    """Half anywhere in Germany, half within about 2.5 km of a random gateway or site."""
    west, south, east, north = GERMANY
    points = []
    for n in range(rounds):
        network = rng.choice(NETWORKS)
        if n % 2 and network in built.sites:
            site = rng.choice(built.sites[network].sites)
            lon = min(east, max(west, site.lon + rng.uniform(-0.035, 0.035)))
            lat = min(north, max(south, site.lat + rng.uniform(-0.022, 0.022)))
        else:
            lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        points.append((lon, lat, network))
    return points


def _same(a: object, b: object) -> bool:
    """Same status and cell, nearest sites equally far (±0.5 m): the brute force ranks by
    great-circle distance, the index by UTM 32N distance, so two sites almost equally far
    may swap (a different name at the same distance counts as the same answer)."""
    na, nb = getattr(a, "nearest", None), getattr(b, "nearest", None)
    da, db_ = getattr(a, "distance_m", None), getattr(b, "distance_m", None)
    same_distance = (da is None and db_ is None) or abs(float(da) - float(db_)) < 0.5  # type: ignore[arg-type]
    same_site = (na is None) == (nb is None) and same_distance
    ca, cb = getattr(a, "cell", None), getattr(b, "cell", None)
    return (
        a.status == b.status  # type: ignore[attr-defined]
        and same_site
        and (ca.name if ca else None) == (cb.name if cb else None)
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=10_000)
    parser.add_argument("--cells", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    rng = random.Random(12)
    folder = tempfile.TemporaryDirectory()
    db = Database(args.url or f"sqlite:///{Path(folder.name) / 'bench.sqlite3'}")
    upgrade(db)
    gateways, sites = _sites(args.sites, rng)
    cells = _cells(args.cells, rng)
    started = time.perf_counter()
    with db.session() as session:
        for content, kind in (
            (gateways, "lorawan-gateway"),
            (sites, "mobile-site"),
            (cells, "grid-cell"),
        ):
            coverage_service.layer_import(
                session,
                actor=ACTOR,
                content=content,
                filename=f"{kind}.geojson",
                kind=kind,
                source="benchmark",
                licence="CC0-1.0",
                data_date=dt.date(2026, 1, 1),
            )
    print(
        f"import of {args.sites} sites + {args.cells} cells: {time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    with db.session() as session:
        built = coverage_service.strtree_index(session)
    print(
        f"STRtree index build (first check after a change): {time.perf_counter() - started:.1f} s"
    )
    brute = BruteIndex(built)
    with db.session() as session:
        with_postgis = coverage_service.postgis_coverage(session) is not None
    checks = _points(300, rng, built)
    for lon, lat, network in checks:
        radius = DEFAULT_RADIUS_M[network]
        fast, slow = (
            judge(built, network, lon, lat, radius),
            judge(brute, network, lon, lat, radius),
        )
        assert _same(fast, slow), (lon, lat, network, fast, slow)
        if with_postgis:
            with db.session() as session:
                found = coverage_service.postgis_coverage(session)
                assert found is not None
                assert judge(found, network, lon, lat, radius) == fast, (lon, lat, network)
    statuses = {
        s: sum(
            1 for p in checks if judge(built, p[2], p[0], p[1], DEFAULT_RADIUS_M[p[2]]).status == s
        )
        for s in ("covered", "edge", "gap", "unknown")
    }
    sides = "STRtree, PostGIS" if with_postgis else "STRtree"
    print(f"answers agree on {len(checks)} points × network ({sides}, brute force); {statuses}")
    with db.session() as session:
        idx.remember(coverage_service._token(session), built)  # what coverage_index keeps
    times: dict[str, list[float]] = {"STRtree": [], "PostGIS": [], "brute force": []}
    for lon, lat, network in _points(args.rounds, rng, built):
        radius = DEFAULT_RADIUS_M[network]
        t0 = time.perf_counter()
        with db.session() as session:  # the STRtree path of coverage_index: token, cache
            kept = idx.cached(coverage_service._token(session))
            assert kept is not None
            judge(kept, network, lon, lat, radius)
        t1 = time.perf_counter()
        if with_postgis:
            with db.session() as session:
                found = coverage_service.postgis_coverage(session)
                judge(found, network, lon, lat, radius)  # type: ignore[arg-type]
            times["PostGIS"].append((time.perf_counter() - t1) * 1000)
        t2 = time.perf_counter()
        judge(brute, network, lon, lat, radius)
        times["brute force"].append((time.perf_counter() - t2) * 1000)
        times["STRtree"].append((t1 - t0) * 1000)
    for name, values in times.items():
        if values:
            print(f"check, {name}: {_stats(values)}")
    db.dispose()
    folder.cleanup()


if __name__ == "__main__":
    main()
