"""The gap map kept per process is rebuilt only for the segments a write touched, and is
always the map built from scratch: after writes, after a write that rolled back, and after
the network changed (the real VBB extract, both engines)."""

from __future__ import annotations

import orjson
from sqlalchemy import select

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.infrastructure import transit_service
from domstadt.infrastructure.transit import gaps
from domstadt.infrastructure.transit.models import TransitSegment
from tests.infrastructure.transit_helpers import csv_rows, import_vbb, midpoint, near


def _segments(db: Database) -> list[tuple[int, list[list[float]]]]:
    with db.session() as session:
        rows = session.execute(
            select(TransitSegment.id, TransitSegment.coordinates).order_by(TransitSegment.id)
        )
        return [(r[0], r[1]) for r in rows]


def _csv(segment: list[list[float]], n: int, day: int, down: float) -> bytes:
    lon, lat = near(*midpoint(segment), 5)
    rows = [
        {"time": f"2026-03-{day:02d}T08:{i:02d}:00Z", "lat": lat, "lon": lon, "down_mbit": down}
        for i in range(n)
    ]
    return csv_rows(rows)


def _upload(session: object, content: bytes, name: str) -> None:
    transit_service.measurements_import(
        session,  # type: ignore[arg-type]
        actor=system_actor("tests"),
        content=content,
        filename=name,
    )


def _map(db: Database) -> tuple[bytes, bytes]:
    """(the kept map, the map built from scratch), read in one session."""
    with db.session() as session:
        return gaps.geojson_bytes(session, "", ""), gaps.build_geojson(session, "", "")


def _counts(data: bytes) -> dict[int, int]:
    return {f["id"]: f["properties"]["count"] for f in orjson.loads(data)["features"]}


def test_gap_map_follows_writes_segment_by_segment(db: Database) -> None:
    import_vbb(db)
    segments = _segments(db)
    first, second = segments[3], segments[40]
    kept, fresh = _map(db)
    assert kept == fresh and set(_counts(kept).values()) == {0}
    with db.session() as session:
        _upload(session, _csv(first[1], 12, 1, 30.0), "a.csv")
    kept, fresh = _map(db)
    assert kept == fresh
    (a,) = [segment for segment, count in _counts(kept).items() if count]  # where they snapped
    assert _counts(kept)[a] == 12
    # A write that rolls back after reading its own map leaves the kept map untouched …
    try:
        with db.session() as session:
            _upload(session, _csv(second[1], 5, 2, 1.0), "rolled-back.csv")
            counts = _counts(gaps.geojson_bytes(session, "", ""))
            (b,) = [segment for segment, count in counts.items() if count == 5]
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    kept, fresh = _map(db)
    assert kept == fresh and _counts(kept)[b] == 0
    # … and the next writes (one touching the first segment again) are taken in.
    with db.session() as session:
        _upload(session, _csv(second[1], 7, 3, 1.0), "b.csv")
    with db.session() as session:
        _upload(session, _csv(first[1], 2, 4, 30.0), "c.csv")
    kept, fresh = _map(db)
    assert kept == fresh
    assert (_counts(kept)[a], _counts(kept)[b]) == (14, 7)
    # A new network (the feed imported again) is built anew.
    import_vbb(db)
    kept, fresh = _map(db)
    assert kept == fresh and len(_counts(kept)) == len(segments)
