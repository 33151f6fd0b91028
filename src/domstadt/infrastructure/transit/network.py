"""Writing a validated GTFS feed: the feed's old rows go (one statement, the database
cascades), agencies, routes, stops, shapes and trips are inserted, and segments are derived
from each distinct stop pattern (cut from its shape, else straight)."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from shapely import LineString
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from domstadt.infrastructure.transit import geo
from domstadt.infrastructure.transit.gtfs import GtfsFeed
from domstadt.infrastructure.transit.models import (
    TransitAgency,
    TransitFeed,
    TransitRoute,
    TransitSegment,
    TransitShape,
    TransitStop,
    TransitTrip,
)


def replace_feed(session: Session, source: str, filename: str, feed: GtfsFeed) -> dict[str, Any]:
    """Replace the rows of ``source`` by ``feed``; returns the counts (and ``replaced``)."""
    old = session.scalar(select(TransitFeed.id).where(TransitFeed.source == source))
    if old is not None:
        session.execute(delete(TransitFeed).where(TransitFeed.id == old))
    row = TransitFeed(source=source, filename=filename[:300], counts={})
    session.add(row)
    session.flush()
    agencies = _insert_map(
        session,
        TransitAgency,
        row.id,
        [
            {"gtfs_id": k, "name": v["name"][:300], "url": v["url"][:1000]}
            for k, v in feed.agencies.items()
        ],
    )
    only_agency = next(iter(agencies.values())) if len(agencies) == 1 else None
    routes = _insert_map(
        session,
        TransitRoute,
        row.id,
        [
            {
                "gtfs_id": k,
                "agency_id": agencies.get(v.get("agency_id", ""), only_agency),
                "short_name": v.get("route_short_name", "")[:100],
                "long_name": v.get("route_long_name", "")[:300],
                "route_type": int(v["route_type"]),
            }
            for k, v in feed.routes.items()
        ],
    )
    stops = _insert_map(
        session,
        TransitStop,
        row.id,
        [
            {"gtfs_id": k, "name": name[:300], "lat": lat, "lon": lon}
            for k, (name, lat, lon) in feed.stops.items()
        ],
    )
    used_shapes = {t.get("shape_id", "") for t in feed.trips.values()}
    _insert_map(
        session,
        TransitShape,
        row.id,
        [
            {"gtfs_id": k, "coordinates": [list(p) for p in v]}
            for k, v in feed.shapes.items()
            if k in used_shapes
        ],
    )
    _insert_map(
        session,
        TransitTrip,
        row.id,
        [
            {
                "gtfs_id": k,
                "route_id": routes[v["route_id"]],
                "headsign": v.get("trip_headsign", "")[:300],
                "shape_gtfs_id": v.get("shape_id", "")[:200],
                "stop_pattern": feed.patterns.get(k, []),
            }
            for k, v in feed.trips.items()
        ],
    )
    segments = derive_segments(feed, routes, stops)
    if segments:
        session.execute(insert(TransitSegment), [{**s, "feed_id": row.id} for s in segments])
    counts = {
        "agencies": len(agencies),
        "routes": len(routes),
        "stops": len(stops),
        "shapes": len(used_shapes & set(feed.shapes)),
        "trips": len(feed.trips),
        "segments": len(segments),
        "segments_from_shapes": sum(1 for s in segments if s["from_shape"]),
    }
    row.counts = counts
    return {**counts, "replaced": old is not None}


def _insert_map(
    session: Session, model: Any, feed_id: int, rows: list[dict[str, Any]]
) -> dict[str, int]:
    """Insert ``rows`` of ``model`` for the feed; GTFS id → database id."""
    if not rows:
        return {}
    session.execute(insert(model), [{**r, "feed_id": feed_id} for r in rows])
    found = session.execute(select(model.gtfs_id, model.id).where(model.feed_id == feed_id))
    return {gtfs_id: db_id for gtfs_id, db_id in found}


def derive_segments(
    feed: GtfsFeed, routes: dict[str, int], stops: dict[str, int]
) -> list[dict[str, Any]]:
    """One segment per route and pair of consecutive stops; a shape-cut piece wins over a
    straight line for the same pair."""
    patterns: set[tuple[str, str, tuple[str, ...]]] = set()
    for trip_id, sequence in feed.patterns.items():
        trip = feed.trips[trip_id]
        shape = trip.get("shape_id", "") if trip.get("shape_id", "") in feed.shapes else ""
        patterns.add((trip["route_id"], shape, tuple(sequence)))
    out: dict[tuple[int, int, int], dict[str, Any]] = {}
    for route, shape, stop_ids in sorted(patterns, key=lambda p: (p[1] == "", p)):
        pieces = _pieces(feed, shape, stop_ids)
        for (a, b), piece in zip(pairwise(stop_ids), pieces, strict=True):
            key = (routes[route], stops[a], stops[b])
            if a == b or key in out:
                continue
            out[key] = {
                "route_id": key[0],
                "from_stop_id": key[1],
                "to_stop_id": key[2],
                "coordinates": geo.wgs84_coordinates(piece),
                "length_m": round(piece.length, 1),
                "from_shape": bool(shape),
            }
    return list(out.values())


def _pieces(feed: GtfsFeed, shape: str, stop_ids: tuple[str, ...]) -> list[LineString]:
    lons = [feed.stops[s][2] for s in stop_ids]
    lats = [feed.stops[s][1] for s in stop_ids]
    x, y = geo.to_metric(lons, lats)
    points = list(zip(x.tolist(), y.tolist(), strict=True))
    if shape and len(feed.shapes[shape]) >= 2:
        return geo.cut_at_stops(geo.metric_line(feed.shapes[shape]), points)
    return [LineString([p, q]) for p, q in pairwise(points)]
