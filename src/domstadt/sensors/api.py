"""Sensor hub JSON API (Domstadt extensions beside the SensorThings API; see docs/api.md)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from domstadt.core.auth.permissions import Permission
from domstadt.sensors import analysis_service as analysis
from domstadt.sensors import analytics_service as analytics
from domstadt.sensors import retention_service as retention
from domstadt.web.deps import ActorDep, SessionDep, needs, verify_csrf_api

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


@router.get("/correlation", summary="Cross-sensor correlation with lag")
def correlation(
    session: SessionDep,
    actor: ActorDep,
    datastream: Annotated[list[int], Query(description="Datastream id, 2 to 10, repeatable")],
    start: dt.datetime,
    end: dt.datetime,
    bucket: Annotated[int, Query(description="Bucket width in seconds")] = 3600,
    max_lag: Annotated[int, Query(description="Largest lag tried, in buckets")] = 6,
) -> analysis.Correlation:
    """Pearson's r of bucket means for every pair, at lag 0 and at the best lag."""
    return analysis.correlate(
        session,
        actor=actor,
        datastream_ids=datastream,
        start=_aware(start),
        end=_aware(end),
        bucket_seconds=bucket,
        max_lag_buckets=max_lag,
    )


@router.get("/datastreams/{datastream_id}/anomalies", summary="Seasonal anomalies, explained")
def anomalies(
    session: SessionDep,
    actor: ActorDep,
    datastream_id: int,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    threshold: Annotated[float, Query(description="Deviation in MADs")] = 5.0,
    min_slot: Annotated[int, Query(description="Fewest values of a slot")] = 8,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> analysis.AnomalyReport:
    """Observations far from the median of their hour-of-day × weekday/weekend slot."""
    return analysis.anomalies(
        session,
        actor=actor,
        datastream_id=datastream_id,
        start=_aware(start) if start else None,
        end=_aware(end) if end else None,
        threshold=threshold,
        min_slot=min_slot,
        limit=limit,
    )


class RetentionIn(BaseModel):
    """Body of PUT …/retention: days to keep (null: keep all)."""

    days: int | None


@router.get("/retention", summary="Datastreams with a retention setting")
def retention_list(session: SessionDep, actor: ActorDep) -> list[retention.RetentionSetting]:
    """Every datastream whose old observations are deleted daily."""
    return retention.retention_settings(session, actor=actor)


@router.put(
    "/datastreams/{datastream_id}/retention",
    summary="Set a datastream's retention",
    dependencies=[Depends(verify_csrf_api)],
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def retention_set(
    session: SessionDep, actor: ActorDep, datastream_id: int, body: RetentionIn
) -> retention.RetentionSetting:
    """Keep observations for ``days`` days (editors; audited)."""
    return retention.set_retention(
        session, actor=actor, datastream_id=datastream_id, days=body.days
    )


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
