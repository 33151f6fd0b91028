"""Cut a small GTFS extract from a real feed: the named routes, at most N trips per route and
shape, and only the stops, shapes, agencies and calendars they use (calendar_dates dropped).

    python scripts/cut_gtfs_extract.py IN.zip OUT.zip [--routes R1,R2] [--trips 2]

Used for tests/infrastructure/data/vbb_extract.zip (see docs/data-sources.md)."""

from __future__ import annotations

import argparse
import csv
import io
import zipfile
from collections import defaultdict


def _read(archive: zipfile.ZipFile, name: str) -> tuple[list[str], list[dict[str, str]]]:
    text = archive.read(name).decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), list(reader)


def _write(out: zipfile.ZipFile, name: str, fields: list[str], rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    out.writestr(name, buffer.getvalue())


def cut(source: str, target: str, routes: set[str] | None, trips_per_shape: int) -> None:
    """Write the extract of ``source`` to ``target``."""
    with zipfile.ZipFile(source) as archive:
        tables = {
            name: _read(archive, name) for name in archive.namelist() if name.endswith(".txt")
        }
    _, route_rows = tables["routes.txt"]
    kept_routes = [r for r in route_rows if routes is None or r["route_id"] in routes]
    route_ids = {r["route_id"] for r in kept_routes}
    per_shape: dict[tuple[str, str], int] = defaultdict(int)
    _, trip_rows = tables["trips.txt"]
    kept_trips = []
    for trip in trip_rows:
        key = (trip["route_id"], trip.get("shape_id", ""))
        if trip["route_id"] in route_ids and per_shape[key] < trips_per_shape:
            per_shape[key] += 1
            kept_trips.append(trip)
    trip_ids = {t["trip_id"] for t in kept_trips}
    _, st_rows = tables["stop_times.txt"]
    kept_times = [s for s in st_rows if s["trip_id"] in trip_ids]
    stop_ids = {s["stop_id"] for s in kept_times}
    shape_ids = {t.get("shape_id", "") for t in kept_trips} - {""}
    service_ids = {t["service_id"] for t in kept_trips}
    agency_ids = {r.get("agency_id", "") for r in kept_routes}
    chosen = {
        "agency.txt": lambda r: r.get("agency_id", "") in agency_ids,
        "routes.txt": lambda r: r["route_id"] in route_ids,
        "trips.txt": lambda r: r["trip_id"] in trip_ids,
        "stop_times.txt": lambda r: r["trip_id"] in trip_ids,
        "stops.txt": lambda r: r["stop_id"] in stop_ids,
        "shapes.txt": lambda r: r["shape_id"] in shape_ids,
        "calendar.txt": lambda r: r["service_id"] in service_ids,
    }
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name, keep in chosen.items():
            if name in tables:
                fields, rows = tables[name]
                _write(out, name, fields, [r for r in rows if keep(r)])
    print(
        f"{len(kept_routes)} routes, {len(kept_trips)} trips, {len(stop_ids)} stops, "
        f"{len(shape_ids)} shapes, {len(kept_times)} stop times"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("target")
    parser.add_argument("--routes", default="", help="Comma-separated route_ids (default: all).")
    parser.add_argument("--trips", type=int, default=2, help="Trips kept per route and shape.")
    args = parser.parse_args()
    routes = set(args.routes.split(",")) if args.routes else None
    cut(args.source, args.target, routes, args.trips)


if __name__ == "__main__":
    main()
