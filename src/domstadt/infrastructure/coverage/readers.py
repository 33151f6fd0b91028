"""Reading coverage files into raw features (geometry in the file's own projection plus
properties): GeoJSON, CSV with coordinate columns (or a WKT column), GeoPackage (sqlite3 and
shapely's WKB reader) and KML (defused XML). Every column or member of the file reaches the
properties (an unnamed CSV column as ``spalte_N``, a Feature's ``id``); what cannot (a CSV row
longer than its header, a column name twice) is refused. Every problem is a ReadError in
German."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

MAX_FEATURES = 200_000
LON_NAMES = ("lon", "lng", "long", "longitude", "laenge", "länge", "x", "geometry_x", "rechtswert")
LAT_NAMES = ("lat", "latitude", "breite", "y", "geometry_y", "hochwert")
WKT_NAMES = ("wkt", "geometry", "geometrie", "geom")
FORMATS = {".geojson": "geojson", ".json": "geojson", ".csv": "csv", ".gpkg": "gpkg", ".kml": "kml"}


def _geojson(shape: shapely.Geometry) -> dict[str, Any]:
    geometry: dict[str, Any] = json.loads(shapely.to_geojson(shape))
    return geometry


class ReadError(ValueError):
    """The file cannot be read; the message says what to fix."""


@dataclass
class RawFeature:
    """One feature as the file has it: a GeoJSON-like geometry and its properties."""

    geometry: dict[str, Any]
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass
class RawLayer:
    """The features of a file, its format and the projection the file names (if any)."""

    file_format: str
    features: list[RawFeature]
    crs: str | None = None


def file_format(filename: str) -> str:
    """The format by the file's extension, or ReadError naming the ones we read."""
    fmt = FORMATS.get(Path(filename).suffix.lower())
    if fmt is None:
        raise ReadError(
            f"Dateiformat von „{Path(filename).name[:80]}“ unbekannt: erlaubt sind GeoJSON "
            "(.geojson/.json), CSV mit Koordinaten (.csv), GeoPackage (.gpkg) und KML (.kml)."
        )
    return fmt


def read(content: bytes, filename: str) -> RawLayer:
    """Read ``content`` by the extension of ``filename``; at least one feature."""
    fmt = file_format(filename)
    reader = {"geojson": read_geojson, "csv": read_csv, "gpkg": read_gpkg, "kml": read_kml}[fmt]
    layer = reader(content)
    if not layer.features:
        raise ReadError("Die Datei enthält keine Objekte (keine Punkte oder Flächen).")
    if len(layer.features) > MAX_FEATURES:
        raise ReadError(f"Zu viele Objekte: höchstens {MAX_FEATURES:,} je Datei.".replace(",", "."))
    return layer


