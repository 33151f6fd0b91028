"""Import Cologne's real traffic-load series as SensorThings entities.

Each of the 113 street segments (GeoJSON) becomes a Thing with its Location (the segment's
geometry), a FeatureOfInterest and a Datastream "Verkehrsauslastung"; every CSV row (5-minute
values, 2014-02-03 to 05) an Observation. Re-running is idempotent: segments whose
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
MEASUREMENT = "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement"


class ImportReport(BaseModel):
    """What an import added."""

    things: int
    datastreams: int
    observations: int
    skipped_rows: int


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


@requires(Permission.CONTENT_EDIT)
def import_traffic(
    session: Session,
    *,
    actor: Actor,
    geojson_path: Path | None = None,
    csv_path: Path | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Load the street segments and their traffic-load series (see the module docstring)."""
    geojson_path = geojson_path or _data_file("koeln_traffic_street_segments.geojson")
    csv_path = csv_path or _data_file("koeln_traffic_load_2014-02-03_to_05.csv")
    try:
        features = json.loads(geojson_path.read_text(encoding="utf-8"))["features"]
        series = _read_rows(csv_path)
    except (OSError, ValueError, KeyError) as exc:
        raise Invalid(f"Die Verkehrsdaten sind nicht lesbar: {exc}") from None
    sensor_id, prop_id = _shared(session)
    existing = set(session.scalars(select(m.Datastream.name)))
    report = ImportReport(things=0, datastreams=0, observations=0, skipped_rows=0)
    for index, feature in enumerate(features):
        ident = str((feature.get("properties") or {}).get("IDENTIFIER", ""))
        if progress:
            progress("Straßenabschnitte", index + 1, len(features))
        if f"Verkehrsauslastung {ident}" in existing:
            continue
        ds_id = _segment(session, feature, sensor_id, prop_id)
        report.things += 1
        report.datastreams += 1
        report.observations += _observations(session, ds_id, series.get(ident, []))
    known = {str((f.get("properties") or {}).get("IDENTIFIER", "")) for f in features}
    report.skipped_rows = sum(len(v) for k, v in series.items() if k not in known)
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
