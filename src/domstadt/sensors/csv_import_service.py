"""Import other time series from CSV with a column mapping (JSON) as SensorThings entities.

The mapping names the time column and its format, the Thing (with a GeoJSON location, from
which the FeatureOfInterest is made), optionally the Sensor, and one Datastream per value
column with its unit and observed property; ``missing`` lists markers of absent values
(``-999``). Every row is checked before anything is written; errors name row and column.
Re-importing is idempotent: Thing, Datastreams, Sensor and ObservedProperties are found by
name, and observations whose time a Datastream already has are skipped. Example:
``data/koeln_bonn_dwd_02667_mapping.json`` for the DWD daily weather of Köln/Bonn.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, public, requires
from domstadt.core.errors import Invalid
from domstadt.core.table_reader import csv_problem
from domstadt.sensors import models as m
from domstadt.sensors.import_service import CHUNK, MEASUREMENT
from domstadt.sensors.sta import duplicates
from domstadt.sensors.sta.entities import ENTITY_TYPES
from domstadt.sensors.sta.timespans import widen_datastream_times
from domstadt.sensors.sta.writer import DeepInsert, feature_for_datastream

MAX_ERRORS = 20


class TimeSpec(BaseModel):
    """The time column: ``format`` is ``iso`` or a strptime pattern such as ``%Y%m%d``."""

    column: str
    format: str = "iso"
    timezone: str = "UTC"
    duration_seconds: int | None = Field(default=None, ge=1)


class ThingSpec(BaseModel):
    """The Thing the series belong to; ``location`` is a GeoJSON geometry (WGS84)."""

    name: str = Field(min_length=1)
    description: str = ""
    properties: dict[str, Any] | None = None
    location: dict[str, Any]


class SensorSpec(BaseModel):
    """The instrument (default: one named after the Thing)."""

    name: str = Field(min_length=1)
    description: str = ""
    metadata: str = ""


class UnitSpec(BaseModel):
    """unitOfMeasurement."""

    name: str
    symbol: str = ""
    definition: str = ""


class PropertySpec(BaseModel):
    """The ObservedProperty."""

    name: str = Field(min_length=1)
    definition: str = ""
    description: str = ""


class StreamSpec(BaseModel):
    """One value column → one Datastream."""

    column: str
    name: str = Field(min_length=1)
    description: str = ""
    unit: UnitSpec
    observed_property: PropertySpec


class Mapping(BaseModel):
    """How a CSV file becomes Things, Datastreams and Observations."""

    delimiter: str = Field(default=",", min_length=1, max_length=1)
    missing: list[str] = Field(default_factory=list)
    attribution: str = ""
    time: TimeSpec
    thing: ThingSpec
    sensor: SensorSpec | None = None
    datastreams: list[StreamSpec] = Field(min_length=1)


class CsvImportReport(BaseModel):
    """What an import added or skipped."""

    thing_id: int
    datastreams_created: int
    observations: int
    skipped_existing: int
    missing_values: int
    repeated_rows: int
    rows: int


@public("parses the caller's own mapping; reads no stored data")
def parse_mapping(raw: str | dict[str, Any]) -> Mapping:
    """The mapping from JSON text or a dict; errors name the field."""
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
        return Mapping.model_validate(data)
    except json.JSONDecodeError as exc:
        raise Invalid(
            f"Mapping ist kein gültiges JSON (Zeile {exc.lineno}, Spalte {exc.colno}).",
            field="mapping",
        ) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "mapping"
        raise Invalid(f"Mapping, Feld „{where}“: {first['msg']}.", field=where) from None


Rows = list[tuple[int, dt.datetime, dict[str, float]]]


def _time_parser(spec: TimeSpec) -> Any:
    try:
        zone = ZoneInfo(spec.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"Unbekannte Zeitzone „{spec.timezone}“.", field="time.timezone") from None

    def parse(text: str) -> dt.datetime:
        if spec.format == "iso":
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        else:
            moment = dt.datetime.strptime(text, spec.format)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return moment.astimezone(dt.UTC)

    return parse


class ParsedCsv(BaseModel):
    """The checked rows of a CSV file: (file line, time, values by column)."""

    rows: list[tuple[int, dt.datetime, dict[str, float]]]
    missing: int = 0
    repeated: int = 0


@public("parses the caller's own file; reads no stored data")
def read_rows(path: Path, mapping: Mapping) -> ParsedCsv:
    """Every row's time and numeric values (missing markers dropped). A row repeating an
    earlier time with the same values is skipped (counted); with other values it is an error.

    Raises Invalid listing up to 20 problems, each with row (file line) and column.
    """
    parse_time = _time_parser(mapping.time)
    columns = [s.column for s in mapping.datastreams]
    markers = {x.strip() for x in mapping.missing} | {""}
    parsed = ParsedCsv(rows=[])
    errors: list[dict[str, Any]] = []
    seen: dict[dt.datetime, tuple[int, dict[str, float]]] = {}
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle, delimiter=mapping.delimiter)
            _check_header(reader.fieldnames or [], [mapping.time.column, *columns])
            for line, record in enumerate(reader, start=2):
                row_errors: list[dict[str, Any]] = []
                moment = _cell_time(record, mapping.time, parse_time, line, row_errors)
                values = _cell_values(record, columns, markers, line, row_errors)
                if moment is not None and not row_errors and moment in seen:
                    first_line, first_values = seen[moment]
                    if first_values == values:
                        parsed.repeated += 1
                        continue
                    problem = f"Zeitpunkt doppelt mit anderen Werten (wie Zeile {first_line})"
                    row_errors.append(_err(line, mapping.time.column, problem))
                errors.extend(row_errors)
                if moment is not None and not row_errors:
                    seen[moment] = (line, values)
                    parsed.rows.append((line, moment, values))
                    parsed.missing += len(columns) - len(values)
                if len(errors) >= MAX_ERRORS:
                    break
    except csv.Error as exc:
        line = reader.reader.line_num  # DictReader.line_num lags one row behind an error
        raise Invalid(csv_problem(exc, line), field="file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise Invalid(f"Die CSV-Datei ist nicht lesbar: {exc}", field="file") from None
    if errors:
        more = f" (und {len(errors) - 1} weitere Fehler)" if len(errors) > 1 else ""
        raise Invalid(errors[0]["message"] + more, field="file", details=errors)
    return parsed


def _cell_values(
    record: dict[str, Any],
    columns: list[str],
    markers: set[str],
    line: int,
    errors: list[dict[str, Any]],
) -> dict[str, float]:
    values: dict[str, float] = {}
    for column in columns:
        text = (record.get(column) or "").strip()
        if text in markers:
            continue
        try:
            values[column] = float(text.replace(",", "."))
        except ValueError:
            errors.append(_err(line, column, f"„{text}“ ist keine Zahl"))
    return values


def _check_header(header: Sequence[str], needed: list[str]) -> None:
    absent = [c for c in needed if c not in header]
    if absent:
        raise Invalid(
            f"Spalte „{absent[0]}“ fehlt in der CSV-Datei (vorhanden: {', '.join(header)}).",
            field="mapping",
        )


def _cell_time(
    record: dict[str, Any], spec: TimeSpec, parse: Any, line: int, errors: list[dict[str, Any]]
) -> dt.datetime | None:
    text = (record.get(spec.column) or "").strip()
    try:
        return parse(text)
    except ValueError:
        errors.append(_err(line, spec.column, f"„{text}“ passt nicht zum Zeitformat {spec.format}"))
        return None


def _err(line: int, column: str, problem: str) -> dict[str, Any]:
    return {"row": line, "column": column, "message": f"Zeile {line}, Spalte {column}: {problem}."}


def _get_or_create(session: Session, model: Any, name: str, **values: Any) -> Any:
    found = session.scalar(select(model).where(model.name == name).order_by(model.id).limit(1))
    if found is None:
        found = model(name=name, **values)
        session.add(found)
        session.flush()
    return found


def _thing(session: Session, mapping: Mapping) -> m.Thing:
    spec = mapping.thing
    thing = session.scalar(select(m.Thing).where(m.Thing.name == spec.name).limit(1))
    if thing is not None:
        return thing
    props = dict(spec.properties or {})
    if mapping.attribution:
        props.setdefault("source", mapping.attribution)
    thing = m.Thing(name=spec.name, description=spec.description, properties=props or None)
    location = m.Location(
        name=spec.name,
        description=f"Standort von {spec.name}",
        encoding_type="application/geo+json",
        location=spec.location,
    )
    session.add_all([thing, location])
    session.flush()
    nav = ENTITY_TYPES["Things"].navs["Locations"]
    DeepInsert(session).link_many(nav, thing.id, [location.id], replace=False)
    return thing


def _datastream(
    session: Session, mapping: Mapping, thing: m.Thing, sensor_id: int, spec: StreamSpec
) -> tuple[m.Datastream, bool]:
    found = session.scalar(
        select(m.Datastream).where(
            m.Datastream.thing_id == thing.id, m.Datastream.name == spec.name
        )
    )
    if found is not None:
        return found, False
    prop = _get_or_create(
        session,
        m.ObservedProperty,
        spec.observed_property.name,
        definition=spec.observed_property.definition,
        description=spec.observed_property.description,
    )
    props = {"column": spec.column}
    if mapping.attribution:
        props["source"] = mapping.attribution
    ds = m.Datastream(
        name=spec.name,
        description=spec.description or f"Spalte {spec.column}",
        observation_type=MEASUREMENT,
        unit_of_measurement=spec.unit.model_dump(),
        properties=props,
        thing_id=thing.id,
        sensor_id=sensor_id,
        observed_property_id=prop.id,
    )
    session.add(ds)
    session.flush()
    return ds, True


@requires(Permission.CONTENT_EDIT)
def import_csv(session: Session, *, actor: Actor, path: Path, mapping: Mapping) -> CsvImportReport:
    """Import ``path`` with ``mapping`` (see the module docstring); all or nothing."""
    parsed = read_rows(path, mapping)
    rows = parsed.rows
    thing = _thing(session, mapping)
    sensor_spec = mapping.sensor or SensorSpec(name=mapping.thing.name)
    sensor = _get_or_create(
        session,
        m.Sensor,
        sensor_spec.name,
        description=sensor_spec.description,
        encoding_type="text/plain",
        metadata_=sensor_spec.metadata or mapping.attribution,
    )
    report = CsvImportReport(
        thing_id=thing.id,
        datastreams_created=0,
        observations=0,
        skipped_existing=0,
        missing_values=parsed.missing,
        repeated_rows=parsed.repeated,
        rows=len(rows),
    )
    duration = (
        dt.timedelta(seconds=mapping.time.duration_seconds)
        if mapping.time.duration_seconds
        else None
    )
    for spec in mapping.datastreams:
        ds, created = _datastream(session, mapping, thing, sensor.id, spec)
        report.datastreams_created += int(created)
        added, skipped = _observations(session, ds.id, spec.column, rows, duration)
        report.observations += added
        report.skipped_existing += skipped
    audit.record(
        session,
        actor=actor,
        action="sensors.import_csv",
        entity_type="sta_Thing",
        entity_id=thing.id,
        after={"file": path.name, **report.model_dump()},
    )
    return report


def _observations(
    session: Session,
    ds_id: int,
    column: str,
    rows: Rows,
    duration: dt.timedelta | None,
) -> tuple[int, int]:
    o = m.Observation
    existing = set(session.scalars(select(o.phenomenon_time_start).where(o.datastream_id == ds_id)))
    todo = [(t, v[column]) for _, t, v in rows if column in v]
    new = [(t, value) for t, value in todo if t not in existing]
    if not new:
        return 0, len(todo)
    feature_id = feature_for_datastream(session, ds_id)
    refuse = duplicates.stream_refuses(session, "datastream_id", ds_id)
    records = [
        {
            "datastream_id": ds_id,
            "phenomenon_time_start": t,
            "phenomenon_time_end": t + duration if duration else None,
            "phenomenon_time_key": duplicates.time_key(
                refuse, t, t + duration if duration else None
            ),
            "result_number": value,
            "feature_of_interest_id": feature_id,
        }
        for t, value in new
    ]
    table: Any = o.__table__
    for start in range(0, len(records), CHUNK):
        session.execute(insert(table), records[start : start + CHUNK])
    widen_datastream_times(session, records)
    return len(new), len(todo) - len(new)
