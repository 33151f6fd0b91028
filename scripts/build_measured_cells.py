"""Build a grid of measured LoRaWAN cells from real drive-test packets: every received packet
([id, lat, lon, rssi_dbm, gateway] as in the Ulm coverage map's data files) falls into a
square of ETRS89 / UTM 32N (EPSG:25832, aligned to multiples of the cell size); a cell with
packets offers LoRaWAN, with the best RSSI as its value. Packets without a position (0, 0)
are counted and left out; cells without packets are not written (no packet is no proof of a
gap). The GeoJSON is written in EPSG:25832 and names that in its ``crs`` member.

    python scripts/build_measured_cells.py data_2017.json OUT.geojson [--cell 250]

Used for tests/infrastructure/data/ulm_lorawan_measured_cells_250m.geojson (see
tests/infrastructure/data/README.md)."""

from __future__ import annotations

import argparse
import json
import statistics
from collections import defaultdict
from pathlib import Path
from typing import Any

from pyproj import Transformer

Packet = tuple[int, float, float, int, str]


def _packets(path: Path) -> tuple[list[Packet], int]:
    rows = json.loads(path.read_text("utf-8"))
    kept = [(int(r[0]), float(r[1]), float(r[2]), int(r[3]), str(r[4])) for r in rows]
    with_position = [p for p in kept if p[1] and p[2]]
    return with_position, len(kept) - len(with_position)


def _cell(x: float, y: float, size: int) -> tuple[int, int]:
    return int(x // size), int(y // size)


def _feature(key: tuple[int, int], packets: list[Packet], size: int) -> dict[str, Any]:
    east, north = key
    x0, y0 = east * size, north * size
    ring = [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]
    rssi = [p[3] for p in packets]
    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": {
            "zelle": f"{size}mN{north}E{east}",
            "technologie": "LoRaWAN",
            "rssi": max(rssi),
            "rssi_median": statistics.median(rssi),
            "pakete": len(packets),
            "gateways": sorted({p[4] for p in packets}),
        },
    }


def build(source: Path, target: Path, size: int) -> dict[str, int]:
    """Write the cells of ``source`` to ``target``; returns what was counted."""
    packets, without_position = _packets(source)
    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)
    cells: dict[tuple[int, int], list[Packet]] = defaultdict(list)
    for packet in packets:
        x, y = to_utm.transform(packet[2], packet[1])
        cells[_cell(x, y, size)].append(packet)
    order = sorted(cells, key=lambda key: (-key[1], key[0]))  # north to south, west to east
    features = [_feature(key, cells[key], size) for key in order]
    collection = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
        "features": features,
    }
    target.write_text(json.dumps(collection, ensure_ascii=False) + "\n", "utf-8")
    return {"packets": len(packets), "without_position": without_position, "cells": len(features)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--cell", type=int, default=250, help="cell size in metres")
    args = parser.parse_args()
    print(build(args.source, args.target, args.cell))


if __name__ == "__main__":
    main()
