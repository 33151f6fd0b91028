"""Import Cologne's real traffic-load series as SensorThings entities.

Each of the 108 street segments becomes a Thing with its Location, a FeatureOfInterest and a
Datastream "Verkehrsauslastung"; every CSV row (5-minute values, 2014-02-03 to 05) an
Observation. The GeoJSON lists five segments in two pieces (113 features, same IDENTIFIER,
different OBJECTID and lines): a segment is imported once, its Location the lines of all its
pieces. The load value 16 is not a load level but "no value": it never lies between the levels
0–2 of a series, it fills the gaps of 55 series and is the only value of 24 (the source,
KoelnAPI/data's README, documents the column only as "as the API delivers it"); such rows are
counted as missing, not stored as measurements. Re-running is idempotent: segments whose
Datastream exists keep their data. Data: Stadt Köln, CC-BY 3.0 (see data/SOURCES.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, requires
from domstadt.core.errors import Invalid
from domstadt.sensors import models as m
from domstadt.sensors.sta import duplicates
from domstadt.sensors.sta.entities import ENTITY_TYPES
from domstadt.sensors.sta.timespans import widen_datastream_times
from domstadt.sensors.sta.writer import DeepInsert, feature_for_datastream

Progress = Callable[[str, int, int], None]
ATTRIBUTION = "Verkehrsdaten: Stadt Köln, CC-BY 3.0"
CHUNK = 5000
MISSING_CODES = frozenset({16.0})
"""Load values that mean "no value" (see the module docstring)."""
MEASUREMENT = "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement"


class ImportReport(BaseModel):
    """What an import added; ``missing_values``: rows with a "no value" code, not stored;
    ``skipped_rows``: rows of segments the GeoJSON does not know."""

    things: int
    datastreams: int
    observations: int
    skipped_rows: int
    missing_values: int = 0


def _data_file(name: str) -> Path:
    """A data file shipped inside the package."""
    return Path(str(resources.files("domstadt.sensors") / "data" / name))


def _shared(session: Session) -> tuple[int, int]:
    sensor = session.scalar(select(m.Sensor).where(m.Sensor.name == "Verkehrsdetektor Köln"))
    if sensor is None:
        sensor = m.Sensor(
            name="Verkehrsdetektor Köln",
            description="Verkehrserfassung der Stadt Köln (Auslastung je Straßenabschnitt)",
            encoding_type="text/plain",
            metadata_=ATTRIBUTION,
        )
        session.add(sensor)
    prop = session.scalar(
        select(m.ObservedProperty).where(m.ObservedProperty.name == "Verkehrsauslastung")
    )
    if prop is None:
        prop = m.ObservedProperty(
            name="Verkehrsauslastung",
            definition="https://offenedaten-koeln.de/dataset/verkehrskalender",
            description="Auslastungsstufe des Straßenabschnitts, wie geliefert (Bedeutung der "
            "Stufen nicht dokumentiert)",
        )
        session.add(prop)
    session.flush()
    return sensor.id, prop.id


def _segments(features: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """One feature per IDENTIFIER, in file order; pieces of a segment join their lines."""
    joined: dict[str, dict[str, Any]] = {}
    for feature in features:
        ident = str((feature.get("properties") or {}).get("IDENTIFIER", ""))
        first = joined.get(ident)
        if first is None:
            joined[ident] = feature
        else:
            joined[ident] = {**first, "geometry": _join(first["geometry"], feature["geometry"])}
    return joined


def _lines(geometry: dict[str, Any]) -> list[Any] | None:
    if geometry.get("type") == "LineString":
        return [geometry["coordinates"]]
    if geometry.get("type") == "MultiLineString":
        return list(geometry["coordinates"])
    return None


def _join(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Lines of both pieces as one MultiLineString (any other shapes: a collection)."""
    lines_a, lines_b = _lines(a), _lines(b)
    if lines_a is not None and lines_b is not None:
        return {"type": "MultiLineString", "coordinates": lines_a + lines_b}
    parts = a["geometries"] if a.get("type") == "GeometryCollection" else [a]
    return {"type": "GeometryCollection", "geometries": [*parts, b]}


