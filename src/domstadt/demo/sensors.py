"""Demo data for the sensors domain: Cologne's real traffic-load series (Stadt Köln, CC-BY
3.0), replayed at load time onto the current days (moved by whole days so it ends within the
last day; `domstadt sensors simulate` continues it live over MQTT), and the daily weather
series of the DWD station Köln/Bonn (02667, Deutscher Wetterdienst)."""

from __future__ import annotations

import contextlib
import datetime as dt

from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor
from domstadt.core.errors import Invalid
from domstadt.sensors import csv_import_service, import_service, ownership_service

WEATHER = "koeln_bonn_dwd_02667_daily_weather.csv"
WEATHER_MAPPING = "koeln_bonn_dwd_02667_mapping.json"


def load(session: Session, actor: Actor) -> dict[str, int]:
    """Load this domain's demo records (idempotent); returns counts of what was added. The
    traffic segments belong to the Amt für Verkehrsmanagement (69), the weather station to the
    Amt für Umwelt- und Verbraucherschutz (57), so their editors may change them."""
    now = dt.datetime.now(dt.UTC)
    report = import_service.import_traffic(session, actor=actor, ends_at=now)
    _hand_to(session, actor, "69")
    mapping_file = import_service._data_file(WEATHER_MAPPING)
    mapping = csv_import_service.parse_mapping(mapping_file.read_text("utf-8"))
    weather = csv_import_service.import_csv(
        session, actor=actor, path=import_service._data_file(WEATHER), mapping=mapping
    )
    _hand_to(session, actor, "57")
    return {
        "sensor things": report.things,
        "datastreams": report.datastreams + weather.datastreams_created,
        "observations": report.observations + weather.observations,
    }


def _hand_to(session: Session, actor: Actor, department_code: str) -> None:
    """Give what has no owner yet to the department (skipped without the core demo data)."""
    with contextlib.suppress(Invalid):  # raised before anything is written
        ownership_service.assign_owner(session, actor=actor, department_code=department_code)
