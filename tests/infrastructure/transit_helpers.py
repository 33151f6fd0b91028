"""Helpers of the transit tests: the real VBB extract, feeds broken on purpose, and
measurement CSVs placed on real segments."""

from __future__ import annotations

import csv
import io
import math
import zipfile
from pathlib import Path
from typing import Any

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.infrastructure import transit_service
from domstadt.infrastructure.transit.schemas import FeedReport

DATA = Path(__file__).parent / "data"
VBB = DATA / "vbb_extract.zip"
"""6 routes (lines 650–653 of Havelbus, VBB), 27 trips, 211 stops, 20 shapes."""
HEADER = (
    "time,lat,lon,accuracy_m,operator,network_type,signal_dbm,down_mbit,up_mbit,latency_ms,"
    "no_connection"
)


def import_vbb(db: Database, source: str = "vbb") -> FeedReport:
    """Import the real extract through the service (committed)."""
    with db.session() as session:
        return transit_service.feed_import(
            session,
            actor=system_actor("tests"),
            content=VBB.read_bytes(),
            filename=VBB.name,
            source=source,
        )


def edited_feed(changes: dict[str, str | None]) -> bytes:
    """The real extract with files replaced (text) or removed (None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(VBB) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            if name in changes:
                continue
            target.writestr(name, source.read(name))
        for name, text in changes.items():
            if text is not None:
                target.writestr(name, text)
    return out.getvalue()


def feed_text(name: str) -> str:
    """One file of the real extract."""
    with zipfile.ZipFile(VBB) as source:
        return source.read(name).decode("utf-8")


def midpoint(coordinates: list[list[float]]) -> tuple[float, float]:
    """A point halfway along a ``[[lon, lat], …]`` line (by vertex count: on the line)."""
    if len(coordinates) == 2:
        (a, b), (c, d) = coordinates
        return (a + c) / 2, (b + d) / 2
    lon, lat = coordinates[len(coordinates) // 2]
    return lon, lat


def near(lon: float, lat: float, metres_north: float) -> tuple[float, float]:
    """A point ``metres_north`` north of (lon, lat)."""
    return lon, lat + metres_north / 111_320


def csv_rows(points: list[dict[str, Any]]) -> bytes:
    """A measurement CSV from row dicts (missing keys empty)."""
    out = io.StringIO()
    out.write(HEADER + "\n")
    writer = csv.writer(out, lineterminator="\n")
    for p in points:
        writer.writerow([p.get(k, "") for k in HEADER.split(",")])
    return out.getvalue().encode("utf-8")


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Rough metres between two lon/lat points (equirectangular, fine for checks)."""
    x = (b[0] - a[0]) * 111_320 * math.cos(math.radians((a[1] + b[1]) / 2))
    y = (b[1] - a[1]) * 111_320
    return math.hypot(x, y)
