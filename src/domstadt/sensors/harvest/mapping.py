"""Remote SensorThings JSON → the attributes of local rows, with the checks a mirror needs:
required fields and their types, usable GeoJSON, a result of the Datastream's observationType.
Every refusal is a German reason for the run report (``Refused``). Navigation links,
``@iot.selfLink`` and other annotations are ignored; ``content_hash`` says whether an entity
changed since the last run."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from domstadt.core.errors import Invalid
from domstadt.sensors.sta.rules import geojson_problem
from domstadt.sensors.sta.writer import parse_interval, parse_time, split_result

MAX_NAME = 400
GEO_TYPES = {"application/geo+json", "application/vnd.geo+json"}
OBS_PREFIX = "http://www.opengis.net/def/observationType/OGC-OM/2.0/"


class Refused(Exception):
    """A remote entity that cannot be mirrored; the message says why."""


def remote_id(data: dict[str, Any]) -> str:
    """The remote ``@iot.id`` as text (ints and strings both occur)."""
    key = data.get("@iot.id")
    if isinstance(key, bool) or not isinstance(key, int | str) or key == "":
        raise Refused("@iot.id fehlt oder ist weder Zahl noch Text.")
    if len(str(key)) > 200:
        raise Refused("@iot.id ist länger als 200 Zeichen.")
    return str(key)


def content_hash(values: dict[str, Any]) -> str:
    """A stable hash of the mapped values."""
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _text(data: dict[str, Any], name: str, *, required: bool = True) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise Refused(f"{name} fehlt oder ist kein Text.")
    if name == "name" and len(value) > MAX_NAME:
        raise Refused(f"name ist länger als {MAX_NAME} Zeichen.")
    return value


def _object(data: dict[str, Any], name: str) -> Any:
    value = data.get(name)
    if value is not None and not isinstance(value, dict):
        raise Refused(f"{name} muss ein JSON-Objekt sein.")
    return value


def thing(data: dict[str, Any]) -> dict[str, Any]:
    """A Thing's attributes."""
    return {
        "name": _text(data, "name"),
        "description": _text(data, "description", required=False),
        "properties": _object(data, "properties"),
    }


def location(data: dict[str, Any]) -> dict[str, Any]:
    """A Location's attributes; GeoJSON must be a usable geometry."""
    encoding = _text(data, "encodingType")
    value = data.get("location")
    if value is None:
        raise Refused("location fehlt.")
    if encoding in GEO_TYPES and (problem := geojson_problem(value)):
        raise Refused(f"location: {problem}.")
    return {
        "name": _text(data, "name"),
        "description": _text(data, "description", required=False),
        "encoding_type": encoding,
        "location": value,
        "properties": _object(data, "properties"),
    }


def sensor(data: dict[str, Any]) -> dict[str, Any]:
    """A Sensor's attributes."""
    return {
        "name": _text(data, "name"),
        "description": _text(data, "description", required=False),
        "encoding_type": _text(data, "encodingType"),
        "metadata_": data.get("metadata"),
        "properties": _object(data, "properties"),
    }


def observed_property(data: dict[str, Any]) -> dict[str, Any]:
    """An ObservedProperty's attributes."""
    return {
        "name": _text(data, "name"),
        "definition": _text(data, "definition", required=False)[:1000],
        "description": _text(data, "description", required=False),
        "properties": _object(data, "properties"),
    }


def observation_type(value: str) -> str:
    """The full O&M URI; FROST instances in the wild also send the bare name."""
    return value if "/" in value else OBS_PREFIX + value


def datastream(data: dict[str, Any]) -> dict[str, Any]:
    """A Datastream's own attributes (its Thing, Sensor, ObservedProperty are mapped apart)."""
    unit = data.get("unitOfMeasurement")
    if not isinstance(unit, dict):
        raise Refused("unitOfMeasurement fehlt oder ist kein JSON-Objekt.")
    return {
        "name": _text(data, "name"),
        "description": _text(data, "description", required=False),
        "observation_type": observation_type(_text(data, "observationType")),
        "unit_of_measurement": unit,
        "observed_area": _object(data, "observedArea"),
        "properties": _object(data, "properties"),
    }


@dataclass
class MappedObservation:
    """An Observation's values, ready to insert (without stream and feature)."""

    remote_id: str
    values: dict[str, Any]


def _result(kind: str, value: Any) -> Any:
    """``value`` if it fits the observationType; numbers sent as text are accepted as numbers
    for measurements and counts (older servers send them so)."""
    name = kind.rsplit("/", 1)[-1]
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if name in ("OM_Measurement", "OM_CountObservation") and isinstance(value, str):
        try:
            value = float(value) if name == "OM_Measurement" else int(value)
            numeric = True
        except ValueError:
            pass
    if name == "OM_Measurement" and not numeric:
        raise Refused(
            f"result {value!r} ist keine Zahl, der Datastream misst aber (OM_Measurement)."
        )
    if name == "OM_CountObservation" and not (numeric and float(value).is_integer()):
        raise Refused(f"result {value!r} ist keine ganze Zahl (OM_CountObservation).")
    if name == "OM_TruthObservation" and not isinstance(value, bool):
        raise Refused(f"result {value!r} ist kein Wahrheitswert (OM_TruthObservation).")
    if name == "OM_CategoryObservation" and not isinstance(value, str):
        raise Refused(f"result {value!r} ist kein Text (OM_CategoryObservation).")
    return value


def _time(data: dict[str, Any], name: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    try:
        return parse_interval(data.get(name), name)
    except Invalid as exc:
        raise Refused(exc.message) from None


def observation(data: dict[str, Any], kind: str) -> MappedObservation:
    """An Observation of a Datastream of ``kind`` (its observationType)."""
    key = remote_id(data)
    if "result" not in data or data["result"] is None:
        raise Refused("result fehlt.")
    start, end = _time(data, "phenomenonTime")
    if start is None:
        raise Refused("phenomenonTime fehlt.")
    result_time = data.get("resultTime")
    try:
        moment = None if result_time is None else parse_time(result_time, "resultTime")
    except Invalid as exc:
        raise Refused(exc.message) from None
    valid_start, valid_end = _time(data, "validTime")
    number, other = split_result(_result(kind, data["result"]))
    parameters = _object(data, "parameters")
    return MappedObservation(
        key,
        {
            "phenomenon_time_start": start,
            "phenomenon_time_end": end,
            "result_time": moment,
            "result_number": number,
            "result_json": other,
            "result_quality": data.get("resultQuality"),
            "valid_time_start": valid_start,
            "valid_time_end": valid_end,
            "parameters": parameters,
        },
    )


def observation_start(data: dict[str, Any]) -> dt.datetime | None:
    """The start of an Observation's phenomenonTime (to pass a refused one by)."""
    return _time(data, "phenomenonTime")[0]