def _segment(session: Session, feature: dict[str, Any], sensor_id: int, prop_id: int) -> int:
    """Create Thing, Location, Datastream of one segment; returns the Datastream id."""
    props = feature.get("properties") or {}
    ident, name = str(props.get("IDENTIFIER", "")), str(props.get("NAME", ""))
    thing = m.Thing(
        name=f"{ident} {name}".strip(),
        description=f"Straßenabschnitt {name}",
        properties={"identifier": ident, "source": ATTRIBUTION},
    )
    location = m.Location(
        name=name or ident,
        description=f"Geometrie des Straßenabschnitts {ident}",
        encoding_type="application/geo+json",
        location=feature["geometry"],
    )
    session.add_all([thing, location])
    session.flush()
    locations_nav = ENTITY_TYPES["Things"].navs["Locations"]
    DeepInsert(session).link_many(locations_nav, thing.id, [location.id], replace=False)
    datastream = m.Datastream(
        name=f"Verkehrsauslastung {ident}",
        description=f"Auslastung des Straßenabschnitts {name}, 5-Minuten-Werte",
        observation_type=MEASUREMENT,
        unit_of_measurement={"name": "Auslastungsstufe", "symbol": "", "definition": ""},
        properties={"identifier": ident, "source": ATTRIBUTION},
        thing_id=thing.id,
        sensor_id=sensor_id,
        observed_property_id=prop_id,
    )
    session.add(datastream)
    session.flush()
    return datastream.id


def _read_rows(csv_path: Path) -> dict[str, list[tuple[dt.datetime, float, int]]]:
    rows: dict[str, list[tuple[dt.datetime, float, int]]] = {}
    with csv_path.open(newline="", encoding="utf-8") as handle:
        for line in csv.DictReader(handle):
            moment = dt.datetime.fromisoformat(line["datetime_utc"]).replace(tzinfo=dt.UTC)
            rows.setdefault(line["identifier"], []).append(
                (moment, float(line["auslastung"]), int(line["valid"]))
            )
    return rows


def _replayed(
    series: dict[str, list[tuple[dt.datetime, float, int]]], ends_at: dt.datetime | None
) -> dict[str, list[tuple[dt.datetime, float, int]]]:
    """The series moved by whole days so its last value lies in (ends_at - 1 day, ends_at]."""
    last = max((row[0] for rows in series.values() for row in rows), default=None)
    if ends_at is None or last is None:
        return series
    days = (ends_at - last) // dt.timedelta(days=1)
    shift = dt.timedelta(days=days)
    return {k: [(t + shift, v, ok) for t, v, ok in rows] for k, rows in series.items()}


@requires(Permission.CONTENT_EDIT)
def import_traffic(
    session: Session,
    *,
    actor: Actor,
    geojson_path: Path | None = None,
    csv_path: Path | None = None,
    progress: Progress | None = None,
    ends_at: dt.datetime | None = None,
) -> ImportReport:
    """Load the street segments and their traffic-load series (see the module docstring).
    ``ends_at`` replays the series onto the current days: every value moves by the same whole
    number of days, so the last one falls within the day before ``ends_at`` (the daily
    pattern is kept)."""
    geojson_path = geojson_path or _data_file("koeln_traffic_street_segments.geojson")
    csv_path = csv_path or _data_file("koeln_traffic_load_2014-02-03_to_05.csv")
    try:
        features = json.loads(geojson_path.read_text(encoding="utf-8"))["features"]
        series = _replayed(_read_rows(csv_path), ends_at)
    except (OSError, ValueError, KeyError) as exc:
        raise Invalid(f"Die Verkehrsdaten sind nicht lesbar: {exc}") from None
    sensor_id, prop_id = _shared(session)
    existing = set(session.scalars(select(m.Datastream.name)))
    report = ImportReport(things=0, datastreams=0, observations=0, skipped_rows=0)
    segments = _segments(features)
    for index, (ident, feature) in enumerate(segments.items()):
        if progress:
            progress("Straßenabschnitte", index + 1, len(segments))
        if f"Verkehrsauslastung {ident}" in existing:
            continue
        ds_id = _segment(session, feature, sensor_id, prop_id)
        values = series.get(ident, [])
        measured = [row for row in values if row[1] not in MISSING_CODES]
        report.things += 1
        report.datastreams += 1
        report.missing_values += len(values) - len(measured)
        report.observations += _observations(session, ds_id, measured)
    report.skipped_rows = sum(len(v) for k, v in series.items() if k not in segments)
    audit.record(
        session,
        actor=actor,
        action="sensors.import_traffic",
        entity_type="sta_Datastream",
        entity_id="traffic",
        after=report,
    )
    return report


def _observations(
    session: Session, ds_id: int, values: list[tuple[dt.datetime, float, int]]
) -> int:
    if not values:
        return 0
    feature_id = feature_for_datastream(session, ds_id)
    refuse = duplicates.stream_refuses(session, "datastream_id", ds_id)
    unique = {moment: (result, valid) for moment, result, valid in values}
    rows = [
        {
            "datastream_id": ds_id,
            "phenomenon_time_start": moment,
            "phenomenon_time_key": duplicates.time_key(refuse, moment, None),
            "result_number": result,
            "parameters": None if valid else {"valid": 0},
            "feature_of_interest_id": feature_id,
        }
        for moment, (result, valid) in sorted(unique.items())
    ]
    table: Any = m.Observation.__table__
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(table), rows[start : start + CHUNK])
    widen_datastream_times(session, rows)
    return len(rows)
