"""From raw file features to stored ones: reprojection to WGS84, the Germany check for every
coordinate, bounding box, a name, the networks a feature offers and its value (Mbit/s, dBm).

Every property of the file is kept as it is (nested objects too; a point's height as ``z``);
what cannot be kept (too many properties, an over-long name or value) refuses the file with a
message naming the feature and the property, never by silently cutting it."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from domstadt.infrastructure.coverage.geo import GeoError, check_point, to_wgs84
from domstadt.infrastructure.coverage.readers import RawFeature

KINDS = ("lorawan-gateway", "mobile-site", "wlan-hotspot", "broadband-area", "grid-cell")
POINT_KINDS = ("lorawan-gateway", "mobile-site", "wlan-hotspot")
KIND_NETWORKS = {"lorawan-gateway": ["lorawan"], "wlan-hotspot": ["wlan"]}
TOKENS = {
    "5g": ("5g", "lte", "nb-iot", "lte-m"),
    "nr": ("5g", "lte", "nb-iot", "lte-m"),
    "4g": ("lte", "nb-iot", "lte-m"),
    "lte": ("lte", "nb-iot", "lte-m"),
    "nb-iot": ("nb-iot",),
    "nbiot": ("nb-iot",),
    "lte-m": ("lte-m",),
    "ltem": ("lte-m",),
    "cat-m": ("lte-m",),
    "lora": ("lorawan",),
    "lorawan": ("lorawan",),
    "wlan": ("wlan",),
    "wifi": ("wlan",),
    "glasfaser": ("fibre",),
    "fibre": ("fibre",),
    "fiber": ("fibre",),
    "ftth": ("fibre",),
    "gsm": ("gsm",),
    "2g": ("gsm",),
    "3g": ("gsm",),
    "umts": ("gsm",),
}
NEGATIVE = {"keine", "kein", "none", "nein", "no", "false", "0", "-"}
TECH_KEYS = ("technologie", "technology", "tech", "netz", "network", "radio", "typ", "type")
VALUE_KEYS = {
    "mbit_s": "Mbit/s",
    "mbit/s": "Mbit/s",
    "mbits": "Mbit/s",
    "mbps": "Mbit/s",
    "download": "Mbit/s",
    "bandbreite": "Mbit/s",
    "rssi": "dBm",
    "dbm": "dBm",
    "value": "",
    "wert": "",
}
NAME_KEYS = ("name", "ap_name", "bezeichnung", "id", "zelle", "cell", "description")
MAX_PROPERTIES = 100
"""Properties of one feature; more refuse the file (name the property to remove)."""
MAX_KEY_CHARS = 100
MAX_VALUE_CHARS = 10_000
"""Characters of one property value as JSON; a longer one refuses the file."""


@dataclass
class Feature:
    """A feature ready to store: WGS84 geometry, bbox and what it offers."""

    name: str
    geometry: dict[str, Any]
    bbox: tuple[float, float, float, float]
    networks: list[str]
    available: bool | None
    value: float | None
    unit: str
    properties: dict[str, Any]


def _positions(coords: Any) -> Iterator[list[Any]]:
    if isinstance(coords, list) and coords and isinstance(coords[0], int | float):
        yield coords
    elif isinstance(coords, list):
        for part in coords:
            yield from _positions(part)


def _reproject(coords: Any, transform: Callable[[float, float], tuple[float, float]]) -> Any:
    if isinstance(coords, list) and coords and isinstance(coords[0], int | float):
        lon, lat = transform(float(coords[0]), float(coords[1]))
        return [round(lon, 7), round(lat, 7)]
    return [_reproject(part, transform) for part in coords]


GEOMETRY_TYPES = {"Point", "MultiPoint", "Polygon", "MultiPolygon"}


def point_height(raw: RawFeature) -> float | None:
    """The third coordinate of a point (its height in the file's units), if it has one."""
    coords = raw.geometry.get("coordinates")
    if raw.geometry.get("type") != "Point" or not isinstance(coords, list) or len(coords) < 3:
        return None
    height = coords[2]
    return float(height) if isinstance(height, int | float) else None


def geometry_wgs84(
    raw: RawFeature, crs: str, kind: str, where: str
) -> tuple[dict[str, Any], tuple[float, float, float, float]]:
    """The geometry in WGS84 (two coordinates) with its bbox; GeoError for a wrong type or a
    point outside."""
    kind_of = raw.geometry.get("type")
    wanted = {"Point"} if kind in POINT_KINDS else {"Polygon", "MultiPolygon"}
    if kind_of not in GEOMETRY_TYPES or kind_of not in wanted:
        raise GeoError(
            f"{where}: Geometrie „{str(kind_of)[:20]}“ passt nicht zur Art {kind} "
            f"(erwartet: {' oder '.join(sorted(wanted))})."
        )
    try:
        coords = _reproject(raw.geometry.get("coordinates"), to_wgs84(crs))
        points = list(_positions(coords))
    except (TypeError, ValueError, IndexError) as exc:
        raise GeoError(f"{where}: Koordinaten nicht lesbar.") from exc
    if not points:
        raise GeoError(f"{where}: Geometrie ohne Koordinaten.")
    for lon, lat in points:
        check_point(lon, lat, where)
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return {"type": kind_of, "coordinates": coords}, (min(lons), min(lats), max(lons), max(lats))


def _lower_props(props: dict[str, Any]) -> dict[str, Any]:
    return {str(k).strip().lower(): v for k, v in props.items()}


def offers(kind: str, props: dict[str, Any]) -> tuple[list[str], bool | None]:
    """The networks a feature offers and whether a measured cell has service at all."""
    if kind in KIND_NETWORKS:
        return list(KIND_NETWORKS[kind]), None
    lowered = _lower_props(props)
    text = next((str(lowered[k]) for k in TECH_KEYS if lowered.get(k) not in (None, "")), "")
    words = [w for w in re.split(r"[\s/,;+|]+", text.lower()) if w]
    found: list[str] = []
    for word in words:
        for network in TOKENS.get(word, ()):
            if network not in found:
                found.append(network)
    if not found and kind == "mobile-site":
        found = ["lte", "nb-iot", "lte-m"]
    if not found and kind == "broadband-area":
        found = ["fibre"]
    negative = bool(words) and all(w in NEGATIVE for w in words)
    return found, (False if negative else (True if found else None))


def measured_value(props: dict[str, Any]) -> tuple[float | None, str]:
    """A number such as Mbit/s or dBm from the usual column names."""
    lowered = _lower_props(props)
    for key, unit in VALUE_KEYS.items():
        raw = lowered.get(key)
        if raw in (None, ""):
            continue
        try:
            return float(str(raw).replace(",", ".")), unit
        except ValueError:
            continue
    return None, ""


def name_keys(raws: list[RawFeature]) -> tuple[str, ...]:
    """The name columns in their order of preference; a column that holds the same text for
    every feature of a file with several (e.g. ``name`` = "LoRaWAN Gateway" on all ten
    gateways) names the kind, not the feature, and is only used after all others."""
    lowered = [_lower_props(raw.properties) for raw in raws]

    def distinct(key: str) -> bool:
        values = {str(p[key]) for p in lowered if p.get(key) not in (None, "")}
        return len(values) > 1 or len(raws) == 1

    first = [key for key in NAME_KEYS if distinct(key)]
    return (*first, *(key for key in NAME_KEYS if key not in first))


def feature_name(props: dict[str, Any], number: int, keys: tuple[str, ...] = NAME_KEYS) -> str:
    """The feature's name from its properties, else its number."""
    lowered = _lower_props(props)
    name = next((str(lowered[k]) for k in keys if lowered.get(k) not in (None, "")), "")
    return name[:300] or f"#{number}"


def kept_properties(raw: RawFeature, where: str) -> dict[str, Any]:
    """All properties of the feature as JSON values, with a point's height as ``z`` (unless
    the file has a ``z`` already); GeoError naming the property when one cannot be kept."""
    props = dict(raw.properties)
    height = point_height(raw)
    if height is not None and "z" not in props:
        props["z"] = height
    if len(props) > MAX_PROPERTIES:
        raise GeoError(
            f"{where}: {len(props)} Eigenschaften, höchstens {MAX_PROPERTIES} werden "
            "übernommen. Bitte überzählige Spalten vor dem Import entfernen."
        )
    kept: dict[str, Any] = {}
    for key, value in props.items():
        name = str(key)
        if len(name) > MAX_KEY_CHARS:
            raise GeoError(
                f"{where}: Der Name der Eigenschaft „{name[:40]}…“ ist länger als "
                f"{MAX_KEY_CHARS} Zeichen. Bitte die Spalte umbenennen."
            )
        kept[name] = _json_value(value, where, name)
    return kept


def _json_value(value: Any, where: str, name: str) -> Any:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, str):
        size = len(value)
    else:
        try:
            size = len(json.dumps(value, ensure_ascii=False, allow_nan=False))
        except (TypeError, ValueError) as exc:
            raise GeoError(
                f"{where}: Eigenschaft „{name[:60]}“ lässt sich nicht als JSON speichern "
                "(Binärdaten, NaN oder unendlich). Bitte die Spalte entfernen."
            ) from exc
    if size > MAX_VALUE_CHARS:
        raise GeoError(
            f"{where}: Eigenschaft „{name[:60]}“ hat {_thousands(size)} Zeichen, höchstens "
            f"{_thousands(MAX_VALUE_CHARS)} werden übernommen. Bitte kürzen oder die Spalte "
            "entfernen."
        )
    return value


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def prepare(raws: list[RawFeature], kind: str, crs: str, label: str) -> list[Feature]:
    """Every feature or the first problem as GeoError (nothing is stored on an error)."""
    keys = name_keys(raws)
    prepared = []
    for number, raw in enumerate(raws, start=1):
        where = f"{label} {number}"
        geometry, bbox = geometry_wgs84(raw, crs, kind, where)
        networks, available = offers(kind, raw.properties)
        value, unit = measured_value(raw.properties)
        prepared.append(
            Feature(
                feature_name(raw.properties, number, keys),
                geometry,
                bbox,
                networks,
                available,
                value,
                unit,
                kept_properties(raw, where),
            )
        )
    return prepared
