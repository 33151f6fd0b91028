"""Reading and validating a GTFS zip: the tables segments need, every problem as a
``GtfsProblem`` naming file, line and field. Nothing is written here.

Required: agency.txt, stops.txt, routes.txt, trips.txt, stop_times.txt (GTFS Schedule);
shapes.txt is optional (without it segments are straight lines). Coordinates must lie in
Germany (a lat/lon pair that fits only when swapped is reported as swapped)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field

REQUIRED = ("agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt")
COLUMNS = {
    "agency.txt": ("agency_name",),
    "stops.txt": ("stop_id",),
    "routes.txt": ("route_id", "route_type"),
    "trips.txt": ("route_id", "trip_id"),
    "stop_times.txt": ("trip_id", "stop_id", "stop_sequence"),
    "shapes.txt": ("shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence"),
}
GERMANY = (47.2, 55.1, 5.8, 15.1)
"""Latitude min/max, longitude min/max of a box around Germany."""
MAX_PROBLEMS = 50
MAX_BYTES = 200 * 1024 * 1024


@dataclass
class GtfsProblem:
    """One problem: which file, which line (1 = header), which field, what is wrong."""

    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f", Zeile {self.line}" if self.line else "")
        where += f", Feld {self.field}" if self.field else ""
        return f"{where}: {self.message}"


@dataclass
class GtfsFeed:
    """The validated content: rows keyed by GTFS id, trips with their stop pattern."""

    agencies: dict[str, dict[str, str]] = field(default_factory=dict)
    routes: dict[str, dict[str, str]] = field(default_factory=dict)
    stops: dict[str, tuple[str, float, float]] = field(default_factory=dict)
    trips: dict[str, dict[str, str]] = field(default_factory=dict)
    patterns: dict[str, list[str]] = field(default_factory=dict)
    shapes: dict[str, list[tuple[float, float]]] = field(default_factory=dict)


class GtfsInvalid(Exception):
    """The feed cannot be imported; ``problems`` says why, file by file."""

    def __init__(self, problems: list[GtfsProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems[:5]))
        self.problems = problems


class _Reader:
    def __init__(self, content: bytes) -> None:
        self.problems: list[GtfsProblem] = []
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(content))
        except zipfile.BadZipFile as exc:
            raise GtfsInvalid([GtfsProblem("(zip)", None, None, "keine ZIP-Datei")]) from exc
        self.names = {n.rsplit("/", 1)[-1]: n for n in self.archive.namelist()}

    def problem(self, file: str, line: int | None, fld: str | None, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(GtfsProblem(file, line, fld, message))

    def rows(self, name: str) -> list[tuple[int, dict[str, str]]]:
        """Rows with their line number; [] (and a problem) when the file is unusable."""
        if name not in self.names:
            if name in REQUIRED:
                self.problem(name, None, None, "Pflichtdatei fehlt")
            return []
        info = self.archive.getinfo(self.names[name])
        if info.file_size > MAX_BYTES:
            self.problem(name, None, None, "Datei zu groß")
            return []
        try:
            text = self.archive.read(info).decode("utf-8-sig")
        except UnicodeDecodeError:
            self.problem(name, None, None, "nicht UTF-8-kodiert")
            return []
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [c for c in COLUMNS.get(name, ()) if c not in header]
        for column in missing:
            self.problem(name, 1, column, "Pflichtspalte fehlt")
        if missing:
            return []
        reader.fieldnames = header
        return [
            (n, {k: (v or "").strip() for k, v in row.items() if k})
            for n, row in enumerate(reader, start=2)
        ]


def _coordinate(reader: _Reader, file: str, line: int, lat: str, lon: str) -> tuple[float, float]:
    try:
        y, x = float(lat), float(lon)
    except ValueError:
        reader.problem(
            file,
            line,
            "stop_lat" if file == "stops.txt" else "shape_pt_lat",
            f"keine Koordinate: {lat!r}, {lon!r}",
        )
        return 0.0, 0.0
    lat_min, lat_max, lon_min, lon_max = GERMANY
    inside = lat_min <= y <= lat_max and lon_min <= x <= lon_max
    if not inside:
        swapped = lat_min <= x <= lat_max and lon_min <= y <= lon_max
        fld = "stop_lat" if file == "stops.txt" else "shape_pt_lat"
        reason = "Breite und Länge vertauscht" if swapped else "liegt nicht in Deutschland"
        reader.problem(file, line, fld, f"{reason} ({y}, {x})")
    return y, x


def _agencies(reader: _Reader, feed: GtfsFeed) -> None:
    for line, row in reader.rows("agency.txt"):
        feed.agencies[row.get("agency_id", "")] = {
            "name": row["agency_name"],
            "url": row.get("agency_url", ""),
        }
        if not row["agency_name"]:
            reader.problem("agency.txt", line, "agency_name", "leer")


def _routes(reader: _Reader, feed: GtfsFeed) -> None:
    for line, row in reader.rows("routes.txt"):
        agency = row.get("agency_id", "")
        if agency not in feed.agencies and not (len(feed.agencies) == 1 and not agency):
            reader.problem("routes.txt", line, "agency_id", f"unbekannte agency_id {agency!r}")
        if not row["route_type"].lstrip("-").isdigit():
            reader.problem("routes.txt", line, "route_type", "keine Zahl")
        feed.routes[row["route_id"]] = row


def _stops(reader: _Reader, feed: GtfsFeed) -> None:
    for line, row in reader.rows("stops.txt"):
        if row.get("location_type", "") not in ("", "0", "1"):
            continue  # entrances, nodes, boarding areas: not on a line
        lat, lon = row.get("stop_lat", ""), row.get("stop_lon", "")
        if not lat or not lon:
            reader.problem("stops.txt", line, "stop_lat", "Koordinate fehlt")
            continue
        y, x = _coordinate(reader, "stops.txt", line, lat, lon)
        feed.stops[row["stop_id"]] = (row.get("stop_name", ""), y, x)


def _shapes(reader: _Reader, feed: GtfsFeed) -> None:
    points: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for line, row in reader.rows("shapes.txt"):
        y, x = _coordinate(reader, "shapes.txt", line, row["shape_pt_lat"], row["shape_pt_lon"])
        try:
            sequence = float(row["shape_pt_sequence"])
        except ValueError:
            reader.problem("shapes.txt", line, "shape_pt_sequence", "keine Zahl")
            continue
        points[row["shape_id"]].append((sequence, x, y))
    for shape_id, pts in points.items():
        feed.shapes[shape_id] = [(x, y) for _, x, y in sorted(pts)]


def _trips(reader: _Reader, feed: GtfsFeed) -> None:
    for line, row in reader.rows("trips.txt"):
        if row["route_id"] not in feed.routes:
            reader.problem(
                "trips.txt", line, "route_id", f"unbekannte route_id {row['route_id']!r}"
            )
        shape = row.get("shape_id", "")
        if shape and feed.shapes and shape not in feed.shapes:
            reader.problem("trips.txt", line, "shape_id", f"unbekannte shape_id {shape!r}")
        feed.trips[row["trip_id"]] = row


def _stop_times(reader: _Reader, feed: GtfsFeed) -> None:
    sequences: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for line, row in reader.rows("stop_times.txt"):
        if row["trip_id"] not in feed.trips:
            reader.problem(
                "stop_times.txt", line, "trip_id", f"unbekannte trip_id {row['trip_id']!r}"
            )
            continue
        if row["stop_id"] not in feed.stops:
            reader.problem(
                "stop_times.txt", line, "stop_id", f"unbekannte stop_id {row['stop_id']!r}"
            )
            continue
        if not row["stop_sequence"].isdigit():
            reader.problem("stop_times.txt", line, "stop_sequence", "keine ganze Zahl")
            continue
        sequences[row["trip_id"]].append((int(row["stop_sequence"]), row["stop_id"]))
    for trip_id, seq in sequences.items():
        feed.patterns[trip_id] = [stop for _, stop in sorted(seq)]


def read_feed(content: bytes) -> GtfsFeed:
    """The feed in ``content`` (a GTFS zip); raises GtfsInvalid with every problem found."""
    reader = _Reader(content)
    feed = GtfsFeed()
    for step in (_agencies, _routes, _stops, _shapes, _trips, _stop_times):
        step(reader, feed)
    if not reader.problems and not feed.patterns:
        reader.problem("stop_times.txt", None, None, "keine Fahrt mit Halten")
    if reader.problems:
        raise GtfsInvalid(reader.problems)
    return feed
