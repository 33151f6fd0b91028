"""The coverage index answered by PostGIS (see ``domstadt.infrastructure.postgis``): the
nearest site by KNN (``<->`` on the GiST index of UTM 32N points), point-in-cell by
``ST_Intersects`` on the WGS84 cells; the same rules as the STRtree index (feature id order,
ties within ``TIE_M`` to the lowest id), so both give the same answers. Also the filling of
the coverage side tables."""

from __future__ import annotations

import orjson
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from domstadt.infrastructure.coverage.features import POINT_KINDS
from domstadt.infrastructure.coverage.geo import distance_m, to_metric
from domstadt.infrastructure.coverage.index import TIE_M, Cell, CoverageIndex, Site

_POINT_KINDS = "(" + ", ".join(f"'{k}'" for k in POINT_KINDS) + ")"
_PT = "ST_SetSRID(ST_MakePoint(:x, :y), 25832)"
_NEAREST = (
    "WITH best AS (SELECT ST_Distance(g.geom, " + _PT + ") AS d FROM coverage_site_geo g"
    " WHERE CAST(:network AS text) = ANY(g.networks) ORDER BY g.geom <-> " + _PT + " LIMIT 1) "
    "SELECT 1, l.name, '', f.name, '', NULL, NULL, '', f.min_lon, f.min_lat, f.id "
    "FROM best, coverage_site_geo g JOIN coverage_feature f ON f.id = g.feature_id "
    "JOIN coverage_layer l ON l.id = f.layer_id "
    "WHERE CAST(:network AS text) = ANY(g.networks) "
    "AND ST_DWithin(g.geom, " + _PT + ", best.d + :tie) ORDER BY f.id LIMIT 1"
)
_CELLS = (
    "SELECT 0, l.name, l.kind, f.name, CAST(f.networks AS text), f.available, f.value, f.unit,"
    " NULL, NULL, f.id "
    "FROM coverage_cell_geo g JOIN coverage_feature f ON f.id = g.feature_id "
    "JOIN coverage_layer l ON l.id = f.layer_id "
    "WHERE ST_Intersects(g.geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))"
)
_BOTH = text(f"({_CELLS}) UNION ALL ({_NEAREST}) ORDER BY 1, 11")
_MEASURED = text(
    "SELECT DISTINCT l.name, CAST(f.networks AS text) FROM coverage_feature f "
    f"JOIN coverage_layer l ON l.id = f.layer_id WHERE l.kind NOT IN {_POINT_KINDS}"
)


class PostgisCoverage(CoverageIndex):
    """The :class:`CoverageIndex` interface over the side tables, in one session."""

    def __init__(self, session: Session, measured: dict[str, set[str]]) -> None:
        super().__init__(measured=measured)
        self.session = session
        self._point: tuple[str, float, float] | None = None
        self._cells: list[Cell] = []
        self._site: Site | None = None

    def prefetch(self, network: str, lon: float, lat: float) -> None:
        """Cells at the point and the nearest site for ``network``: one round trip."""
        if self._point == (network, lon, lat):
            return
        x, y = to_metric().transform(lon, lat)
        rows = self.session.execute(
            _BOTH, {"x": x, "y": y, "lon": lon, "lat": lat, "network": network, "tie": TIE_M}
        ).all()
        self._cells = [
            Cell(r[3], r[1], r[2], tuple(orjson.loads(r[4])), r[5], r[6], r[7])
            for r in rows
            if r[0] == 0
        ]
        sites = [Site(r[3], r[1], r[8], r[9]) for r in rows if r[0] == 1]
        self._site = sites[0] if sites else None
        self._point = (network, lon, lat)

    def nearest(self, network: str, lon: float, lat: float) -> tuple[Site, float] | None:
        """The nearest site offering ``network`` and its distance in metres (haversine)."""
        self.prefetch(network, lon, lat)
        if self._site is None:
            return None
        return self._site, distance_m(lon, lat, self._site.lon, self._site.lat)

    def cells_at(self, lon: float, lat: float) -> list[Cell]:
        """The cells that contain the point (borders included), in feature id order; read
        by :meth:`prefetch` for the point (else with the nearest site of LoRaWAN)."""
        if self._point is None or self._point[1:] != (lon, lat):
            self.prefetch("lorawan", lon, lat)
        return self._cells


def measured_networks(session: Session) -> dict[str, set[str]]:
    """Layer name → the networks its cells speak about."""
    measured: dict[str, set[str]] = {}
    for layer, networks in session.execute(_MEASURED):
        measured.setdefault(layer, set()).update(orjson.loads(networks))
    return measured


def side_rows(session: Session) -> int:
    """Rows in both coverage side tables."""
    return int(
        session.scalar(
            text(
                "SELECT (SELECT count(*) FROM coverage_site_geo) "
                "+ (SELECT count(*) FROM coverage_cell_geo)"
            )
        )
        or 0
    )


def fill(connection: Connection | Session) -> None:
    """Side rows for every coverage feature that has none: cells read from the stored
    GeoJSON by PostGIS, sites projected to UTM 32N in Python (pyproj, as the STRtree index)."""
    connection.execute(
        text(
            "INSERT INTO coverage_cell_geo (feature_id, geom) "
            "SELECT f.id, ST_SetSRID(ST_GeomFromGeoJSON(CAST(f.geometry AS text)), 4326) "
            "FROM coverage_feature f JOIN coverage_layer l ON l.id = f.layer_id "
            f"WHERE l.kind NOT IN {_POINT_KINDS} AND NOT EXISTS "
            "(SELECT 1 FROM coverage_cell_geo g WHERE g.feature_id = f.id)"
        )
    )
    rows = connection.execute(
        text(
            "SELECT f.id, f.min_lon, f.min_lat, CAST(f.networks AS text) "
            "FROM coverage_feature f JOIN coverage_layer l ON l.id = f.layer_id "
            f"WHERE l.kind IN {_POINT_KINDS} AND NOT EXISTS "
            "(SELECT 1 FROM coverage_site_geo g WHERE g.feature_id = f.id)"
        )
    ).all()
    if not rows:
        return
    xs, ys = to_metric().transform([r[1] for r in rows], [r[2] for r in rows])
    params = [
        {"id": r[0], "networks": list(orjson.loads(r[3])), "x": float(x), "y": float(y)}
        for r, x, y in zip(rows, xs, ys, strict=True)
    ]
    connection.execute(
        text(
            "INSERT INTO coverage_site_geo (feature_id, networks, geom) "
            "VALUES (:id, :networks, ST_SetSRID(ST_MakePoint(:x, :y), 25832))"
        ),
        params,
    )
