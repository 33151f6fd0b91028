"""Measurements and aggregates in the database: snapping and inserting measurements,
re-snapping after a feed changed, refreshing the per-segment aggregates, and the network the
snapper is built from (cached per process until the segments change)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from domstadt.infrastructure.transit import geo, postgis_snap, stats
from domstadt.infrastructure.transit.measurements import MeasurementData
from domstadt.infrastructure.transit.models import (
    TransitFeed,
    TransitGapStat,
    TransitMeasurement,
    TransitSegment,
    TransitSyncState,
)

BATCH = 5_000
GAPS_VERSION = "gaps"
"""``transit_sync_state`` row holding a random token per aggregate refresh (the gap map's
version)."""
GAPS_STAMP = "gaps_stamp"
"""``transit_sync_state`` row counting the aggregate refreshes; each stamps the segments it
touched (``transit_segment.gap_stamp``)."""
REFRESHED_IN = "transit_gaps_refreshed_in"
"""``session.info`` key: the transaction that last refreshed aggregates in this session."""
MEASUREMENTS = cast(Table, TransitMeasurement.__table__)
GAP_STATS = cast(Table, TransitGapStat.__table__)
_cache: dict[str, Any] = {}


def network_key(session: Session) -> tuple[str, int, int, str]:
    """Changes whenever segments are replaced: the database, the segments' count and highest
    id, and the newest feed import (SQLite may hand out the same ids again)."""
    count, top = session.execute(
        select(func.count(TransitSegment.id), func.max(TransitSegment.id))
    ).one()
    newest = session.scalar(select(func.max(TransitFeed.imported_at)))
    url = session.get_bind().engine.url.render_as_string(hide_password=True)
    return url, int(count or 0), int(top or 0), str(newest)


def snapper(
    session: Session, tolerance_m: float, *, with_postgis: bool = True
) -> tuple[geo.Snapper | postgis_snap.PostgisSnapper, list[int]]:
    """The snapper over every segment and the segment ids in its order: PostGIS when the
    database has it (``with_postgis``), else the STRtree (built once per network)."""
    key = network_key(session)
    if with_postgis and session.get_bind().dialect.name == "postgresql":
        if _cache.get("pg_key") != key:
            ids = list(session.scalars(select(TransitSegment.id).order_by(TransitSegment.id)))
            usable, settled = postgis_snap.prepare(session, ids)
            if usable:
                # Trusted for later calls only when no row had to be written (a rollback
                # would take written rows away again).
                _cache.update(pg_key=key if settled else None, pg_ids=ids)
                return postgis_snap.PostgisSnapper(session, ids, tolerance_m), ids
        else:
            ids = _cache["pg_ids"]
            return postgis_snap.PostgisSnapper(session, ids, tolerance_m), ids
    return _strtree(session, key, tolerance_m)


def _strtree(session: Session, key: Any, tolerance_m: float) -> tuple[geo.Snapper, list[int]]:
    if _cache.get("key") != (key, tolerance_m):
        rows = session.execute(
            select(TransitSegment.id, TransitSegment.coordinates).order_by(TransitSegment.id)
        ).all()
        lines = [geo.metric_line(coords) for _, coords in rows]
        _cache.update(
            key=(key, tolerance_m),
            snapper=geo.Snapper(lines, tolerance_m),
            ids=[r[0] for r in rows],
        )
    return _cache["snapper"], _cache["ids"]


def known_refs(session: Session, refs: Sequence[str]) -> set[str]:
    """Which of ``refs`` are stored already."""
    found: set[str] = set()
    for start in range(0, len(refs), 900):
        chunk = list(refs[start : start + 900])
        found |= set(
            session.scalars(select(TransitMeasurement.ref).where(TransitMeasurement.ref.in_(chunk)))
        )
    return found


def add_measurements(
    session: Session, items: list[MeasurementData], tolerance_m: float, *, with_postgis: bool = True
) -> tuple[int, int, set[int]]:
    """Snap and insert; returns (on route, off route, touched segment ids)."""
    snap, ids = snapper(session, tolerance_m, with_postgis=with_postgis)
    on = off = 0
    touched: set[int] = set()
    for start in range(0, len(items), BATCH):
        batch = items[start : start + BATCH]
        result = snap.snap([m.lon for m in batch], [m.lat for m in batch])
        rows = []
        for m, index, dist in zip(
            batch, result.index.tolist(), result.distance.tolist(), strict=True
        ):
            segment = ids[index] if index >= 0 else None
            if segment is None:
                off += 1
            else:
                on += 1
                touched.add(segment)
            rows.append(
                {
                    **vars(m),
                    "month": m.month,
                    "segment_id": segment,
                    "distance_m": None if segment is None else round(dist, 1),
                }
            )
        # Core executemany on the table: one statement per batch (the ORM bulk path splits
        # rows by their None pattern into thousands of statements).
        session.execute(MEASUREMENTS.insert(), rows)
    return on, off, touched


def resnap_all(session: Session, tolerance_m: float, *, with_postgis: bool = True) -> int:
    """Snap every stored measurement again (after the network changed); rebuilds all
    aggregates. Returns how many measurements were looked at."""
    snap, ids = snapper(session, tolerance_m, with_postgis=with_postgis)
    last = 0
    total = 0
    while True:
        rows = session.execute(
            select(TransitMeasurement.id, TransitMeasurement.lon, TransitMeasurement.lat)
            .where(TransitMeasurement.id > last)
            .order_by(TransitMeasurement.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        result = snap.snap([r[1] for r in rows], [r[2] for r in rows])
        params = [
            {"mid": r[0], "seg": ids[i] if i >= 0 else None, "dist": None if i < 0 else round(d, 1)}
            for r, i, d in zip(rows, result.index.tolist(), result.distance.tolist(), strict=True)
        ]
        session.connection().execute(
            update(MEASUREMENTS)
            .where(MEASUREMENTS.c.id == bindparam("mid"))
            .values(segment_id=bindparam("seg"), distance_m=bindparam("dist")),
            params,
        )
        last = rows[-1][0]
        total += len(rows)
    refresh_stats(session, None)
    return total


def refresh_stats(session: Session, segment_ids: Iterable[int] | None) -> None:
    """Recompute the aggregates of ``segment_ids`` (all segments for None) and bump the gap
    map's version (readers cache what they built for a version)."""
    version = session.get(TransitSyncState, GAPS_VERSION) or TransitSyncState(
        name=GAPS_VERSION, last_id=0
    )
    version.last_id = secrets.randbits(62)  # never reused, even after a rollback
    session.add(version)
    session.flush()
    session.info[REFRESHED_IN] = session.get_transaction()
    stamp = next_stamp(session)
    wanted = None if segment_ids is None else sorted(set(segment_ids))
    chunks: list[list[int] | None] = (
        [None] if wanted is None else [wanted[i : i + 500] for i in range(0, len(wanted), 500)]
    )
    for chunk in chunks:
        gone = delete(TransitGapStat)
        query = select(
            TransitMeasurement.segment_id,
            TransitMeasurement.month,
            TransitMeasurement.operator,
            TransitMeasurement.no_connection,
            TransitMeasurement.down_mbit,
            TransitMeasurement.latency_ms,
        ).where(TransitMeasurement.segment_id.is_not(None))
        stamped = update(TransitSegment).values(gap_stamp=stamp)
        if chunk is not None:
            gone = gone.where(TransitGapStat.segment_id.in_(chunk))
            query = query.where(TransitMeasurement.segment_id.in_(chunk))
            stamped = stamped.where(TransitSegment.id.in_(chunk))
        session.execute(stamped, execution_options={"synchronize_session": False})
        session.execute(gone)
        buckets = stats.aggregate(session.execute(query).all())  # type: ignore[arg-type]
        rows = [
            {
                "segment_id": seg,
                "month": month,
                "operator": op,
                "count": b.count,
                "dead": b.dead,
                "median_down_mbit": stats.median(b.downs),
                "median_latency_ms": stats.median(b.latencies),
            }
            for (seg, month, op), b in buckets.items()
        ]
        for start in range(0, len(rows), BATCH):
            session.execute(GAP_STATS.insert(), rows[start : start + BATCH])


def next_stamp(session: Session) -> int:
    """The next refresh number: one atomic increment (concurrent refreshes get distinct,
    increasing numbers in the order they commit)."""
    raise_row = update(TransitSyncState).where(TransitSyncState.name == GAPS_STAMP)
    found = session.execute(
        raise_row.values(last_id=TransitSyncState.last_id + 1).returning(TransitSyncState.last_id),
        execution_options={"synchronize_session": False},
    ).scalar()
    if found is None:
        session.add(TransitSyncState(name=GAPS_STAMP, last_id=1))
        session.flush()
        return 1
    return int(found)
