"""The SensorThings entity types: names, properties and navigation, mapped onto the models.

One registry drives the path parser, the $filter compiler, serialisation and writes, so a
property or relation is declared exactly once.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Table
from sqlalchemy import inspect as sa_inspect

from domstadt.core import ids
from domstadt.core.db import Base
from domstadt.sensors import models as m

PropKind = Literal["text", "json", "time", "interval", "result", "required_json"]
NavKind = Literal["one", "many", "m2m"]


@dataclass(frozen=True)
class Prop:
    """One property: its SensorThings name, the model attribute(s) and how it is encoded."""

    name: str
    attr: str
    kind: PropKind = "text"
    end_attr: str = ""
    required: bool = False


@dataclass(frozen=True)
class Nav:
    """A navigation property. ``one``: foreign key ``attr`` on this entity; ``many``: foreign
    key ``attr`` on the target; ``m2m``: link ``table`` with this side's and the target's
    columns ``attr`` and ``target_attr``."""

    name: str
    target: str
    kind: NavKind
    attr: str
    table: Table | None = None
    target_attr: str = ""
    required: bool = False


@dataclass(frozen=True)
class EntityType:
    """An entity set (``Things``) with its singular name, model, properties and navigation."""

    set_name: str
    singular: str
    model: type[Base]
    props: dict[str, Prop]
    navs: dict[str, Nav] = field(default_factory=dict)


def _props(*items: Prop) -> dict[str, Prop]:
    return {p.name: p for p in items}


def _navs(*items: Nav) -> dict[str, Nav]:
    return {n.name: n for n in items}


NAME = Prop("name", "name", required=True)
DESCRIPTION = Prop("description", "description", required=True)
PROPERTIES = Prop("properties", "properties", "json")
ENCODING = Prop("encodingType", "encoding_type", required=True)
TL = m.thing_location
HLL = m.historical_location_location
MDOP = m.multi_datastream_observed_property

ENTITY_TYPES: dict[str, EntityType] = {
    e.set_name: e
    for e in (
        EntityType(
            "Things",
            "Thing",
            m.Thing,
            _props(NAME, DESCRIPTION, PROPERTIES),
            _navs(
                Nav("Locations", "Locations", "m2m", "thing_id", TL, "location_id"),
                Nav("HistoricalLocations", "HistoricalLocations", "many", "thing_id"),
                Nav("Datastreams", "Datastreams", "many", "thing_id"),
                Nav("MultiDatastreams", "MultiDatastreams", "many", "thing_id"),
            ),
        ),
        EntityType(
            "Locations",
            "Location",
            m.Location,
            _props(
                NAME,
                DESCRIPTION,
                ENCODING,
                Prop("location", "location", "required_json"),
                PROPERTIES,
            ),
            _navs(
                Nav("Things", "Things", "m2m", "location_id", TL, "thing_id"),
                Nav(
                    "HistoricalLocations",
                    "HistoricalLocations",
                    "m2m",
                    "location_id",
                    HLL,
                    "historical_location_id",
                ),
            ),
        ),
        EntityType(
            "HistoricalLocations",
            "HistoricalLocation",
            m.HistoricalLocation,
            _props(Prop("time", "time", "time", required=True)),
            _navs(
                Nav("Thing", "Things", "one", "thing_id", required=True),
                Nav("Locations", "Locations", "m2m", "historical_location_id", HLL, "location_id"),
            ),
        ),
        EntityType(
            "Sensors",
            "Sensor",
            m.Sensor,
            _props(
                NAME,
                DESCRIPTION,
                ENCODING,
                Prop("metadata", "metadata_", "required_json"),
                PROPERTIES,
            ),
            _navs(
                Nav("Datastreams", "Datastreams", "many", "sensor_id"),
                Nav("MultiDatastreams", "MultiDatastreams", "many", "sensor_id"),
            ),
        ),
        EntityType(
            "ObservedProperties",
            "ObservedProperty",
            m.ObservedProperty,
            _props(NAME, Prop("definition", "definition", required=True), DESCRIPTION, PROPERTIES),
            _navs(
                Nav("Datastreams", "Datastreams", "many", "observed_property_id"),
                Nav(
                    "MultiDatastreams",
                    "MultiDatastreams",
                    "m2m",
                    "observed_property_id",
                    MDOP,
                    "multi_datastream_id",
                ),
            ),
        ),
        EntityType(
            "Datastreams",
            "Datastream",
            m.Datastream,
            _props(
                NAME,
                DESCRIPTION,
                Prop("observationType", "observation_type", required=True),
                Prop("unitOfMeasurement", "unit_of_measurement", "required_json"),
                Prop("observedArea", "observed_area", "json"),
                Prop("phenomenonTime", "phenomenon_time_start", "interval", "phenomenon_time_end"),
                Prop("resultTime", "result_time_start", "interval", "result_time_end"),
                PROPERTIES,
            ),
            _navs(
                Nav("Thing", "Things", "one", "thing_id", required=True),
                Nav("Sensor", "Sensors", "one", "sensor_id", required=True),
                Nav(
                    "ObservedProperty",
                    "ObservedProperties",
                    "one",
                    "observed_property_id",
                    required=True,
                ),
                Nav("Observations", "Observations", "many", "datastream_id"),
            ),
        ),
        EntityType(
            "MultiDatastreams",
            "MultiDatastream",
            m.MultiDatastream,
            _props(
                NAME,
                DESCRIPTION,
                Prop("observationType", "observation_type", required=True),
                Prop(
                    "multiObservationDataTypes",
                    "multi_observation_data_types",
                    "required_json",
                    required=True,
                ),
                Prop("unitOfMeasurements", "unit_of_measurements", "required_json", required=True),
                Prop("observedArea", "observed_area", "json"),
                Prop("phenomenonTime", "phenomenon_time_start", "interval", "phenomenon_time_end"),
                Prop("resultTime", "result_time_start", "interval", "result_time_end"),
                PROPERTIES,
            ),
            _navs(
                Nav("Thing", "Things", "one", "thing_id", required=True),
                Nav("Sensor", "Sensors", "one", "sensor_id", required=True),
                Nav(
                    "ObservedProperties",
                    "ObservedProperties",
                    "m2m",
                    "multi_datastream_id",
                    MDOP,
                    "observed_property_id",
                ),
                Nav("Observations", "Observations", "many", "multi_datastream_id"),
            ),
        ),
        EntityType(
            "Observations",
            "Observation",
            m.Observation,
            _props(
                Prop("phenomenonTime", "phenomenon_time_start", "interval", "phenomenon_time_end"),
                Prop("resultTime", "result_time", "time"),
                Prop("result", "result_number", "result", required=True),
                Prop("resultQuality", "result_quality", "json"),
                Prop("validTime", "valid_time_start", "interval", "valid_time_end"),
                Prop("parameters", "parameters", "json"),
            ),
            _navs(
                # one of Datastream and MultiDatastream is required (checked by the writer)
                Nav("Datastream", "Datastreams", "one", "datastream_id"),
                Nav("MultiDatastream", "MultiDatastreams", "one", "multi_datastream_id"),
                Nav("FeatureOfInterest", "FeaturesOfInterest", "one", "feature_of_interest_id"),
            ),
        ),
        EntityType(
            "FeaturesOfInterest",
            "FeatureOfInterest",
            m.FeatureOfInterest,
            _props(
                NAME,
                DESCRIPTION,
                ENCODING,
                Prop("feature", "feature", "required_json"),
                PROPERTIES,
            ),
            _navs(Nav("Observations", "Observations", "many", "feature_of_interest_id")),
        ),
    )
}

SINGULAR: dict[str, EntityType] = {e.singular: e for e in ENTITY_TYPES.values()}


def iso(value: dt.datetime | None) -> str | None:
    """ISO 8601 in UTC with a trailing Z, as SensorThings clients expect."""
    if value is None:
        return None
    text = value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return text


def interval(start: dt.datetime | None, end: dt.datetime | None) -> str | None:
    """A time or an interval ``start/end``."""
    if start is None:
        return None
    if end is None or end == start:
        return iso(start)
    return f"{iso(start)}/{iso(end)}"


FLOAT_EXACT = 2**53
"""Below this, every integer has a float of its own; a result stored as a float that is a
whole number below it reads back as an integer (``writer.split_result`` stores integers from
it on as JSON)."""


def result_value(row: Any) -> Any:
    """An observation's result: the number when numeric, else the stored JSON."""
    number = row.result_number
    if number is None:
        return row.result_json
    return int(number) if float(number).is_integer() and abs(number) < FLOAT_EXACT else number


