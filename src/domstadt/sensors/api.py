"""Sensor hub JSON API (Domstadt extensions beside the SensorThings API; see docs/api.md)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query

from domstadt.sensors import analytics_service as analytics
from domstadt.web.deps import ActorDep, SessionDep

router = APIRouter(prefix="/api/v1/sensors", tags=["sensors"])


@router.get("/datastreams", summary="Datastreams with their latest observation")
def datastreams(session: SessionDep, actor: ActorDep) -> list[analytics.LatestValue]:
    """JSON twin of the list on /sensoren."""
    return analytics.latest_values(session, actor=actor)


@router.get("/aggregate", summary="Time buckets with mean/min/max/sum/count")
def aggregate(
    session: SessionDep,
    actor: ActorDep,
    datastream: Annotated[list[int], Query(description="Datastream id, repeatable")],
    start: dt.datetime,
    end: dt.datetime,
    bucket: Annotated[int, Query(description="Bucket width in seconds")] = 3600,
) -> analytics.Aggregation:
    """Aggregate numeric results of one or many datastreams into time buckets."""
    return analytics.aggregate(
        session,
        actor=actor,
        datastream_ids=datastream,
        start=_aware(start),
        end=_aware(end),
        bucket_seconds=bucket,
    )


@router.get("/outages", summary="Datastreams silent longer than usual")
def outages(
    session: SessionDep,
    actor: ActorDep,
    at: dt.datetime | None = None,
    factor: float = 3.0,
) -> list[analytics.Outage]:
    """Outage detection as of ``at`` (default: now)."""
    return analytics.outages(session, actor=actor, at=_aware(at) if at else None, factor=factor)


@router.get("/locations.geojson", summary="Locations as GeoJSON for the map")
def locations(session: SessionDep, actor: ActorDep) -> dict[str, Any]:
    """Every Location's geometry with its Thing."""
    return analytics.locations_geojson(session, actor=actor)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
