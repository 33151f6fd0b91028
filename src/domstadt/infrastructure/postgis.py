"""PostGIS beside the stored data (issue 12): detection, the side tables and their filling.

When the database is PostgreSQL and ``CREATE EXTENSION IF NOT EXISTS postgis`` succeeds (or
the extension is there already), three side tables hold the geometry of rows the ORM keeps as
JSON, each with a GiST index; a foreign key with ``ON DELETE CASCADE`` removes a side row with
its source row:

- ``coverage_site_geo``: sites (gateways, mobile sites, hotspots) as points in ETRS89 / UTM 32N
  (EPSG:25832) with their networks, for the nearest-site query (KNN ``<->``, ``ST_DWithin``);
- ``coverage_cell_geo``: measured cells and areas as WGS84 geometry, for point-in-cell;
- ``transit_segment_geo``: transit segments as metric lines, for snapping (``ST_DWithin``).

Metric coordinates are computed in Python with pyproj (the same transformation the shapely
path uses), so both paths compare the very same numbers. Rows are written with the data
(coverage import, feed import) and back-filled for data that existed before PostGIS was
installed. On SQLite, or PostgreSQL without PostGIS, nothing here is used.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

TABLES = ("coverage_site_geo", "coverage_cell_geo", "transit_segment_geo")
DDL = (
    "CREATE TABLE IF NOT EXISTS coverage_site_geo ("
    " feature_id bigint PRIMARY KEY REFERENCES coverage_feature (id) ON DELETE CASCADE,"
    " networks text[] NOT NULL, geom geometry(Point, 25832) NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ix_coverage_site_geo_geom ON coverage_site_geo USING gist (geom)",
    "CREATE TABLE IF NOT EXISTS coverage_cell_geo ("
    " feature_id bigint PRIMARY KEY REFERENCES coverage_feature (id) ON DELETE CASCADE,"
    " geom geometry(Geometry, 4326) NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ix_coverage_cell_geo_geom ON coverage_cell_geo USING gist (geom)",
    "CREATE TABLE IF NOT EXISTS transit_segment_geo ("
    " segment_id bigint PRIMARY KEY REFERENCES transit_segment (id) ON DELETE CASCADE,"
    " geom geometry(LineString, 25832) NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ix_transit_segment_geo_geom"
    " ON transit_segment_geo USING gist (geom)",
)
_LOCK_KEY = 4_212_012  # pg_advisory_xact_lock: one process creates the side tables at a time
_log = logging.getLogger("domstadt.infrastructure.postgis")
_lock = threading.Lock()
_known: dict[str, bool] = {}


def create_tables(connection: Connection) -> bool:
    """Create the extension (if allowed) and the side tables; False when PostGIS is missing.
    Runs in a savepoint, so a refused ``CREATE EXTENSION`` leaves the transaction usable."""
    if connection.dialect.name != "postgresql":
        return False
    present = " AND ".join(f"to_regclass('{t}') IS NOT NULL" for t in TABLES)
    if connection.scalar(text(f"SELECT {present}")):
        return True  # no DDL, so no lock on the tables the side tables reference
    try:
        with connection.begin_nested():
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
            for statement in DDL:
                connection.execute(text(statement))
    except DBAPIError as exc:
        _log.info("PostGIS not available, the shapely path is used: %s", exc.orig)
        return False
    return True


def drop_tables(connection: Connection) -> None:
    """Drop the side tables (the extension stays)."""
    if connection.dialect.name == "postgresql":
        for table in reversed(TABLES):
            connection.execute(text(f"DROP TABLE IF EXISTS {table}"))


def _url(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=True)


def available(session: Session) -> bool:
    """True when the database is PostgreSQL with PostGIS (detected once per process and
    database; the extension and side tables are created if missing, in a transaction of
    their own). The users back-fill side rows for data stored before (``complete``)."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    url = _url(session)
    with _lock:
        if url in _known:
            return _known[url]
    engine = session.get_bind().engine
    try:
        with engine.begin() as connection:
            connection.execute(text("SET LOCAL lock_timeout = '5s'"))
            found = create_tables(connection)
    except DBAPIError as exc:  # e.g. a lock held by a running import: try again next time
        _log.warning("PostGIS side tables not prepared now: %s", exc.orig)
        return False
    with _lock:
        _known[url] = found
    return found


def forget() -> None:
    """Detect again on next use (after the schema was dropped or PostGIS installed)."""
    with _lock:
        _known.clear()


def complete(session: Session, table: str, expected: int) -> bool:
    """True when ``table`` holds ``expected`` rows (every source row has its side row)."""
    return int(session.scalar(text(f"SELECT count(*) FROM {table}")) or 0) == expected
