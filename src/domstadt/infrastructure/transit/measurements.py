"""Connectivity measurements from a CSV file or a SensorThings observation, checked field by
field. A measurement needs a time and a position; everything else is optional.

CSV (UTF-8, ``,`` or ``;``; German header spellings accepted): ``time, lat, lon, accuracy_m,
operator, network_type, signal_dbm, down_mbit, up_mbit, latency_ms, no_connection``.
SensorThings: the observation's ``result`` is a JSON object with the same keys (position in
``result``, in ``parameters`` or as the FeatureOfInterest's GeoJSON Point)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass
from typing import Any

MAX_ROWS = 1_000_000
MAX_PROBLEMS = 50
NETWORKS = {
    "": "",
    "2G": "2G",
    "GSM": "2G",
    "EDGE": "2G",
    "3G": "3G",
    "UMTS": "3G",
    "HSPA": "3G",
    "4G": "4G",
    "LTE": "4G",
    "5G": "5G",
    "NR": "5G",
    "5G-NSA": "5G",
    "5G-SA": "5G",
    "WLAN": "WLAN",
    "WIFI": "WLAN",
    "NONE": "",
}
ALIASES = {
    "zeit": "time",
    "zeitpunkt": "time",
    "timestamp": "time",
    "latitude": "lat",
    "breite": "lat",
    "longitude": "lon",
    "laenge": "lon",
    "länge": "lon",
    "lng": "lon",
    "genauigkeit_m": "accuracy_m",
    "accuracy": "accuracy_m",
    "netzbetreiber": "operator",
    "betreiber": "operator",
    "netz": "network_type",
    "netztyp": "network_type",
    "signal": "signal_dbm",
    "download_mbit": "down_mbit",
    "upload_mbit": "up_mbit",
    "latenz_ms": "latency_ms",
    "kein_netz": "no_connection",
    "keine_verbindung": "no_connection",
}
TRUE = {"1", "true", "ja", "yes", "wahr", "x"}
FALSE = {"", "0", "false", "nein", "no", "falsch"}


@dataclass
class MeasurementData:
    """One valid measurement (WGS84, UTC)."""

    ref: str
    origin: str
    measured_at: dt.datetime
    lat: float
    lon: float
    accuracy_m: float | None = None
    operator: str = ""
    network_type: str = ""
    signal_dbm: float | None = None
    down_mbit: float | None = None
    up_mbit: float | None = None
    latency_ms: float | None = None
    no_connection: bool = False

    @property
    def month(self) -> str:
        """``YYYY-MM`` of the measurement time."""
        return self.measured_at.strftime("%Y-%m")


class Refused(ValueError):
    """A measurement that cannot be taken: ``field`` and a German reason."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _number(values: dict[str, Any], key: str, low: float, high: float) -> float | None:
    raw = values.get(key)
    if raw is None or raw == "":
        return None
    try:
        number = float(str(raw).replace(",", ".")) if not isinstance(raw, int | float) else raw
    except ValueError as exc:
        raise Refused(key, f"keine Zahl: {str(raw)[:40]!r}") from exc
    if isinstance(number, bool) or not math.isfinite(number) or not low <= number <= high:
        raise Refused(key, f"außerhalb {low:g} … {high:g}: {number}")
    return float(number)


def _time(raw: Any) -> dt.datetime:
    if raw is None or raw == "":
        raise Refused("time", "Zeitpunkt fehlt")
    try:
        value = dt.datetime.fromisoformat(str(raw).strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise Refused("time", f"kein ISO-8601-Zeitpunkt: {str(raw)[:40]!r}") from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def _flag(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = "" if raw is None else str(raw).strip().lower()
    if text in TRUE or text in FALSE:
        return text in TRUE
    raise Refused("no_connection", f"weder ja noch nein: {text[:20]!r}")


def build(values: dict[str, Any], *, ref: str, origin: str) -> MeasurementData:
    """A measurement from a flat mapping of our field names; raises Refused."""
    lat = _number(values, "lat", -90, 90)
    lon = _number(values, "lon", -180, 180)
    if lat is None or lon is None:
        raise Refused("lat", "Position fehlt (lat und lon nötig)")
    network = str(values.get("network_type") or "").strip().upper()
    if network not in NETWORKS:
        raise Refused(
            "network_type", f"unbekannter Netztyp {network[:20]!r} (2G, 3G, 4G, 5G, WLAN)"
        )
    no_connection = _flag(values.get("no_connection"))
    return MeasurementData(
        ref=ref,
        origin=origin,
        measured_at=_time(values.get("time")),
        lat=lat,
        lon=lon,
        accuracy_m=_number(values, "accuracy_m", 0, 100_000),
        operator=str(values.get("operator") or "").strip()[:100],
        network_type=NETWORKS[network],
        signal_dbm=_number(values, "signal_dbm", -200, 0),
        down_mbit=0.0 if no_connection else _number(values, "down_mbit", 0, 100_000),
        up_mbit=0.0 if no_connection else _number(values, "up_mbit", 0, 100_000),
        latency_ms=None if no_connection else _number(values, "latency_ms", 0, 600_000),
        no_connection=no_connection,
    )


def _header(name: str) -> str:
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    return ALIASES.get(key, key)


def read_csv(content: bytes, filename: str) -> tuple[list[MeasurementData], list[dict[str, Any]]]:
    """Every row as a measurement, and the problems (line, field, reason) of refused rows."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Refused("file", "Die Datei ist nicht UTF-8-kodiert.") from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [_header(h) for h in next(reader, [])]
    if "lat" not in header or "lon" not in header or "time" not in header:
        raise Refused("file", "Spalten time, lat und lon sind nötig (Kopfzeile fehlt oder falsch).")
    out: list[MeasurementData] = []
    problems: list[dict[str, Any]] = []
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(out) >= MAX_ROWS:
            raise Refused("file", f"Mehr als {MAX_ROWS} Zeilen: bitte die Datei teilen.")
        try:
            values = dict(zip(header, cells, strict=False))
            out.append(build(values, ref=f"csv:{filename}:{line}", origin="csv"))
        except Refused as exc:
            if len(problems) < MAX_PROBLEMS:
                problems.append({"line": line, "field": exc.field, "message": str(exc)})
    return out, problems


def from_observation(
    obs_id: int, time: dt.datetime, result: Any, parameters: Any, feature: Any
) -> MeasurementData:
    """A measurement from a SensorThings observation (see the module docstring)."""
    if not isinstance(result, dict):
        raise Refused("result", "result ist kein JSON-Objekt")
    values: dict[str, Any] = {"time": time.isoformat(), **result}
    position = _position(parameters) or _position(result) or _point(feature)
    if position:
        values["lat"], values["lon"] = position
    return build(values, ref=f"sta:{obs_id}", origin="sta")


def _position(mapping: Any) -> tuple[Any, Any] | None:
    if (
        isinstance(mapping, dict)
        and mapping.get("lat") is not None
        and mapping.get("lon") is not None
    ):
        return mapping["lat"], mapping["lon"]
    return None


def _point(feature: Any) -> tuple[Any, Any] | None:
    geometry = feature.get("geometry", feature) if isinstance(feature, dict) else None
    if isinstance(geometry, dict) and geometry.get("type") == "Point":
        coords = geometry.get("coordinates")
        if isinstance(coords, list) and len(coords) >= 2:
            return coords[1], coords[0]
    return None
