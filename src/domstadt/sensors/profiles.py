"""Daily profiles of a series by 5-minute slot of the day: what the traffic simulator
(`domstadt sensors simulate`) continues from now. Pure data, no I/O."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

SLOT_MINUTES = 5
DAY_SLOTS = 24 * 60 // SLOT_MINUTES


class DailyProfile(BaseModel):
    """A datastream and its values by 5-minute slot of the day (slot 0 = 00:00 UTC)."""

    datastream_id: int
    name: str
    values: dict[int, float]


def slot_of(moment: dt.datetime) -> int:
    """The 5-minute slot of the day ``moment`` falls in."""
    return (moment.hour * 60 + moment.minute) // SLOT_MINUTES
