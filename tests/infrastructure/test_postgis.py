"""The PostGIS path gives the same answers as the shapely path, on the real data: the coverage
check over the Cologne WLAN hotspots (with the sample gateways, sites and measured cells) and
the snapping over the VBB extract; its side tables follow imports and deletions. PostgreSQL
with PostGIS only (skipped, saying why, elsewhere)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy import select, text

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.infrastructure import coverage_service, postgis
from domstadt.infrastructure.coverage.verdict import DEFAULT_RADIUS_M, NETWORKS, judge
from domstadt.infrastructure.transit import geo, postgis_snap, store
from domstadt.infrastructure.transit.models import TransitSegment
from tests.conftest import PG_URL
from tests.infrastructure.conftest import hotspot_rows, import_all
from tests.infrastructure.transit_helpers import import_vbb


def _has_postgis(database: Database) -> bool:
    with database.session() as session:
        return postgis.available(session)


@pytest.fixture
def pgdb(request: pytest.FixtureRequest) -> Iterator[Database]:
    """The PostgreSQL test database when it has PostGIS."""
    if not PG_URL:
        pytest.skip("DOMSTADT_TEST_DATABASE_URL not set: the PostGIS path needs PostgreSQL")
    database: Database = request.getfixturevalue("db_postgresql")
    if not _has_postgis(database):
        pytest.skip(
            "PostGIS is not installed in this PostgreSQL (apt-get install "
            "postgresql-15-postgis-3): only the shapely path runs"
        )
    yield database


@pytest.fixture
def db_postgresql(request: pytest.FixtureRequest) -> Iterator[Database]:
    """The ``db`` fixture's PostgreSQL variant (truncated afterwards)."""
    from tests.conftest import _truncate_all

    database: Database = request.getfixturevalue("pg_database")
    yield database
    _truncate_all(database)


def _probe_points() -> list[tuple[float, float]]:
    """Every real hotspot, points 30–3,000 m beside them, and a grid over Cologne and over
    the measured cells (whose borders and corners lie on the grid)."""
    points = []
    for i, row in enumerate(hotspot_rows()):
        lon, lat = float(row["lon"]), float(row["lat"])
        shift = (30, 120, 900, 3000)[i % 4] / 111_320
        points += [(lon, lat), (lon + shift, lat), (lon, lat - shift)]
    points += [(6.85 + i * 0.01, 50.85 + j * 0.01) for i in range(26) for j in range(20)]
    points += [(6.92 + i * 0.005, 50.92 + j * 0.005) for i in range(9) for j in range(9)]
    return points


def test_coverage_check_is_the_same_with_postgis(pgdb: Database) -> None:
    import_all(pgdb)
    with pgdb.session() as session:
        fast = coverage_service.postgis_coverage(session)
        assert fast is not None, "side tables incomplete: the PostGIS path was not taken"
        assert type(coverage_service.coverage_index(session)) is type(fast)
        tree = coverage_service.strtree_index(session)
        assert fast.measured == tree.measured
        seen = set()
        for lon, lat in _probe_points():
            for network in NETWORKS:
                radius = DEFAULT_RADIUS_M[network]
                ours, theirs = (
                    judge(fast, network, lon, lat, radius),
                    judge(tree, network, lon, lat, radius),
                )
                assert ours == theirs, (lon, lat, network)
                seen.add((ours.status, ours.basis))
    # The probes reach every kind of verdict, so the comparison covers every branch.
    assert {("covered", "modelled"), ("edge", "modelled"), ("gap", "modelled")} <= seen
    assert {("covered", "measured"), ("gap", "measured")} <= seen


def test_coverage_side_rows_follow_imports_and_deletions(pgdb: Database) -> None:
    layers = import_all(pgdb)
    count = (
        "SELECT (SELECT count(*) FROM coverage_site_geo) + (SELECT count(*) FROM coverage_cell_geo)"
    )
    with pgdb.session() as session:
        assert session.scalar(text(count)) == sum(la.feature_count for la in layers.values())
        coverage_service.layer_delete(
            session, actor=system_actor("tests"), layer_id=layers["wlan"].id
        )
    with pgdb.session() as session:
        left = sum(la.feature_count for name, la in layers.items() if name != "wlan")
        assert session.scalar(text(count)) == left
        # Rows lost (e.g. data stored before PostGIS was installed) are written again on
        # the next check, which meanwhile answers from the STRtree.
        session.execute(text("DELETE FROM coverage_cell_geo"))
    with pgdb.session() as session:
        assert coverage_service.postgis_coverage(session) is None
    with pgdb.session() as session:
        assert coverage_service.postgis_coverage(session) is not None
        assert session.scalar(text(count)) == left


def test_snapping_is_the_same_with_postgis(pgdb: Database) -> None:
    import_vbb(pgdb)
    rng = np.random.default_rng(12)
    with pgdb.session() as session:
        coords = [
            c
            for (c,) in session.execute(
                select(TransitSegment.coordinates).order_by(TransitSegment.id)
            )
        ]
        # Points near vertices of the real lines (0–60 m off, the tolerance is 50 m) and
        # anywhere in the extract's box.
        vertices = np.array([v for c in coords for v in c])
        picks = vertices[rng.integers(0, len(vertices), 3000)]
        offset = rng.normal(0, 30, (3000, 2)) / 111_320 * np.array([1.6, 1.0])
        box = rng.uniform(vertices.min(0), vertices.max(0), (1000, 2))
        points = np.vstack([picks + offset, box])
        fast, ids = store.snapper(session, 50.0)
        assert isinstance(fast, postgis_snap.PostgisSnapper)
        tree, tree_ids = store.snapper(session, 50.0, with_postgis=False)
        assert isinstance(tree, geo.Snapper) and ids == tree_ids
        ours = fast.snap(points[:, 0], points[:, 1])
        theirs = tree.snap(points[:, 0], points[:, 1])
    assert np.array_equal(ours.index, theirs.index)
    on = ours.index >= 0
    assert np.array_equal(np.round(ours.distance[on], 1), np.round(theirs.distance[on], 1))
    assert 1000 < on.sum() < len(points)  # both on-route and off-route points compared
    lines = [geo.metric_line(c) for c in coords]
    x, y = geo.to_metric(points[:200, 0], points[:200, 1])
    brute = [geo.brute_force_nearest(lines, a, b, 50.0)[0] for a, b in zip(x, y, strict=True)]
    assert ours.index[:200].tolist() == brute
