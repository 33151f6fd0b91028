"""Reading the gap map from the stored aggregates (never from the measurements): segments
with their figures, lines, the worst segments, the monthly trend, operators, and the
GeoJSON/CSV exports."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from domstadt.infrastructure.transit import stats
from domstadt.infrastructure.transit.models import (
    TransitGapStat,
    TransitMeasurement,
    TransitRoute,
    TransitSegment,
    TransitStop,
    TransitSyncState,
)
from domstadt.infrastructure.transit.schemas import (
    LineGap,
    MonthPoint,
    OperatorRow,
    SegmentGap,
)
from domstadt.infrastructure.transit.store import (
    GAPS_STAMP,
    GAPS_VERSION,
    REFRESHED_IN,
    network_key,
)

CSV_COLUMNS = (
    "segment_id",
    "route",
    "route_id",
    "from_stop",
    "to_stop",
    "count",
    "dead",
    "dead_share",
    "median_down_mbit",
    "median_latency_ms",
    "confidence",
    "quality",
)


def _rows(
    session: Session, month: str, operator: str, with_geometry: bool, since: int | None = None
) -> list[Any]:
    start, end = aliased(TransitStop), aliased(TransitStop)
    columns: list[Any] = [
        TransitSegment.id,
        func.coalesce(func.nullif(TransitRoute.short_name, ""), TransitRoute.long_name),
        TransitRoute.gtfs_id,
        start.name,
        end.name,
        TransitGapStat.count,
        TransitGapStat.dead,
        TransitGapStat.median_down_mbit,
        TransitGapStat.median_latency_ms,
    ]
    if with_geometry:
        columns.append(TransitSegment.coordinates)
    query = (
        select(*columns)
        .join(TransitRoute, TransitRoute.id == TransitSegment.route_id)
        .join(start, start.id == TransitSegment.from_stop_id)
        .join(end, end.id == TransitSegment.to_stop_id)
        .outerjoin(
            TransitGapStat,
            (TransitGapStat.segment_id == TransitSegment.id)
            & (TransitGapStat.month == month)
            & (TransitGapStat.operator == operator),
        )
        .order_by(TransitSegment.id)
    )
    if since is not None:
        query = query.where(TransitSegment.gap_stamp > since)
    return list(session.execute(query).all())


def _props(row: Any) -> dict[str, Any]:
    """The figures of one row as plain data (the fields of SegmentGap)."""
    count, dead = int(row[5] or 0), int(row[6] or 0)
    conf = stats.confidence(count)
    qual = stats.quality(count, dead, row[7]) if count else "none"
    return {
        "segment_id": row[0],
        "route": row[1] or row[2],
        "route_id": row[2],
        "from_stop": row[3],
        "to_stop": row[4],
        "count": count,
        "dead": dead,
        "dead_share": round(dead / count, 4) if count else None,
        "median_down_mbit": row[7],
        "median_latency_ms": row[8],
        "confidence": conf,
        "confidence_label": stats.CONFIDENCE_DE[conf],
        "quality": qual,
        "quality_label": stats.QUALITY_DE.get(qual, "keine Messungen"),
    }


def _gap(row: Any) -> SegmentGap:
    return SegmentGap(**_props(row))


def segment_gaps(session: Session, month: str = "", operator: str = "") -> list[SegmentGap]:
    """Every segment with its figures (count 0: not measured)."""
    return [_gap(r) for r in _rows(session, month, operator, False)]


def worst(gaps: list[SegmentGap], limit: int) -> list[SegmentGap]:
    """Measured segments, worst first: judged ones (enough measurements) before the
    uncertain, then by dead-spot share (high first) and median throughput (low first)."""
    measured = [g for g in gaps if g.count]
    measured.sort(
        key=lambda g: (
            g.confidence == "low",
            -(g.dead_share or 0),
            g.median_down_mbit if g.median_down_mbit is not None else 0,
        )
    )
    return measured[:limit]


def lines(session: Session, gaps: list[SegmentGap]) -> list[LineGap]:
    """Per line: segments, measured segments, measurements, dead share, and the median of the
    segment medians (weighted medians need the raw values; this is what the map shows)."""
    by_route: dict[tuple[str, str], list[SegmentGap]] = defaultdict(list)
    for g in gaps:
        by_route[(g.route, g.route_id)].append(g)
    out = []
    for (route, route_id), items in sorted(by_route.items()):
        count = sum(g.count for g in items)
        dead = sum(g.dead for g in items)
        downs = [g.median_down_mbit for g in items if g.median_down_mbit is not None]
        out.append(
            LineGap(
                route=route,
                route_id=route_id,
                segments=len(items),
                measured_segments=sum(1 for g in items if g.count),
                count=count,
                dead_share=round(dead / count, 4) if count else None,
                median_down_mbit=stats.median(downs),
                confidence_label=stats.CONFIDENCE_DE[stats.confidence(count)],
            )
        )
    return out


def _totals(session: Session, by: Any, where: Any) -> list[Any]:
    query = (
        select(by, func.sum(TransitGapStat.count), func.sum(TransitGapStat.dead))
        .where(where)
        .group_by(by)
        .order_by(by)
    )
    return list(session.execute(query).all())


def trend(session: Session, operator: str = "") -> list[MonthPoint]:
    """Per month over all segments: measurements, dead share, median of segment medians."""
    medians: dict[str, list[float]] = defaultdict(list)
    for month, value in session.execute(
        select(TransitGapStat.month, TransitGapStat.median_down_mbit).where(
            (TransitGapStat.month != "") & (TransitGapStat.operator == operator)
        )
    ):
        if value is not None:
            medians[month].append(value)
    rows = _totals(
        session,
        TransitGapStat.month,
        (TransitGapStat.month != "") & (TransitGapStat.operator == operator),
    )
    return [
        MonthPoint(
            month=m,
            count=int(n),
            dead_share=round(d / n, 4) if n else None,
            median_down_mbit=stats.median(medians[m]),
        )
        for m, n, d in rows
    ]


def operators(session: Session) -> list[OperatorRow]:
    """Per network operator (measurements without one are left out)."""
    medians: dict[str, list[float]] = defaultdict(list)
    for op, value in session.execute(
        select(TransitGapStat.operator, TransitGapStat.median_down_mbit).where(
            (TransitGapStat.month == "") & (TransitGapStat.operator != "")
        )
    ):
        if value is not None:
            medians[op].append(value)
    rows = _totals(
        session,
        TransitGapStat.operator,
        (TransitGapStat.month == "") & (TransitGapStat.operator != ""),
    )
    return [
        OperatorRow(
            operator=o,
            count=int(n),
            dead_share=round(d / n, 4) if n else None,
            median_down_mbit=stats.median(medians[o]),
            confidence_label=stats.CONFIDENCE_DE[stats.confidence(int(n))],
        )
        for o, n, d in rows
    ]


def measurement_counts(session: Session) -> tuple[int, int]:
    """(all measurements, off-route ones)."""
    total = session.scalar(select(func.count(TransitMeasurement.id))) or 0
    off = session.scalar(
        select(func.count(TransitMeasurement.id)).where(TransitMeasurement.segment_id.is_(None))
    )
    return int(total), int(off or 0)


@dataclass
class _Map:
    """The gap map of one (network, month, operator) as built: one GeoJSON feature per
    segment (id order), the refresh token and the stamp it reflects, the assembled bytes."""

    token: int
    stamp: int
    features: dict[int, bytes]
    data: bytes


_built: dict[tuple[Any, str, str], _Map] = {}
_HEAD, _TAIL = b'{"type":"FeatureCollection","features":[', b"]}"


def geojson_bytes(session: Session, month: str, operator: str) -> bytes:
    """Every segment as a GeoJSON LineString feature with its figures as properties. Kept
    per process: unchanged aggregates (``store.GAPS_VERSION``) cost one small query; after a
    refresh only the segments stamped since (``transit_segment.gap_stamp`` above the stamp
    built from; stamps commit in increasing order) are rebuilt; a new network rebuilds all.
    A map read in a transaction that refreshed aggregates itself is not kept (it may roll
    back)."""
    states = dict(
        session.execute(
            select(TransitSyncState.name, TransitSyncState.last_id).where(
                TransitSyncState.name.in_((GAPS_VERSION, GAPS_STAMP))
            )
        ).all()
    )
    token, stamp = states.get(GAPS_VERSION, 0), states.get(GAPS_STAMP, 0)
    key = (network_key(session), month, operator)
    known = _built.get(key)
    if known is not None and known.token == token:
        return known.data
    if session.info.get(REFRESHED_IN) is session.get_transaction():
        return build_geojson(session, month, operator)
    if known is None:
        if len(_built) >= 32:
            _built.pop(next(iter(_built)))
        features = _features(session, month, operator, None)
    else:
        features = dict(known.features)
        features.update(_features(session, month, operator, known.stamp))
    data = _HEAD + b",".join(features.values()) + _TAIL
    _built[key] = _Map(token, stamp, features, data)
    return data


def _features(session: Session, month: str, operator: str, since: int | None) -> dict[int, bytes]:
    rows = _rows(session, month, operator, True, since)
    return {
        row[0]: orjson.dumps(
            {
                "type": "Feature",
                "id": row[0],
                "geometry": {"type": "LineString", "coordinates": row[9]},
                "properties": _props(row),
            }
        )
        for row in rows
    }


def build_geojson(session: Session, month: str, operator: str) -> bytes:
    """The GeoJSON built from all stored aggregates now (what :func:`geojson_bytes` keeps)."""
    return _HEAD + b",".join(_features(session, month, operator, None).values()) + _TAIL


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value


def csv_bytes(gaps: list[SegmentGap]) -> bytes:
    """The segments as CSV (UTF-8, comma, header row; formula-looking text defused)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for g in gaps:
        data = g.model_dump()
        writer.writerow([_cell(data[c]) for c in CSV_COLUMNS])
    return out.getvalue().encode("utf-8")
