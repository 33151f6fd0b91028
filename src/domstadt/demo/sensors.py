"""Demo data for the sensors domain: Cologne's real traffic-load series (Stadt Köln, CC-BY
3.0), replayed at load time onto the current days (moved by whole days so it ends within the
last day; `domstadt sensors simulate` continues it live over MQTT), and the daily weather
series of the DWD station Köln/Bonn (02667, Deutscher Wetterdienst, 1957 to May 2014), moved by
whole years so that it ends today and every day keeps its season (the days after today's date
in the last year of the file are left out)."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor
from domstadt.core.errors import Invalid
from domstadt.sensors import csv_import_service, import_service, ownership_service

WEATHER = "koeln_bonn_dwd_02667_daily_weather.csv"
WEATHER_MAPPING = "koeln_bonn_dwd_02667_mapping.json"
REPLAY_NOTE = (
    " (Demo: die Messwerte von 1957 bis Mai 2014 sind um ganze Jahre verschoben,"
    " sodass die Reihe heute endet)"
)


def load(session: Session, actor: Actor) -> dict[str, int]:
    """Load this domain's demo records (idempotent); returns counts of what was added. The
    traffic segments belong to the Amt für Verkehrsmanagement (69), the weather station to the
    Amt für Umwelt- und Verbraucherschutz (57), so their editors may change them."""
    now = dt.datetime.now(dt.UTC)
    report = import_service.import_traffic(session, actor=actor, ends_at=now)
    _hand_to(session, actor, "69")
    mapping_file = import_service._data_file(WEATHER_MAPPING)
    mapping = csv_import_service.parse_mapping(mapping_file.read_text("utf-8"))
    mapping.thing.description += REPLAY_NOTE
    with tempfile.TemporaryDirectory(prefix="domstadt-weather-") as tmp:
        replayed = replay_weather(import_service._data_file(WEATHER), now.date(), Path(tmp))
        weather = csv_import_service.import_csv(
            session, actor=actor, path=replayed, mapping=mapping
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


def replay_weather(source: Path, today: dt.date, directory: Path) -> Path:
    """A copy of the DWD daily file in ``directory`` whose dates are moved by whole years so
    that the last row is ``today``; rows after today's day of the year in the file's last
    year are left out, and 29 February where the target year has none."""
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    last = _day(body[-1][0])
    year = last.year if _same_day_in(last.year, today) <= last else last.year - 1
    cut, years = _same_day_in(year, today), today.year - year
    target = directory / source.name
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in body:
            day = _day(row[0])
            if day > cut or (day.month == 2 and day.day == 29 and not _leap(day.year + years)):
                continue
            writer.writerow([day.replace(year=day.year + years).strftime("%Y%m%d"), *row[1:]])
    return target


def _day(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%Y%m%d").date()


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _same_day_in(year: int, today: dt.date) -> dt.date:
    """Today's month and day in ``year`` (28 February for 29 February in a common year)."""
    if today.month == 2 and today.day == 29 and not _leap(year):
        return dt.date(year, 2, 28)
    return today.replace(year=year)
