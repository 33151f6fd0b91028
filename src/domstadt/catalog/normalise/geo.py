"""Normaliser for geo data (S4.2): GeoJSON and tables with coordinate columns in, canonical
GeoJSON (RFC 7946: WGS 84, longitude/latitude) out.

Source coordinate systems: WGS 84 (EPSG:4326), ETRS89 / UTM zone 32N (EPSG:25832, also with
the zone prefix "32" before the easting) and Gauss-Krüger zones 2 and 3 on DHDN
(EPSG:31466, EPSG:31467). The system is taken from a GeoJSON ``crs`` member when there is one,
else recognised from the value ranges (Cologne lies in UTM 32N and Gauss-Krüger zone 2).
pyproj runs without network access, so no transformation grid is ever downloaded.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyproj

from domstadt.core.errors import Invalid
from domstadt.core.json_limits import JsonTooLarge, parse_json

WGS84 = "EPSG:4326"
CRS_NAMES = {
    "EPSG:4326": "WGS 84",
    "EPSG:25832": "ETRS89 / UTM zone 32N",
    "EPSG:31466": "DHDN / Gauss-Krüger zone 2",
    "EPSG:31467": "DHDN / Gauss-Krüger zone 3",
}
GEOMETRY_TYPES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
}
UTM_ZONE_PREFIX = 32_000_000
_EPSG_RE = re.compile(r"(?:EPSG:+|EPSG/0/)(\d{4,5})$", re.IGNORECASE)
# Column names (folded: lower case, umlauts spelt out, only letters and digits per word).
_PAIRS: list[tuple[set[str], set[str], str]] = [
    (
        {"lon", "lng", "long", "longitude", "laenge", "laengengrad", "geolaenge"},
        {"lat", "latitude", "breite", "breitengrad", "geobreite"},
        "longitude/latitude",
    ),
    ({"rechtswert", "rw", "rechts"}, {"hochwert", "hw", "hoch"}, "Rechtswert/Hochwert"),
    (
        {"easting", "east", "ostwert", "ost", "utme", "e"},
        {"northing", "north", "nordwert", "nord", "utmn", "n"},
        "easting/northing",
    ),
    ({"x", "xkoordinate", "koordx", "xcoord"}, {"y", "ykoordinate", "koordy", "ycoord"}, "x/y"),
]

pyproj.network.set_network_enabled(False)


@dataclass
class GeoData:
    """A canonical FeatureCollection and what was detected on the way."""

    collection: dict[str, Any]
    provenance: dict[str, Any] = field(default_factory=dict)


def crs_from_member(crs: Any) -> str | None:
    """The EPSG code named by a (pre-RFC 7946) GeoJSON ``crs`` member, or None."""
    if not isinstance(crs, dict):
        return None
    name = str((crs.get("properties") or {}).get("name", "")).strip()
    if name.upper().endswith("CRS84"):
        return WGS84
    match = _EPSG_RE.search(name.replace("::", ":"))
    if match is None:
        raise Invalid(f"Das Koordinatensystem '{name}' ist nicht bekannt.", field="crs")
    code = f"EPSG:{match.group(1)}"
    if code not in CRS_NAMES:
        raise Invalid(
            f"Das Koordinatensystem {code} wird nicht unterstützt (möglich: "
            f"{', '.join(CRS_NAMES)}).",
            field="crs",
        )
    return code


def crs_from_ranges(xs: list[float], ys: list[float]) -> str | None:
    """The system whose value ranges fit all coordinate pairs (east, north), or None."""
    if not xs:
        return None
    x_min, x_max, y_min, y_max = min(xs), max(xs), min(ys), max(ys)
    if max(abs(x_min), abs(x_max)) <= 180 and max(abs(y_min), abs(y_max)) <= 90:
        return WGS84
    if y_min < 5_000_000 or y_max > 6_200_000:
        return None
    for low, high, crs in [
        (100_000, 900_000, "EPSG:25832"),
        (UTM_ZONE_PREFIX + 100_000, UTM_ZONE_PREFIX + 900_000, "EPSG:25832"),
        (2_100_000, 2_900_000, "EPSG:31466"),
        (3_100_000, 3_900_000, "EPSG:31467"),
    ]:
        if low <= x_min and x_max <= high:
            return crs
    return None


def _transformer(crs: str) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(crs, WGS84, always_xy=True)


def _positions(coords: Any, out: list[list[float]]) -> None:
    """Collect every position (a list of numbers) of a nested coordinates array."""
    if isinstance(coords, list) and coords and all(isinstance(c, int | float) for c in coords):
        if len(coords) < 2 or not all(math.isfinite(c) for c in coords):
            raise Invalid("Eine Koordinate ist keine Zahl.", field="geometry")
        out.append(coords)
    elif isinstance(coords, list):
        for item in coords:
            _positions(item, out)
    else:
        raise Invalid("Die Koordinaten einer Geometrie sind ungültig.", field="geometry")


def _geometry_positions(geometry: Any, out: list[list[float]], where: str) -> None:
    if geometry is None:
        return
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES:
        raise Invalid(f"{where}: unbekannter Geometrietyp.", field="geometry")
    if geometry["type"] == "GeometryCollection":
        for part in geometry.get("geometries") or []:
            _geometry_positions(part, out, where)
        return
    try:
        _positions(geometry.get("coordinates"), out)
    except Invalid as exc:
        raise Invalid(f"{where}: {exc.message}", field="geometry") from None


def _features(doc: Any) -> list[dict[str, Any]]:
    if not isinstance(doc, dict):
        raise Invalid("Die Datei ist kein GeoJSON-Objekt.", field="upload")
    kind = doc.get("type")
    if kind == "FeatureCollection" and isinstance(doc.get("features"), list):
        features = doc["features"]
    elif kind == "Feature":
        features = [doc]
    elif kind in GEOMETRY_TYPES:
        features = [{"type": "Feature", "geometry": doc, "properties": {}}]
    else:
        raise Invalid(
            "Die Datei ist kein GeoJSON (erwartet: FeatureCollection, Feature oder Geometrie).",
            field="upload",
        )
    for index, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise Invalid(f"Objekt {index} ist kein GeoJSON-Feature.", field="upload")
    return features


def _rounded(value: float) -> float:
    return round(value, 7)


def _transform(positions: list[list[float]], crs: str) -> None:
    """Replace (x, y) of each position in place by WGS 84 longitude/latitude."""
    if crs == WGS84:
        for pos in positions:
            pos[0], pos[1] = _rounded(pos[0]), _rounded(pos[1])
        return
    offset = UTM_ZONE_PREFIX if crs == "EPSG:25832" and positions[0][0] > 1_000_000 else 0
    lons, lats = _transformer(crs).transform(
        [p[0] - offset for p in positions], [p[1] for p in positions]
    )
    for pos, lon, lat in zip(positions, lons, lats, strict=True):
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise Invalid(
                f"Die Koordinate {pos[0]}, {pos[1]} ist nicht umrechenbar.", field="geometry"
            )
        pos[0], pos[1] = _rounded(lon), _rounded(lat)


def _bbox(positions: list[list[float]]) -> list[float]:
    lons, lats = [p[0] for p in positions], [p[1] for p in positions]
    return [min(lons), min(lats), max(lons), max(lats)]


def _finish(
    features: list[dict[str, Any]], positions: list[list[float]], crs: str, how: str
) -> GeoData:
    if positions:
        _transform(positions, crs)
    collection = {"type": "FeatureCollection", "features": features}
    provenance: dict[str, Any] = {
        "source_crs": crs,
        "source_crs_name": CRS_NAMES[crs],
        "crs_detected_by": how,
        "target_crs": WGS84,
        "transformation": "" if crs == WGS84 else _transformer(crs).description,
        "features": len(features),
        "geometry_types": sorted({f["geometry"]["type"] for f in features if f.get("geometry")}),
    }
    if positions:
        provenance["bbox"] = _bbox(positions)
    return GeoData(collection, provenance)


def read_geojson(raw: bytes) -> GeoData:
    """Parse a GeoJSON file, recognise its coordinate system and transform it to WGS 84."""
    try:
        doc = parse_json(raw.decode("utf-8-sig"), field="upload")
    except JsonTooLarge:
        raise
    except (UnicodeDecodeError, Invalid) as exc:
        reason = exc.message if isinstance(exc, Invalid) else str(exc)
        raise Invalid(f"Die Datei ist kein gültiges JSON: {reason}", field="upload") from None
    features = _features(doc)
    positions: list[list[float]] = []
    clean: list[dict[str, Any]] = []
    for index, feature in enumerate(features, start=1):
        geometry = feature.get("geometry")
        _geometry_positions(geometry, positions, f"Feature {index}")
        props = feature.get("properties")
        item = {"type": "Feature", "geometry": geometry, "properties": props or {}}
        if "id" in feature:
            item["id"] = feature["id"]
        clean.append(item)
    crs = crs_from_member(doc.get("crs"))
    how = "crs member of the file"
    if crs is None:
        crs = crs_from_ranges([p[0] for p in positions], [p[1] for p in positions])
        how = "coordinate value ranges"
    if crs is None:
        raise Invalid(
            "Die Koordinaten passen zu keinem bekannten Koordinatensystem "
            f"({', '.join(CRS_NAMES)}).",
            field="upload",
        )
    return _finish(clean, positions, crs, how)


def _fold(name: str) -> list[str]:
    text = name.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(a, b)
    return [w for w in re.split(r"[^a-z0-9]+", text) if w]


def _is_coordinate_column(values: list[Any]) -> bool:
    present = [v for v in values if v is not None]
    return bool(present) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in present
    )


def _find(names: list[str], words: set[str], numeric: list[bool]) -> int | None:
    for index, name in enumerate(names):
        folded = _fold(name)
        if numeric[index] and ("".join(folded) in words or words & set(folded)):
            return index
    return None


def coordinate_columns(names: list[str], columns: list[list[Any]]) -> tuple[int, int, str] | None:
    """Indexes of the east (x/longitude) and north (y/latitude) columns and the naming
    pattern that matched, or None when the table has no numeric coordinate pair."""
    numeric = [_is_coordinate_column(c) for c in columns]
    for x_words, y_words, label in _PAIRS:
        x, y = _find(names, x_words, numeric), _find(names, y_words, numeric)
        if x is not None and y is not None and x != y:
            return x, y, label
    return None


def from_table(names: list[str], columns: list[list[Any]]) -> GeoData | None:
    """Points from a table with coordinate columns (other columns become properties), or
    None when there are none or their values fit no known coordinate system."""
    found = coordinate_columns(names, columns)
    if found is None:
        return None
    x, y, label = found
    features: list[dict[str, Any]] = []
    positions: list[list[float]] = []
    skipped = 0
    for row in zip(*columns, strict=True):
        if row[x] is None or row[y] is None:
            skipped += 1
            continue
        pos = [float(row[x]), float(row[y])]
        props = {
            n: _json_value(v)
            for i, (n, v) in enumerate(zip(names, row, strict=True))
            if i not in (x, y)
        }
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": pos},
                "properties": props,
            }
        )
        positions.append(pos)
    crs = crs_from_ranges([p[0] for p in positions], [p[1] for p in positions])
    if crs is None or (
        crs == WGS84 and label != "longitude/latitude" and not _in_germany(positions)
    ):
        return None  # small x/y values are more likely a chart's than degrees
    data = _finish(features, positions, crs, "coordinate value ranges")
    data.provenance.update(
        coordinate_columns={"x": names[x], "y": names[y]},
        columns_detected_by=f"column names ({label})",
        rows_without_coordinates=skipped,
    )
    return data


def _in_germany(positions: list[list[float]]) -> bool:
    return all(5.5 <= p[0] <= 15.5 and 47.0 <= p[1] <= 55.5 for p in positions)


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def property_columns(data: GeoData) -> tuple[list[str], list[list[Any]]]:
    """The features' properties as columns (for the privacy scan)."""
    names: list[str] = []
    for feature in data.collection["features"]:
        for key in feature["properties"]:
            if key not in names:
                names.append(key)
    columns = [
        [
            "" if (v := f["properties"].get(n)) is None else str(v)
            for f in data.collection["features"]
        ]
        for n in names
    ]
    return names, columns


def write(data: GeoData, folder: Path, stem: str) -> Path:
    """Write the canonical GeoJSON (UTF-8, compact)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.geojson"
    path.write_text(
        json.dumps(data.collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    return path
