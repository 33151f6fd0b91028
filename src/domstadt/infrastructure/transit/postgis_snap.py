"""Snapping measurements with PostGIS (see ``domstadt.infrastructure.postgis``): the points,
projected to UTM 32N in Python, go to the database as arrays; ``ST_DWithin`` on the GiST
index of ``transit_segment_geo`` finds the candidates and ``ST_Distance`` measures them; the
nearest is picked by :func:`geo.pick_nearest`, the rule the STRtree snapper uses."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import orjson
import shapely
from numpy.typing import ArrayLike
from sqlalchemy import text
from sqlalchemy.orm import Session

from domstadt.infrastructure import postgis
from domstadt.infrastructure.transit import geo

MARGIN_M = 0.001
"""The database looks a millimetre further than the tolerance; the exact cut is
:func:`geo.pick_nearest`'s (so both paths cut at the same distance)."""
_CANDIDATES = text(
    "SELECT p.i, g.segment_id, ST_Distance(g.geom, p.pt) FROM ("
    " SELECT t.i, ST_SetSRID(ST_MakePoint(t.x, t.y), 25832) AS pt"
    " FROM unnest(CAST(:i AS int[]), CAST(:x AS float8[]), CAST(:y AS float8[])) AS t(i, x, y)"
    ") p JOIN transit_segment_geo g ON ST_DWithin(g.geom, p.pt, :reach)"
)


class PostgisSnapper:
    """The :class:`geo.Snapper` interface over ``transit_segment_geo`` in one session;
    indexes are positions in ``ids`` (the segment ids in id order)."""

    def __init__(self, session: Session, ids: Sequence[int], tolerance_m: float) -> None:
        self.session = session
        self.position = {segment: i for i, segment in enumerate(ids)}
        self.tolerance = tolerance_m

    def snap(self, lons: ArrayLike, lats: ArrayLike) -> geo.Snapped:
        """One nearest segment (the lowest on a tie) per point, or -1."""
        n = len(np.asarray(lons))
        if n == 0 or not self.position:
            none = np.empty(0, np.int64)
            return geo.pick_nearest(n, none, none, np.empty(0), self.tolerance)
        x, y = geo.to_metric(lons, lats)
        # The planner's estimate of a 100,000-row unnest turns JIT on: compiling costs more
        # than it saves here (measured: 8,500 → 12,900 points/s).
        self.session.execute(text("SET LOCAL jit = off"))
        rows = self.session.execute(
            _CANDIDATES,
            {
                "i": list(range(n)),
                "x": x.tolist(),
                "y": y.tolist(),
                "reach": self.tolerance + MARGIN_M,
            },
        ).all()
        points = np.fromiter((r[0] for r in rows), np.int64, len(rows))
        keys = np.fromiter((self.position[r[1]] for r in rows), np.int64, len(rows))
        dist = np.fromiter((r[2] for r in rows), float, len(rows))
        return geo.pick_nearest(n, points, keys, dist, self.tolerance)


def prepare(session: Session, ids: Sequence[int]) -> tuple[bool, bool]:
    """(PostGIS can snap, nothing had to be written): available, and every segment has its
    side row (missing ones are written now, in this session, which may still roll back)."""
    if not postgis.available(session):
        return False, False
    if postgis.complete(session, "transit_segment_geo", len(ids)):
        return True, True
    rows = session.execute(
        text(
            "SELECT s.id, CAST(s.coordinates AS text) FROM transit_segment s WHERE NOT EXISTS "
            "(SELECT 1 FROM transit_segment_geo g WHERE g.segment_id = s.id) ORDER BY s.id"
        )
    ).all()
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        lines = [geo.metric_line(orjson.loads(r[1])) for r in chunk]
        insert_lines(session, [r[0] for r in chunk], lines)
    return postgis.complete(session, "transit_segment_geo", len(ids)), False


def insert_lines(session: Session, ids: Sequence[int], lines: Sequence[object]) -> None:
    """Side rows for segments ``ids`` with their metric lines (WKB)."""
    wkbs = shapely.to_wkb(np.asarray(lines, dtype=object))
    session.execute(
        text(
            "INSERT INTO transit_segment_geo (segment_id, geom) "
            "VALUES (:id, ST_GeomFromWKB(:wkb, 25832))"
        ),
        [{"id": i, "wkb": bytes(w)} for i, w in zip(ids, wkbs, strict=True)],
    )
