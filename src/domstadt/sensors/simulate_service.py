"""Read side of the traffic simulator (`domstadt sensors simulate`): each traffic datastream
with its last day of values by time of day, which the simulator publishes onward from now."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor, public
from domstadt.sensors import models as m

TRAFFIC_PREFIX = "Verkehrsauslastung "
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


@public("the traffic series are published sensor data")
def traffic_profiles(session: Session, *, actor: Actor, limit: int = 0) -> list[DailyProfile]:
    """The traffic datastreams (all, or the first ``limit`` by id) with their last day's values."""
    query = (
        select(m.Datastream.id, m.Datastream.name)
        .where(m.Datastream.name.startswith(TRAFFIC_PREFIX))
        .order_by(m.Datastream.id)
    )
    streams = session.execute(query.limit(limit) if limit else query).all()
    profiles = []
    for ds_id, name in streams:
        rows = session.execute(
            select(m.Observation.phenomenon_time_start, m.Observation.result_number)
            .where(m.Observation.datastream_id == ds_id, m.Observation.result_number.is_not(None))
            .order_by(m.Observation.phenomenon_time_start.desc())
            .limit(DAY_SLOTS)
        ).all()
        values = {slot_of(t): float(v) for t, v in rows if v is not None}
        if values:
            profiles.append(DailyProfile(datastream_id=ds_id, name=name, values=values))
    return profiles
