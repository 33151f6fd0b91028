"""From raw file features to stored ones: reprojection to WGS84, the Germany check for every
coordinate, bounding box, a name, the networks a feature offers and its value (Mbit/s, dBm)."""

from __future__ import annotations

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


def geometry_wgs84(
    raw: RawFeature, crs: str, kind: str, where: str
) -> tuple[dict[str, Any], tuple[float, float, float, float]]:
    """The geometry in WGS84 with its bbox; GeoError for a wrong type or a point outside."""
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


def feature_name(props: dict[str, Any], number: int) -> str:
    """The feature's name from its properties, else its number."""
    lowered = _lower_props(props)
    name = next((str(lowered[k]) for k in NAME_KEYS if lowered.get(k) not in (None, "")), "")
    return name[:300] or f"#{number}"


def prepare(raws: list[RawFeature], kind: str, crs: str, label: str) -> list[Feature]:
    """Every feature or the first problem as GeoError (nothing is stored on an error)."""
    prepared = []
    for number, raw in enumerate(raws, start=1):
        where = f"{label} {number}"
        geometry, bbox = geometry_wgs84(raw, crs, kind, where)
        networks, available = offers(kind, raw.properties)
        value, unit = measured_value(raw.properties)
        props = {str(k)[:100]: _plain(v) for k, v in list(raw.properties.items())[:30]}
        prepared.append(
            Feature(
                feature_name(raw.properties, number),
                geometry,
                bbox,
                networks,
                available,
                value,
                unit,
                props,
            )
        )
    return prepared


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)[:500]