ID_NAMES = frozenset({"id", "@iot.id"})
"""The names that address an entity's id (in paths, $select, $filter, bodies)."""


def prop_value(row: Any, prop: Prop) -> Any:
    """The JSON value of ``prop`` on ``row`` (a model object or a result row)."""
    return prop_getter(prop)(row)


@functools.cache
def prop_getter(prop: Prop) -> Callable[[Any], Any]:
    """A function returning the JSON value of ``prop`` from a row, built once per property."""
    if prop.kind == "result":
        return result_value
    get = operator.attrgetter(prop.attr)
    if prop.kind == "interval":
        end = operator.attrgetter(prop.end_attr)
        return lambda row: interval(get(row), end(row))
    if prop.kind == "time":
        return lambda row: iso(get(row))
    return get


NULL_WRITTEN: dict[str, frozenset[str]] = {
    "Observations": frozenset({"result", "resultTime", "resultQuality", "validTime", "parameters"}),
    "Datastreams": frozenset({"resultTime"}),
    "MultiDatastreams": frozenset({"resultTime"}),
}
"""Optional properties written as ``null`` when they have no value. FROST-Server leaves every
other null property out (clients rely on it: frost-sta-client refuses ``"properties": null``
on a Sensor) and writes only ``result`` and ``resultTime`` as null. The Observation's other
optional properties stay null here because the single-POST answer and the MQTT notifications
(``bulk.observation_json``) carry them so."""


def omitted_when_null(entity: EntityType, name: str) -> bool:
    """True when property ``name`` of ``entity`` is left out of the JSON while it is null."""
    if name in NULL_WRITTEN.get(entity.set_name, frozenset()):
        return False
    column: Any = getattr(entity.model, entity.props[name].attr)
    return bool(column.expression.nullable)


@functools.cache
def row_columns(entity_name: str) -> tuple[Any, ...]:
    """The mapped columns of an entity set, selected as plain rows named like the model's
    attributes (reads build no model objects: about half the time of a 1,000-row page)."""
    model: Any = ENTITY_TYPES[entity_name].model
    return tuple(getattr(model, attr.key) for attr in sa_inspect(model).column_attrs)


def storable_id(key: int) -> bool:
    """Whether ``key`` can be the id of a stored entity: ids are 64 bits on both databases
    (:data:`domstadt.core.ids.ID_RANGE`). A larger id names no entity, so it is answered like
    an unknown one (404, or the row or link refused), never sent to the database."""
    return ids.storable_id(key)
