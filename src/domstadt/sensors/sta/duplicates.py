"""The duplicate rule of Observations, a setting of each Datastream and MultiDatastream.

``properties["domstadt:duplicates"]`` is ``"refuse"`` (the default when the key is missing) or
``"allow"``. A refusing stream keeps one Observation per whole phenomenonTime: the instant
``2021-06-03T00:00:00Z`` and the interval ``2021-06-03T00:00:00Z/2021-06-03T01:00:00Z`` are
different times, two equal intervals (or instants) are duplicates, and an interval of zero
length is its instant. The database enforces it: a unique index on the stream, the start and
``phenomenon_time_key`` (the end, or the start of an instant), which is NULL for the rows of an
allowing stream, so they never collide. Switching a stream to ``refuse`` re-keys its
Observations and is refused (409) while it holds duplicates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, null, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domstadt.core.errors import Conflict, Invalid
from domstadt.sensors import models as m

SETTING = "domstadt:duplicates"
REFUSE, ALLOW = "refuse", "allow"
DEFAULT = REFUSE
_STREAMS = {"datastream_id": m.Datastream, "multi_datastream_id": m.MultiDatastream}


def check_setting(kind: str, properties: Any) -> None:
    """A stream's ``properties`` may name the rule only as ``refuse`` or ``allow``."""
    if not isinstance(properties, dict) or SETTING not in properties:
        return
    if properties[SETTING] not in (REFUSE, ALLOW):
        raise Invalid(
            f'{kind}.properties["{SETTING}"]: "{REFUSE}" oder "{ALLOW}" erwartet, '
            f"nicht {properties[SETTING]!r} (ohne Angabe gilt {DEFAULT}).",
            field="properties",
        )


def check_stream_setting(singular: str, row: Any) -> None:
    """:func:`check_setting` for a new row of any entity type (only streams have the rule)."""
    if singular in {"Datastream", "MultiDatastream"}:
        check_setting(singular, row.properties)


def refuses(properties: Any) -> bool:
    """Whether a stream with these ``properties`` refuses duplicates."""
    if isinstance(properties, dict):
        return properties.get(SETTING, DEFAULT) != ALLOW
    return DEFAULT == REFUSE


def stream_refuses(session: Session, column: str, stream_id: int | None) -> bool:
    """The rule of the Datastream (``column`` ``datastream_id``) or MultiDatastream."""
    if stream_id is None:
        return True
    model: Any = _STREAMS[column]
    return refuses(session.scalar(select(model.properties).where(model.id == stream_id)))


def time_key(refuse: bool, start: dt.datetime | None, end: dt.datetime | None) -> Any:
    """``phenomenon_time_key`` of a row: its end (its start for an instant), or None."""
    return (end or start) if refuse else None


def key_row(session: Session, row: m.Observation) -> None:
    """Set the key of an Observation model row from its stream's rule and its time."""
    column = "datastream_id" if row.datastream_id is not None else "multi_datastream_id"
    refuse = stream_refuses(session, column, getattr(row, column))
    row.phenomenon_time_key = time_key(refuse, row.phenomenon_time_start, row.phenomenon_time_end)


def rekey_stream(session: Session, column: str, stream_id: int, properties: Any) -> None:
    """After a change of a stream's rule: key (or un-key) all its Observations; switching to
    ``refuse`` while duplicates exist is a Conflict (the caller's transaction rolls back)."""
    o = m.Observation
    refuse = refuses(properties)
    stream = getattr(o, column) == stream_id
    current = o.phenomenon_time_key.is_not(None) if refuse else o.phenomenon_time_key.is_(None)
    if session.scalar(select(func.count()).where(stream, ~current)) == 0:
        return
    key = func.coalesce(o.phenomenon_time_end, o.phenomenon_time_start) if refuse else null()
    try:
        with session.begin_nested():
            session.execute(update(o).where(stream).values(phenomenon_time_key=key))
    except IntegrityError:
        kind = "Datastream" if column == "datastream_id" else "MultiDatastream"
        raise Conflict(
            f'{kind} {stream_id}: "{SETTING}": "{REFUSE}" geht nicht, solange er Observations '
            "mit derselben phenomenonTime enthält; löschen Sie die Duplikate zuerst."
        ) from None