def _text(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def read_geojson(content: bytes) -> RawLayer:
    """A FeatureCollection, a Feature or a bare geometry; ``crs`` member if present."""
    try:
        data = json.loads(_text(content))
    except json.JSONDecodeError as exc:
        raise ReadError(f"Kein gültiges JSON (Zeile {exc.lineno}, Spalte {exc.colno}).") from exc
    if not isinstance(data, dict):
        raise ReadError("GeoJSON muss ein Objekt sein (FeatureCollection, Feature oder Geometrie).")
    crs = None
    named = data.get("crs")
    if isinstance(named, dict) and isinstance(named.get("properties"), dict):
        crs = str(named["properties"].get("name") or "") or None
    kind = data.get("type")
    if kind == "FeatureCollection":
        items = data.get("features")
        if not isinstance(items, list):
            raise ReadError("FeatureCollection ohne Liste „features“.")
    elif kind == "Feature":
        items = [data]
    else:
        items = [{"type": "Feature", "geometry": data, "properties": {}}]
    features = []
    for number, item in enumerate(items, start=1):
        geometry = item.get("geometry") if isinstance(item, dict) else None
        if not isinstance(geometry, dict) or "type" not in geometry:
            raise ReadError(f"Objekt {number}: keine Geometrie.")
        features.append(RawFeature(geometry, _geojson_properties(item)))
    return RawLayer("geojson", features, crs)


def _geojson_properties(item: dict[str, Any]) -> dict[str, Any]:
    """The Feature's properties with its ``id`` member kept as ``id`` (``feature_id`` when the
    properties have an ``id`` of their own)."""
    props = item.get("properties")
    kept = dict(props) if isinstance(props, dict) else {}
    if item.get("id") not in (None, ""):
        kept["feature_id" if "id" in kept else "id"] = item["id"]
    return kept


def _number(text: str) -> float:
    cleaned = text.strip().replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    return float(cleaned)


def _column(header: list[str], names: tuple[str, ...]) -> str | None:
    lowered = {h.strip().lower(): h for h in header}
    return next((lowered[n] for n in names if n in lowered), None)


def read_csv(content: bytes) -> RawLayer:
    """Rows with longitude/latitude (or x/y, Länge/Breite) columns, or a WKT column."""
    text = _text(content)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    lines = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = _csv_header(next(lines, []))
    lon_col, lat_col = _column(header, LON_NAMES), _column(header, LAT_NAMES)
    wkt_col = _column(header, WKT_NAMES)
    if not (lon_col and lat_col) and not wkt_col:
        raise ReadError(
            "CSV ohne Koordinatenspalten: erwartet werden z. B. „lon“/„lat“, "
            "„Länge“/„Breite“, „x“/„y“ oder eine Spalte „wkt“. Gefunden: " + ", ".join(header[:12])
        )
    features = []
    for cells in lines:
        line = lines.line_num
        if not any(cell.strip() for cell in cells):
            continue  # an empty line (e.g. at the end of the file)
        if any(cell.strip() for cell in cells[len(header) :]):  # empty extra cells lose nothing
            raise ReadError(
                f"Zeile {line}: {len(cells)} Werte, aber nur {len(header)} Spalten in der "
                "Kopfzeile. Stimmt das Trennzeichen, oder fehlt ein Spaltenname?"
            )
        row = dict(zip(header, cells, strict=False))
        props = {k: v for k, v in row.items() if k not in (lon_col, lat_col, wkt_col)}
        features.append(RawFeature(_csv_geometry(row, line, lon_col, lat_col, wkt_col), props))
    return RawLayer("csv", features)


def _csv_header(cells: list[str]) -> list[str]:
    """The column names; an empty one is called ``spalte_N`` (its position), a name that
    occurs twice is refused (its values could not both be kept)."""
    header = [cell.strip() or f"spalte_{number}" for number, cell in enumerate(cells, start=1)]
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise ReadError(
                f"Die Spalte „{name[:60]}“ kommt in der Kopfzeile zweimal vor. "
                "Bitte eine der beiden umbenennen."
            )
        seen.add(name)
    return header


def _csv_geometry(
    row: dict[str, Any], line: int, lon_col: str | None, lat_col: str | None, wkt_col: str | None
) -> dict[str, Any]:
    if lon_col and lat_col:
        try:
            lon, lat = _number(row.get(lon_col) or ""), _number(row.get(lat_col) or "")
        except (ValueError, TypeError) as exc:
            raise ReadError(
                f"Zeile {line}: „{lon_col}“/„{lat_col}“ sind keine Zahlen "
                f"({str(row.get(lon_col))[:20]}, {str(row.get(lat_col))[:20]})."
            ) from exc
        return {"type": "Point", "coordinates": [lon, lat]}
    try:
        return _geojson(shapely.from_wkt(row.get(str(wkt_col))))
    except (shapely.errors.GEOSException, TypeError) as exc:
        raise ReadError(f"Zeile {line}: WKT-Geometrie nicht lesbar.") from exc


def read_kml(content: bytes) -> RawLayer:
    """Placemarks with a Point or Polygon; name, description and ExtendedData as properties."""
    try:
        root = ElementTree.fromstring(content)
    except DefusedXmlException as exc:
        raise ReadError(
            "KML mit DTD oder Entitäten wird aus Sicherheitsgründen abgelehnt."
        ) from exc
    except ElementTree.ParseError as exc:
        raise ReadError(f"KML ist kein gültiges XML: {exc}.") from exc
    features = []
    for number, mark in enumerate(root.iter(_tag("Placemark")), start=1):
        features.append(RawFeature(_kml_geometry(mark, number), _kml_properties(mark)))
    return RawLayer("kml", features, "EPSG:4326")


def _tag(name: str) -> str:
    return "{http://www.opengis.net/kml/2.2}" + name


def _kml_properties(mark: Any) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for key in ("name", "description"):
        node = mark.find(_tag(key))
        if node is not None and node.text:
            props[key] = node.text.strip()
    for data in mark.iter(_tag("Data")):
        value = data.find(_tag("value"))
        props[str(data.get("name"))] = value.text if value is not None else None
    return props


def _coords(text: str | None, number: int) -> list[list[float]]:
    try:
        return [[float(v) for v in part.split(",")[:3]] for part in (text or "").split()]
    except ValueError as exc:
        raise ReadError(f"Placemark {number}: Koordinaten nicht lesbar.") from exc


def _kml_geometry(mark: Any, number: int) -> dict[str, Any]:
    point = mark.find(f".//{_tag('Point')}/{_tag('coordinates')}")
    if point is not None:
        coords = _coords(point.text, number)
        if len(coords) == 1 and len(coords[0]) in (2, 3):  # lon,lat[,height]
            return {"type": "Point", "coordinates": coords[0]}
    ring = mark.find(f".//{_tag('outerBoundaryIs')}//{_tag('coordinates')}")
    if ring is not None:
        return {"type": "Polygon", "coordinates": [_coords(ring.text, number)]}
    raise ReadError(f"Placemark {number}: weder Punkt noch Polygon.")


ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
GPKG_CRS_RE = re.compile(r"^[A-Za-z]+$")


def read_gpkg(content: bytes) -> RawLayer:
    """The first feature table of a GeoPackage (OGC GeoPackage 1.x, read with sqlite3)."""
    if not content.startswith(b"SQLite format 3\x00"):
        raise ReadError("Keine GeoPackage-Datei (keine SQLite-Datenbank).")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.gpkg"
        path.write_bytes(content)
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return _gpkg_layer(connection)
        except sqlite3.DatabaseError as exc:
            raise ReadError(f"GeoPackage nicht lesbar: {exc}.") from exc
        finally:
            connection.close()


def _gpkg_layer(connection: sqlite3.Connection) -> RawLayer:
    found = connection.execute(
        "SELECT c.table_name, g.column_name, s.organization, s.organization_coordsys_id "
        "FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name "
        "JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id WHERE c.data_type = 'features' "
        "ORDER BY c.table_name LIMIT 1"
    ).fetchone()
    if found is None:
        raise ReadError("GeoPackage ohne Objekttabelle (gpkg_contents mit data_type features).")
    table, column, organisation, code = found
    if not GPKG_CRS_RE.match(str(organisation)):
        raise ReadError("GeoPackage: Koordinatensystem nicht lesbar.")
    cursor = connection.execute(f'SELECT * FROM "{table.replace(chr(34), "")}"')
    names = [d[0] for d in cursor.description]
    features = []
    for number, row in enumerate(cursor, start=1):
        values = dict(zip(names, row, strict=True))
        geometry = _gpkg_geometry(values.pop(column), number)
        features.append(RawFeature(geometry, values))
    return RawLayer("gpkg", features, f"{str(organisation).upper()}:{code}")


def _gpkg_geometry(blob: Any, number: int) -> dict[str, Any]:
    if not isinstance(blob, bytes) or len(blob) < 8 or blob[:2] != b"GP":
        raise ReadError(f"GeoPackage-Objekt {number}: Geometrie fehlt oder ist beschädigt.")
    envelope = (blob[3] >> 1) & 0x07
    if envelope not in ENVELOPE_BYTES:
        raise ReadError(f"GeoPackage-Objekt {number}: unbekannter Geometrie-Kopf.")
    try:
        shape = shapely.from_wkb(blob[8 + ENVELOPE_BYTES[envelope] :])
    except (shapely.errors.GEOSException, struct.error) as exc:
        raise ReadError(f"GeoPackage-Objekt {number}: Geometrie nicht lesbar.") from exc
    return _geojson(shape)
