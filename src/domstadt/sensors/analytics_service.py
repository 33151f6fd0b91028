"""Sensor analytics for the dashboard and the JSON API (Domstadt extensions to SensorThings).

- latest observation per datastream: one correlated index seek per datastream on
  ``(datastream_id, phenomenon_time_start)``, no scan (on PostgreSQL bounded by the
  Datastream's phenomenonTime end first, so that one or two month partitions are searched);
- aggregation: time buckets with mean/min/max/sum/count for one or many datastreams;
- outages: datastreams silent for longer than ``factor`` × their usual interval (the median
  gap of their latest observations).
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor, public
from domstadt.core.db import utcnow
from domstadt.core.errors import Invalid
from domstadt.sensors import models as m
from domstadt.sensors.odata.sqlfunctions import EpochSeconds
from domstadt.sensors.sta.entities import result_value

MAX_BUCKETS = 20_000


class LatestValue(BaseModel):
    """A datastream with its newest observation."""

    datastream_id: int
    name: str
    thing_id: int
    thing_name: str
    unit: str
    time: dt.datetime | None
    result: Any = None
    unit_symbol: str = ""


class Bucket(BaseModel):
    """One time bucket of one datastream."""

    datastream_id: int
    start: dt.datetime
    count: int
    mean: float | None
    min: float | None
    max: float | None
    sum: float | None


class Aggregation(BaseModel):
    """Buckets of ``bucket_seconds`` between ``start`` and ``end``."""

    bucket_seconds: int
    start: dt.datetime
    end: dt.datetime
    buckets: list[Bucket]


class Outage(BaseModel):
    """A datastream silent for longer than usual."""

    datastream_id: int
    name: str
    last_time: dt.datetime
    usual_interval_seconds: float
    silent_seconds: float


NEWEST_WINDOW = dt.timedelta(days=31)
"""How far before its Datastream's phenomenonTime end the newest Observation is looked for
first (PostgreSQL: a month partition or two instead of every partition)."""


def _newest_id(session: Session) -> Any:
    """The id of each Datastream's newest Observation (by phenomenonTime start), correlated.

    On PostgreSQL a search without a time bound visits every month partition, so the newest
    is looked for, in this order, after the Datastream's phenomenonTime end (normally none: the
    end is widened on every write, but a client may set it), within :data:`NEWEST_WINDOW`
    before the end, and only then everywhere; each step runs only when the one before found
    nothing, and each is exact given the ones before it.
    """
    o, ds = m.Observation, m.Datastream

    def newest(*bounds: Any) -> Any:
        query = select(o.id).where(o.datastream_id == ds.id, *bounds)
        latest = query.order_by(o.phenomenon_time_start.desc()).limit(1)
        return latest.correlate(ds).scalar_subquery()

    if session.get_bind().dialect.name != "postgresql":
        return newest()
    end, start = ds.phenomenon_time_end, o.phenomenon_time_start
    window = func.make_interval(0, 0, 0, NEWEST_WINDOW.days)
    return func.coalesce(newest(start > end), newest(start > end - window, start <= end), newest())


def _observations(session: Session, ids: list[int], since: Any) -> dict[int, Any]:
    """Observations by id: first those starting at ``since`` or later (a constant bound that
    spares PostgreSQL the older partitions), then any others."""
    o = m.Observation
    found: dict[int, Any] = {}
    if since is not None:
        bounded = select(o).where(o.id.in_(ids), o.phenomenon_time_start >= since)
        found = {ob.id: ob for ob in session.scalars(bounded)}
    missing = [i for i in ids if i not in found]
    if missing:
        found.update({ob.id: ob for ob in session.scalars(select(o).where(o.id.in_(missing)))})
    return found


@public("sensor data is open data")
def latest_values(session: Session, *, actor: Actor, limit: int = 500) -> list[LatestValue]:
    """Every datastream (up to ``limit``) with its latest observation."""
    rows = session.execute(
        select(m.Datastream, m.Thing.name, _newest_id(session).label("obs_id"))
        .join(m.Thing, m.Thing.id == m.Datastream.thing_id)
        .order_by(m.Datastream.name)
        .limit(limit)
    ).all()
    ids = [r.obs_id for r in rows if r.obs_id is not None]
    ends = [ds.phenomenon_time_end for ds, _, obs_id in rows if obs_id is not None]
    since = min(ends) - NEWEST_WINDOW if ends and None not in ends else None
    observations = _observations(session, ids, since)
    out = []
    for ds, thing_name, obs_id in rows:
        ob = observations.get(obs_id)
        out.append(
            LatestValue(
                datastream_id=ds.id,
                name=ds.name,
                thing_id=ds.thing_id,
                thing_name=thing_name,
                unit=str((ds.unit_of_measurement or {}).get("name", "")),
                unit_symbol=str((ds.unit_of_measurement or {}).get("symbol", "")),
                time=ob.phenomenon_time_start if ob else None,
                result=result_value(ob) if ob else None,
            )
        )
    return out


@public("sensor data is open data")
def aggregate(
    session: Session,
    *,
    actor: Actor,
    datastream_ids: list[int],
    start: dt.datetime,
    end: dt.datetime,
    bucket_seconds: int,
) -> Aggregation:
    """Numeric results in time buckets (mean, min, max, sum, count) per datastream."""
    if not datastream_ids:
        raise Invalid("Mindestens ein Datastream ist nötig.", field="datastream")
    if bucket_seconds < 1:
        raise Invalid("bucket muss mindestens 1 Sekunde sein.", field="bucket")
    if end <= start:
        raise Invalid("end muss nach start liegen.", field="end")
    if (end - start).total_seconds() / bucket_seconds * len(datastream_ids) > MAX_BUCKETS:
        raise Invalid(
            f"Zu viele Buckets (höchstens {MAX_BUCKETS}); bucket vergrößern.", field="bucket"
        )
    o = m.Observation
    bucket = func.floor(EpochSeconds(o.phenomenon_time_start) / bucket_seconds).label("bucket")
    stmt = (
        select(
            o.datastream_id,
            bucket,
            func.count(o.result_number),
            func.avg(o.result_number),
            func.min(o.result_number),
            func.max(o.result_number),
            func.sum(o.result_number),
        )
        .where(
            o.datastream_id.in_(datastream_ids),
            o.phenomenon_time_start >= start,
            o.phenomenon_time_start < end,
        )
        .group_by(o.datastream_id, bucket)
        .order_by(o.datastream_id, bucket)
    )
    buckets = [
        Bucket(
            datastream_id=ds_id,
            start=dt.datetime.fromtimestamp(float(b) * bucket_seconds, dt.UTC),
            count=count,
            mean=_float(mean),
            min=_float(low),
            max=_float(high),
            sum=_float(total),
        )
        for ds_id, b, count, mean, low, high, total in session.execute(stmt)
    ]
    return Aggregation(bucket_seconds=bucket_seconds, start=start, end=end, buckets=buckets)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


@public("sensor data is open data")
def outages(
    session: Session, *, actor: Actor, at: dt.datetime | None = None, factor: float = 3.0
) -> list[Outage]:
    """Datastreams whose last observation is older than ``factor`` × their usual interval."""
    now = at or utcnow()
    o = m.Observation
    found = []
    for ds in session.scalars(select(m.Datastream).order_by(m.Datastream.id)):
        times = list(
            session.scalars(
                select(o.phenomenon_time_start)
                .where(o.datastream_id == ds.id, o.phenomenon_time_start <= now)
                .order_by(o.phenomenon_time_start.desc())
                .limit(21)
            )
        )
        if len(times) < 3:
            continue
        gaps = [(a - b).total_seconds() for a, b in itertools.pairwise(times)]
        usual = statistics.median(gaps)
        silent = (now - times[0]).total_seconds()
        if usual > 0 and silent > factor * usual:
            found.append(
                Outage(
                    datastream_id=ds.id,
                    name=ds.name,
                    last_time=times[0],
                    usual_interval_seconds=usual,
                    silent_seconds=silent,
                )
            )
    return found


@public("sensor locations are open data")
def locations_geojson(session: Session, *, actor: Actor) -> dict[str, Any]:
    """Every Location with a GeoJSON geometry as a FeatureCollection (for the map)."""
    features = []
    tl = m.thing_location.c
    rows = session.execute(
        select(m.Location, tl.thing_id).outerjoin(m.thing_location, tl.location_id == m.Location.id)
    )
    for location, thing_id in rows:
        geometry = location.location
        if isinstance(geometry, dict) and geometry.get("type") == "Feature":
            geometry = geometry.get("geometry")
        if isinstance(geometry, dict) and "type" in geometry:
            features.append(
                {
                    "type": "Feature",
                    "geometry": geometry,
                    "properties": {"id": location.id, "name": location.name, "thing_id": thing_id},
                }
            )
    return {"type": "FeatureCollection", "features": features}
