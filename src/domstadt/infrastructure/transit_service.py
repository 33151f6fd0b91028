"""Operations of connectivity along transit (issue 12, S5.2): import GTFS feeds, take
connectivity measurements (CSV upload, or pulled from SensorThings observations of the
ObservedProperty ``CONNECTIVITY_DEFINITION``), read the gap map and publish it as a dataset.

Engine: ``domstadt.infrastructure.transit``. Every write is permission-checked and audited.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.catalog import distribution_service as distributions
from domstadt.catalog import service as catalog
from domstadt.catalog.schemas import DatasetCreate, DistributionCreate
from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, public, requires
from domstadt.core.config import get_settings
from domstadt.core.errors import Invalid, NotFound
from domstadt.infrastructure.transit import gaps, gtfs, network, store
from domstadt.infrastructure.transit.measurements import (
    MeasurementData,
    Refused,
    from_observation,
    read_csv,
)
from domstadt.infrastructure.transit.models import TransitFeed, TransitSyncState
from domstadt.infrastructure.transit.schemas import (
    FeedPublic,
    FeedReport,
    GapOverview,
    MeasurementReport,
    SegmentGap,
)
from domstadt.sensors import observation_feed_service

CONNECTIVITY_DEFINITION = "https://domstadt.koeln/def/connectivity"
"""ObservedProperty definition of connectivity Datastreams (docs/infrastructure.md)."""
DATASET_NAME = "verbindungsluecken-oepnv"
API_PATH = "/api/v1/transit"
_MONTH = re.compile(r"^(\d{4}-(0[1-9]|1[0-2]))?$")


def _source_name(source: str) -> str:
    name = source.strip()
    if not name or len(name) > 100:
        raise Invalid("Die Quelle (--source) muss 1 bis 100 Zeichen lang sein.", field="source")
    return name


@requires(Permission.CONTENT_EDIT)
def feed_import(
    session: Session, *, actor: Actor, content: bytes, filename: str, source: str
) -> FeedReport:
    """Import a GTFS zip as the feed ``source``, replacing that feed's rows in the caller's
    transaction; every problem (file, line, field) raises Invalid before anything is written.
    Stored measurements are snapped again to the new segments."""
    source = _source_name(source)
    try:
        feed = gtfs.read_feed(content)
    except gtfs.GtfsInvalid as exc:
        details = [p.__dict__ for p in exc.problems]
        raise Invalid(
            f"Der GTFS-Feed hat {len(exc.problems)} Fehler, nichts wurde importiert: {exc}",
            field="file",
            details=details,
        ) from exc
    counts = network.replace_feed(session, source, filename, feed)
    settings = get_settings()
    resnapped = store.resnap_all(
        session, settings.transit_snap_tolerance_m, with_postgis=settings.transit_snap_with_postgis
    )
    report = FeedReport(source=source, measurements_resnapped=resnapped, **counts)
    audit.record(
        session,
        actor=actor,
        action="transit.feed_import",
        entity_type="transit_feed",
        entity_id=source,
        after=report,
    )
    return report


@public("transit feeds are public information")
def feed_list(session: Session, *, actor: Actor) -> list[FeedPublic]:
    """The imported feeds with their counts."""
    rows = session.scalars(select(TransitFeed).order_by(TransitFeed.source))
    return [
        FeedPublic(
            source=r.source,
            filename=r.filename,
            imported_at=r.imported_at.isoformat(),
            counts=r.counts or {},
        )
        for r in rows
    ]


def _take(session: Session, items: list[MeasurementData], report: MeasurementReport) -> None:
    known = store.known_refs(session, [m.ref for m in items])
    fresh = [m for m in items if m.ref not in known]
    report.already_known += len(items) - len(fresh)
    on, off, touched = store.add_measurements(
        session,
        fresh,
        get_settings().transit_snap_tolerance_m,
        with_postgis=get_settings().transit_snap_with_postgis,
    )
    report.taken += len(fresh)
    report.on_route += on
    report.off_route += off
    store.refresh_stats(session, touched)


@requires(Permission.CONTENT_EDIT)
def measurements_import(
    session: Session, *, actor: Actor, content: bytes, filename: str
) -> MeasurementReport:
    """Take measurements from a CSV file (columns in docs/infrastructure.md). A refused row
    (no position, bad number, bad time) refuses the file, naming each row and field; rows
    taken before (same file content and line) are skipped."""
    try:
        items, problems = read_csv(content, filename)
    except Refused as exc:
        raise Invalid(str(exc), field="file") from exc
    if problems:
        raise Invalid(
            f"{len(problems)} Zeile(n) abgelehnt, nichts wurde übernommen: "
            + "; ".join(f"Zeile {p['line']}, {p['field']}: {p['message']}" for p in problems[:5]),
            field="file",
            details=problems,
        )
    digest = hashlib.sha256(content).hexdigest()[:16]
    for m in items:
        m.ref = f"csv:{digest}:{m.ref.rsplit(':', 1)[-1]}"
    report = MeasurementReport(received=len(items))
    _take(session, items, report)
    audit.record(
        session,
        actor=actor,
        action="transit.measurements_import",
        entity_type="transit_measurement",
        entity_id=filename[:200],
        after=report,
    )
    return report


@requires(Permission.CONTENT_EDIT)
def measurements_sync(
    session: Session, *, actor: Actor, limit: int = 10_000, restart: bool = False
) -> MeasurementReport:
    """Pull connectivity observations from the sensor hub that came after the last pull (all
    of them with ``restart``); an observation without a position or with a bad field is
    listed as refused (it stays in the sensor hub)."""
    state = session.get(TransitSyncState, "sta") or TransitSyncState(name="sta", last_id=0)
    session.add(state)
    page = observation_feed_service.observations_after(
        session,
        actor=actor,
        definition=CONNECTIVITY_DEFINITION,
        after_id=0 if restart else state.last_id,
        limit=limit,
    )
    report = MeasurementReport(received=len(page.items), last_observation_id=page.next_after)
    items = []
    for obs in page.items:
        try:
            items.append(
                from_observation(obs.id, obs.time, obs.result, obs.parameters, obs.feature)
            )
        except Refused as exc:
            if len(report.refused) < 50:
                report.refused.append(
                    {"observation": obs.id, "field": exc.field, "message": str(exc)}
                )
    _take(session, items, report)
    state.last_id = page.next_after
    if report.received:
        audit.record(
            session,
            actor=actor,
            action="transit.measurements_sync",
            entity_type="transit_measurement",
            entity_id="sta",
            after=report,
        )
    return report


def _filters(month: str, operator: str) -> tuple[str, str]:
    if not _MONTH.match(month or ""):
        raise Invalid("Monat bitte als JJJJ-MM angeben, z. B. 2026-03.", field="month")
    if len(operator or "") > 100:
        raise Invalid("Netzbetreiber: höchstens 100 Zeichen.", field="operator")
    return month or "", (operator or "").strip()


@public("the gap map is open data")
def gap_segments(
    session: Session, *, actor: Actor, month: str = "", operator: str = ""
) -> list[SegmentGap]:
    """Every segment with dead-spot share, median throughput, count and confidence, for a
    month and/or a network operator (empty: all)."""
    month, operator = _filters(month, operator)
    return gaps.segment_gaps(session, month, operator)


@public("the gap map is open data")
def gap_overview(session: Session, *, actor: Actor, limit: int = 20) -> GapOverview:
    """Lines, the ``limit`` worst segments, the monthly trend and the operators."""
    segments = gaps.segment_gaps(session)
    total, off = gaps.measurement_counts(session)
    return GapOverview(
        measurements=total,
        off_route=off,
        segments=len(segments),
        lines=gaps.lines(session, segments),
        worst=gaps.worst(segments, max(1, min(limit, 200))),
        trend=gaps.trend(session),
        operators=gaps.operators(session),
        min_measurements=gaps.stats.MIN_MEASUREMENTS,
    )


@public("the gap map is open data")
def gaps_geojson(session: Session, *, actor: Actor, month: str = "", operator: str = "") -> bytes:
    """The gap map as a GeoJSON FeatureCollection of every segment (bytes, UTF-8)."""
    month, operator = _filters(month, operator)
    return gaps.geojson_bytes(session, month, operator)


@public("the gap map is open data")
def gaps_csv(session: Session, *, actor: Actor, month: str = "", operator: str = "") -> bytes:
    """The gap map as CSV, one row per segment (bytes, UTF-8)."""
    return gaps.csv_bytes(gap_segments(session, actor=actor, month=month, operator=operator))


class PublishReport(BaseModel):
    """What publishing the gap map did in the catalogue."""

    dataset: str
    created: bool
    distributions_added: int


@requires(Permission.CONTENT_EDIT)
def gaps_publish(
    session: Session, *, actor: Actor, department_code: str, data_dir: Path
) -> PublishReport:
    """Create (once) the catalogue dataset of the gap map with its GeoJSON and CSV
    distributions (links to the live exports) for ``department_code``; idempotent."""
    wanted = DatasetCreate(
        name=DATASET_NAME,
        title="Verbindungslücken entlang von ÖPNV-Linien",
        description=(
            "Mobilfunk- und Datenverbindung je Linienabschnitt zwischen zwei Haltestellen: "
            "Anteil der Funklöcher, Median des Durchsatzes (Mbit/s), Zahl der Messungen und "
            "Verlässlichkeit (unter 10 Messungen: zu wenige Messungen). Aus Crowd-Messungen "
            "(SensorThings, CSV), täglich aktuell."
        ),
        department_code=department_code,
        license_id="dl-by-de/2.0",
        themes=["TRAN", "TECH"],
        keywords=["Mobilfunk", "Funkloch", "ÖPNV", "GTFS", "Konnektivität"],
        frequency="CONT",
    )
    try:
        existing = catalog.dataset_get(session, actor=actor, id_or_name=DATASET_NAME)
        created = False
    except NotFound:
        existing = catalog.dataset_create(session, actor=actor, data=wanted)
        created = True
    have = {d.download_url for d in existing.distributions}
    added = 0
    for fmt, media in (("geojson", "GeoJSON"), ("csv", "CSV")):
        url = f"{API_PATH}/gaps.{fmt}"
        if url in have:
            continue
        distributions.distribution_create(
            session,
            actor=actor,
            dataset=DATASET_NAME,
            data_dir=data_dir,
            data=DistributionCreate(
                title=f"Verbindungslücken ({media}, live)", download_url=url, format=media
            ),
        )
        added += 1
    report = PublishReport(dataset=DATASET_NAME, created=created, distributions_added=added)
    audit.record(
        session,
        actor=actor,
        action="transit.gaps_publish",
        entity_type="dataset",
        entity_id=DATASET_NAME,
        after=report,
    )
    return report
