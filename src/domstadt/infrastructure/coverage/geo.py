"""Projections and plausibility: coordinate reference systems by name (pyproj), the check that
a point lies in Germany (and is not lat/lon swapped), and distances in metres."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache

from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

GERMANY = (5.86, 47.27, 15.05, 55.06)
"""Germany's bounding box in WGS84: west, south, east, north."""
METRIC_CRS = "EPSG:25832"
"""ETRS89 / UTM zone 32N, the metric projection the indexes work in (all of Germany)."""
EARTH_RADIUS_M = 6_371_008.8


class GeoError(ValueError):
    """A coordinate or projection problem, with a German message naming what to fix."""


def parse_crs(name: str) -> CRS:
    """``EPSG:25832``, ``urn:ogc:def:crs:EPSG::4326``, ``CRS84`` … or GeoError."""
    text = name.strip()
    if text.upper() in ("CRS84", "OGC:CRS84", "URN:OGC:DEF:CRS:OGC:1.3:CRS84"):
        return CRS.from_epsg(4326)
    try:
        return CRS.from_user_input(text)
    except CRSError as exc:
        raise GeoError(
            f"Unbekanntes Koordinatensystem „{text[:60]}“: bitte als EPSG-Code angeben, "
            "z. B. --crs EPSG:25832 (UTM 32N) oder EPSG:4326 (WGS84)."
        ) from exc


@lru_cache(maxsize=32)
def to_wgs84(crs_name: str) -> Callable[[float, float], tuple[float, float]]:
    """A function (x, y) in ``crs_name`` → (lon, lat) in WGS84."""
    transformer = Transformer.from_crs(parse_crs(crs_name), "EPSG:4326", always_xy=True)
    return lambda x, y: transformer.transform(x, y)


@lru_cache(maxsize=1)
def to_metric() -> Transformer:
    """WGS84 lon/lat → ETRS89 / UTM 32N metres."""
    return Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)


def in_germany(lon: float, lat: float) -> bool:
    """Inside Germany's bounding box."""
    west, south, east, north = GERMANY
    return west <= lon <= east and south <= lat <= north


def check_point(lon: float, lat: float, where: str) -> None:
    """GeoError unless (lon, lat) lies in Germany; names a swap of latitude and longitude."""
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise GeoError(f"{where}: Koordinate ist keine Zahl.")
    if in_germany(lon, lat):
        return
    if in_germany(lat, lon):
        raise GeoError(
            f"{where}: Breite und Länge sind vertauscht ({lon:.5f}, {lat:.5f}); "
            "die Länge liegt in Deutschland zwischen 5,9 und 15,0, die Breite zwischen 47,3 "
            "und 55,1."
        )
    raise GeoError(
        f"{where}: Punkt ({lon:.5f}, {lat:.5f}) liegt außerhalb Deutschlands. Stimmt das "
        "Koordinatensystem (--crs)?"
    )


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))
