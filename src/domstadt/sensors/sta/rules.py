"""Integrity rules every SensorThings write checks, on create and on update: GeoJSON that the
geo $filter functions can evaluate, an Observation in exactly one (Multi)Datastream, and a
MultiDatastream whose observationType, units, data types, ObservedProperties and results agree.
"""

from __future__ import annotations

from typing import Any

from shapely.errors import ShapelyError
from shapely.geometry import shape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domstadt.core.errors import Invalid
from domstadt.sensors import models as m
from domstadt.sensors.odata.geo import bbox_of
from domstadt.sensors.sta.entities import EntityType

GEOJSON_ENCODINGS = frozenset({"application/geo+json", "application/vnd.geo+json"})
_SINGLE_GEOMETRIES = ("Point", "LineString", "Polygon")
GEOMETRY_TYPES = (
    *_SINGLE_GEOMETRIES,
    *(f"Multi{kind}" for kind in _SINGLE_GEOMETRIES),
    "GeometryCollection",
)
"""The geometry types of GeoJSON (RFC 7946 §1.4; case-sensitive)."""
GEOMETRY_PROPS = {"Location": "location", "FeatureOfInterest": "feature"}
"""The GeoJSON property of each entity that has one."""


def check_geometry(entity: EntityType, row: Any) -> None:
    """A Location's ``location`` or a FeatureOfInterest's ``feature`` with a GeoJSON
    encodingType must be a GeoJSON geometry or Feature the geo $filter functions can evaluate
    (``odata/geo.py: from_geojson``); anything else would silently drop out of them."""
    name = GEOMETRY_PROPS.get(entity.singular)
    if name is None or str(row.encoding_type or "").strip().lower() not in GEOJSON_ENCODINGS:
        return
    problem = geojson_problem(getattr(row, name))
    if problem is not None:
        field = f"{entity.singular}.{name}"
        raise Invalid(f"{field}: {problem} (encodingType {row.encoding_type}).", field=name)


def geojson_problem(value: Any) -> str | None:
    """What makes ``value`` no usable GeoJSON geometry or Feature (RFC 7946), or None."""
    geometry = value
    if isinstance(value, dict) and value.get("type") == "Feature":
        geometry = value.get("geometry")
        if not isinstance(geometry, dict):
            return "das GeoJSON-Feature hat keine Geometrie (geometry)"
    if not isinstance(geometry, dict):
        return "eine GeoJSON-Geometrie oder ein GeoJSON-Feature (JSON-Objekt) erwartet"
    kind = geometry.get("type")
    if kind not in GEOMETRY_TYPES:
        allowed = ", ".join((*GEOMETRY_TYPES, "Feature"))
        return f"unbekannter GeoJSON-Typ {kind!r} (erlaubt: {allowed})"
    try:
        geom = shape(geometry)
    except (ShapelyError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        member = "geometries" if kind == "GeometryCollection" else "coordinates"
        return f"{member} fehlt oder passt nicht zum GeoJSON-Typ {kind}"
    if geom.is_empty:
        return "die Geometrie ist leer"
    if bbox_of(value) is None:
        return "die Koordinaten sind keine endlichen Zahlen"
    return None


def check_stream_links(row: m.Observation) -> None:
    """An Observation belongs to exactly one Datastream or MultiDatastream."""
    if row.datastream_id is not None and row.multi_datastream_id is not None:
        raise Invalid(
            "Observation: Datastream und MultiDatastream sind beide angegeben; "
            "eine Observation gehört zu genau einem von beiden.",
            field="MultiDatastream",
        )
    if row.datastream_id is None and row.multi_datastream_id is None:
        raise Invalid(
            "Observation: die Verknüpfung Datastream fehlt "
            '(z. B. "Datastream": {"@iot.id": 1}; oder genau ein MultiDatastream).',
            field="Datastream",
        )


COMPLEX_OBSERVATION = "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_ComplexObservation"
"""The one observationType of a MultiDatastream (OGC 18-088, MultiDatastream properties)."""


def check_multi_datastream(session: Session, row: m.MultiDatastream) -> None:
    """observationType is OM_ComplexObservation; unitOfMeasurements,
    multiObservationDataTypes and ObservedProperties must agree."""
    if row.observation_type != COMPLEX_OBSERVATION:
        raise Invalid(
            f"MultiDatastream.observationType muss {COMPLEX_OBSERVATION} sein, "
            f"nicht {row.observation_type!r}.",
            field="observationType",
        )
    types, units = row.multi_observation_data_types, row.unit_of_measurements
    for field, value in (("multiObservationDataTypes", types), ("unitOfMeasurements", units)):
        if not isinstance(value, list) or not value:
            raise Invalid(f"MultiDatastream.{field}: eine nicht leere Liste erwartet.", field=field)
    link = m.multi_datastream_observed_property.c
    count = session.scalar(select(func.count()).where(link.multi_datastream_id == row.id))
    if not len(types) == len(units) == count:
        raise Invalid(
            f"MultiDatastream: {len(types)} multiObservationDataTypes, {len(units)} "
            f"unitOfMeasurements und {count} ObservedProperties — die Anzahlen müssen gleich sein.",
            field="ObservedProperties",
        )


def check_multi_result(session: Session, multi_datastream_id: int, result: Any) -> None:
    """The result of a MultiDatastream observation is an array with one value per property."""
    multi = session.get(m.MultiDatastream, multi_datastream_id)
    assert multi is not None  # the link was resolved before
    size = len(multi.unit_of_measurements or [])
    if not isinstance(result, list) or len(result) != size:
        raise Invalid(
            f"Observation.result: für MultiDatastream {multi_datastream_id} eine Liste mit "
            f"{size} Werten erwartet (einer je ObservedProperty).",
            field="result",
        )
