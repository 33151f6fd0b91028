"""Times for people: a moment shown in Cologne's local time (CET or CEST, per date)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def local_time(value: dt.datetime | None, locale: str = "de") -> str:
    """``value`` in Europe/Berlin, German (31.12.2026 18:00) or ISO-like for English."""
    if value is None:
        return "–"
    pattern = "%d.%m.%Y %H:%M" if locale == "de" else "%Y-%m-%d %H:%M"
    return value.astimezone(BERLIN).strftime(pattern)
