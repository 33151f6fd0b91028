"""Geometry in a metric projection: ETRS89 / UTM zone 32N (EPSG:25832, the official grid of
NRW, metric across Germany). Segments are cut here and measurements snapped with shapely 2's
STRtree (candidates within the tolerance, then the nearest: :func:`pick_nearest`, the rule the
PostGIS snapper shares)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from numpy.typing import ArrayLike
from pyproj import Transformer
from shapely import LineString
from shapely.ops import substring

METRIC_CRS = "EPSG:25832"
TIE_M = 1e-6
"""Segments whose distances differ by less than a micrometre are equally near (the lowest
index wins): float rounding differs between GEOS and PostGIS, this rule does not."""


@lru_cache(maxsize=1)
def _to_metric() -> Transformer:
    return Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)


@lru_cache(maxsize=1)
def _to_wgs84() -> Transformer:
    return Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)


def to_metric(lons: ArrayLike, lats: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes/latitudes (WGS84) → x/y in metres."""
    x, y = _to_metric().transform(np.asarray(lons, float), np.asarray(lats, float))
    return np.asarray(x), np.asarray(y)


def metric_line(coordinates: Sequence[Sequence[float]]) -> LineString:
    """A ``[[lon, lat], …]`` line in metres."""
    arr = np.asarray(coordinates, float)
    x, y = to_metric(arr[:, 0], arr[:, 1])
    return LineString(np.column_stack([x, y]))


def wgs84_coordinates(line: LineString) -> list[list[float]]:
    """A metric line back as ``[[lon, lat], …]`` rounded to 6 decimals (about 0.1 m)."""
    arr = np.asarray(line.coords)
    lon, lat = _to_wgs84().transform(arr[:, 0], arr[:, 1])
    return [[round(float(a), 6), round(float(b), 6)] for a, b in zip(lon, lat, strict=True)]


def cut_at_stops(shape: LineString, stops: list[tuple[float, float]]) -> list[LineString]:
    """The pieces of ``shape`` between consecutive stops (metric points), cut at each stop's
    projection onto the rest of the shape after the previous stop (so loops and shapes that
    pass a stop twice keep their order). A piece too short to be a line becomes the straight
    line."""
    pieces: list[LineString] = []
    previous = 0.0
    positions = []
    for x, y in stops:
        point = shapely.Point(x, y)
        at = float(shape.project(point))
        if at < previous:  # nearest point lies behind: search the rest of the shape only
            rest = substring(shape, previous, shape.length)
            at = previous + (float(rest.project(point)) if isinstance(rest, LineString) else 0.0)
        previous = at
        positions.append(at)
    for i in range(len(stops) - 1):
        start, end = positions[i], positions[i + 1]
        piece = substring(shape, start, end) if end > start else None
        if not isinstance(piece, LineString) or piece.length < 1.0:
            piece = LineString([stops[i], stops[i + 1]])
        pieces.append(piece)
    return pieces


@dataclass
class Snapped:
    """Per point: the index of the nearest segment (-1: none within tolerance), distance m."""

    index: np.ndarray
    distance: np.ndarray


class Snapper:
    """Nearest segment of many points within ``tolerance_m``, on an STRtree of metric lines
    (vectorised: one ``dwithin`` tree query, one distance per candidate pair)."""

    def __init__(self, lines: Sequence[LineString], tolerance_m: float) -> None:
        self.lines = np.asarray(lines, dtype=object)
        self.tree = shapely.STRtree(self.lines)
        self.tolerance = tolerance_m

    def snap(self, lons: ArrayLike, lats: ArrayLike) -> Snapped:
        """Vectorised: one nearest segment (the lowest index on a tie) per point."""
        n = len(np.asarray(lons))
        index = np.full(n, -1, dtype=np.int64)
        distance = np.full(n, np.nan)
        if n == 0 or len(self.lines) == 0:
            return Snapped(index, distance)
        x, y = to_metric(lons, lats)
        points = shapely.points(x, y)
        pairs = self.tree.query(points, predicate="dwithin", distance=self.tolerance)
        dist = shapely.distance(points[pairs[0]], self.lines[pairs[1]])
        return pick_nearest(n, pairs[0], pairs[1], dist, self.tolerance)


def pick_nearest(
    n: int, points: np.ndarray, keys: np.ndarray, dist: np.ndarray, tolerance_m: float
) -> Snapped:
    """Per point of ``n`` the nearest candidate within the tolerance (``points[i]`` is
    ``dist[i]`` from segment ``keys[i]``): among those within ``TIE_M`` of the nearest, the
    lowest key, with its own distance."""
    index = np.full(n, -1, dtype=np.int64)
    distance = np.full(n, np.nan)
    inside = dist <= tolerance_m
    points, keys, dist = points[inside], keys[inside], dist[inside]
    if len(points) == 0:
        return Snapped(index, distance)
    nearest = np.full(n, np.inf)
    np.minimum.at(nearest, points, dist)
    tied = dist <= nearest[points] + TIE_M
    points, keys, dist = points[tied], keys[tied], dist[tied]
    order = np.lexsort((keys, points))
    first = order[np.unique(points[order], return_index=True)[1]]
    index[points[first]] = keys[first]
    distance[points[first]] = dist[first]
    return Snapped(index, distance)


def brute_force_nearest(
    lines: Sequence[LineString], x: float, y: float, tolerance_m: float
) -> tuple[int, float]:
    """The peer of :class:`Snapper` for checks and benchmarks: distance to every line (a
    tie within ``TIE_M`` to the lowest index, as :func:`pick_nearest`)."""
    dists = shapely.distance(np.asarray(lines, dtype=object), shapely.Point(x, y))
    best = int(np.flatnonzero(dists <= dists.min() + TIE_M)[0])
    return (best, float(dists[best])) if dists[best] <= tolerance_m else (-1, float("nan"))
