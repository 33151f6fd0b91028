"""Read side of the traffic simulator (`domstadt sensors simulate`): each traffic datastream
with its last day of values by time of day, which the simulator publishes onward from now."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor, public
from domstadt.sensors import models as m
from domstadt.sensors.profiles import DAY_SLOTS, DailyProfile, slot_of

TRAFFIC_PREFIX = "Verkehrsauslastung "


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
