"""Transit connectivity JSON API (twin of /infrastruktur/verbindung): feeds, GTFS and
measurement uploads, the SensorThings pull, the gap map as JSON, GeoJSON and CSV."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile

from domstadt.core.auth.permissions import Permission
from domstadt.core.errors import Invalid
from domstadt.infrastructure import transit_service as service
from domstadt.infrastructure.transit.schemas import (
    FeedPublic,
    FeedReport,
    GapOverview,
    MeasurementReport,
    SegmentGap,
)
from domstadt.web.deps import ActorDep, SessionDep, needs, verify_csrf_api

router = APIRouter(
    prefix="/api/v1/transit", tags=["transit"], dependencies=[Depends(verify_csrf_api)]
)
MAX_GTFS_BYTES = 100 * 1024 * 1024
MAX_CSV_BYTES = 50 * 1024 * 1024
Month = Annotated[str, Query(max_length=7, description="JJJJ-MM; empty: all months")]
Operator = Annotated[str, Query(max_length=100, description="network operator; empty: all")]


def _read(file: UploadFile, limit: int) -> bytes:
    content = file.file.read(limit + 1)
    if len(content) > limit:
        raise Invalid(f"Die Datei ist größer als {limit // (1024 * 1024)} MiB.", field="file")
    return content


@router.get("/feeds", summary="Imported GTFS feeds")
def feeds(session: SessionDep, actor: ActorDep) -> list[FeedPublic]:
    """Each feed with its counts (agencies, routes, stops, shapes, trips, segments)."""
    return service.feed_list(session, actor=actor)


@router.post(
    "/feeds", summary="Import a GTFS zip (editors)", openapi_extra=needs(Permission.CONTENT_EDIT)
)
def feed_import(
    session: SessionDep,
    actor: ActorDep,
    file: Annotated[UploadFile, File()],
    source: Annotated[str, Form(max_length=100)],
) -> FeedReport:
    """Replaces the feed `source`; 422 with `details` (file, line, field, message) for a
    broken feed, nothing written."""
    content = _read(file, MAX_GTFS_BYTES)
    return service.feed_import(
        session, actor=actor, content=content, filename=file.filename or "", source=source
    )


@router.post(
    "/measurements",
    summary="Upload connectivity measurements as CSV (editors)",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def measurements_import(
    session: SessionDep, actor: ActorDep, file: Annotated[UploadFile, File()]
) -> MeasurementReport:
    """Columns `time, lat, lon, accuracy_m, operator, network_type, signal_dbm, down_mbit,
    up_mbit, latency_ms, no_connection`; a row without a position refuses the file (422)."""
    content = _read(file, MAX_CSV_BYTES)
    return service.measurements_import(
        session, actor=actor, content=content, filename=file.filename or ""
    )


@router.post(
    "/measurements/sync",
    summary="Take new SensorThings connectivity observations",
    openapi_extra=needs(Permission.CONTENT_EDIT),
)
def measurements_sync(session: SessionDep, actor: ActorDep) -> MeasurementReport:
    """Pulls observations of the ObservedProperty `https://domstadt.koeln/def/connectivity`
    newer than the last pull (also run every minute by the job queue)."""
    return service.measurements_sync(session, actor=actor)


@router.get("/gaps", summary="Gap map per segment")
def gap_segments(
    session: SessionDep, actor: ActorDep, month: Month = "", operator: Operator = ""
) -> list[SegmentGap]:
    """Every segment with `count`, `dead_share`, `median_down_mbit`, `confidence`
    (`low` below 10 measurements: "zu wenige Messungen") and `quality`."""
    return service.gap_segments(session, actor=actor, month=month, operator=operator)


@router.get("/gaps/overview", summary="Lines, worst segments, trend and operators")
def gap_overview(
    session: SessionDep, actor: ActorDep, limit: Annotated[int, Query(ge=1, le=200)] = 20
) -> GapOverview:
    """What /infrastruktur/verbindung shows."""
    return service.gap_overview(session, actor=actor, limit=limit)


@router.get("/gaps.geojson", summary="Gap map as GeoJSON")
def gaps_geojson(
    session: SessionDep, actor: ActorDep, month: Month = "", operator: Operator = ""
) -> Response:
    """A FeatureCollection: one LineString per segment with the figures of /gaps."""
    body = service.gaps_geojson(session, actor=actor, month=month, operator=operator)
    return Response(body, media_type="application/geo+json")


@router.get("/gaps.csv", summary="Gap map as CSV")
def gaps_csv(
    session: SessionDep, actor: ActorDep, month: Month = "", operator: Operator = ""
) -> Response:
    """One row per segment, UTF-8, comma-separated."""
    body = service.gaps_csv(session, actor=actor, month=month, operator=operator)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="verbindungsluecken.csv"'},
    )
