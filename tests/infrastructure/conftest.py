"""Fixtures of the coverage tests: the samples (real Cologne WLAN hotspots, real Bonn and
Herrenberg LoRaWAN gateways and Darmstadt mobile sites, synthetic gateways, sites and cells;
sources in data/README.md), import and read-back helpers, the environment for CLI tests and a small
GeoPackage writer (OGC GeoPackage 1.2 with sqlite3 and shapely's WKB) for the GeoPackage
reader."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
import struct
from pathlib import Path

import shapely
from pyproj import Transformer
from sqlalchemy import select

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.infrastructure import coverage_service
from domstadt.infrastructure.coverage.models import CoverageFeature
from domstadt.infrastructure.coverage.schemas import CheckRequest, CheckResult, LayerPublic
from tests.masterplan.conftest import plan  # noqa: F401  (fixture)

DATA = Path(__file__).parent / "data"
HOTSPOTS_CSV = DATA / "koeln_wlan_hotspots.csv"
HOTSPOTS_GEOJSON = DATA / "koeln_wlan_hotspots.geojson"
HOTSPOTS_KML = DATA / "koeln_wlan_hotspots.kml"
GATEWAYS = DATA / "lorawan_gateways_synthetic.csv"
SITES_UTM = DATA / "mobile_sites_utm32_synthetic.csv"
CELLS = DATA / "mobile_grid_cells_synthetic.geojson"
HERRENBERG_GATEWAYS = DATA / "herrenberg_lorawan_gateways.geojson"
BONN_GATEWAYS = DATA / "bonn_lorawan_gateways.csv"
ULM_CELLS = DATA / "ulm_lorawan_measured_cells_250m.geojson"
DARMSTADT_SITES = DATA / "darmstadt_mobilfunk_standorte.csv"
DAY = dt.date(2023, 7, 6)


def layer_features(db: Database, layer_id: int) -> list[CoverageFeature]:
    """The stored features of a layer in import order, detached from their session."""
    with db.session() as session:
        rows = session.scalars(
            select(CoverageFeature)
            .where(CoverageFeature.layer_id == layer_id)
            .order_by(CoverageFeature.id)
        ).all()
        session.expunge_all()
        return list(rows)


def run_import(
    db: Database,
    path: Path | None = None,
    kind: str = "wlan-hotspot",
    *,
    content: bytes | None = None,
    filename: str | None = None,
    crs: str | None = None,
) -> LayerPublic:
    """Import through the service as the CLI does (committed unless it raises)."""
    with db.session() as session:
        return coverage_service.layer_import(
            session,
            actor=system_actor("tests"),
            content=content if content is not None else path.read_bytes(),  # type: ignore[union-attr]
            filename=filename or path.name,
            kind=kind,
            source="test",  # type: ignore[union-attr]
            licence="dl-de/by-2-0",
            data_date=DAY,
            crs=crs,
        )


def check_point(db: Database, lon: float, lat: float, network: str) -> CheckResult:
    """The planning check of a point, as anyone may run it."""
    with db.session() as session:
        return coverage_service.check(
            session,
            actor=system_actor("tests"),
            data=CheckRequest(lon=lon, lat=lat, network=network),  # type: ignore[arg-type]
        )


def import_all(db: Database) -> dict[str, LayerPublic]:
    """The real hotspots, the gateways, the sites (UTM 32N) and the measured cells."""
    return {
        "wlan": run_import(db, HOTSPOTS_CSV, "wlan-hotspot"),
        "lorawan": run_import(db, GATEWAYS, "lorawan-gateway"),
        "sites": run_import(db, SITES_UTM, "mobile-site", crs="EPSG:25832"),
        "cells": run_import(db, CELLS, "grid-cell"),
    }


def hotspot_rows() -> list[dict[str, str]]:
    """The real hotspot rows."""
    return list(csv.DictReader(io.StringIO(HOTSPOTS_CSV.read_text(encoding="utf-8"))))


def write_gpkg(path: Path, rows: list[dict[str, str]], epsg: int) -> None:
    """A GeoPackage with one point table ``hotspots`` in EPSG ``epsg``."""
    to_crs = Transformer.from_crs("EPSG:4326", f"EPSG:{epsg}", always_xy=True)
    con = sqlite3.connect(path)
    con.executescript(
        "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY,"
        " organization TEXT, organization_coordsys_id INTEGER, definition TEXT);"
        "CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT,"
        " identifier TEXT, srs_id INTEGER);"
        "CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT,"
        " geometry_type_name TEXT, srs_id INTEGER, z INTEGER, m INTEGER);"
        "CREATE TABLE hotspots (fid INTEGER PRIMARY KEY, geom BLOB, ap_name TEXT);"
    )
    con.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, 'EPSG', ?, '')",
        (f"EPSG:{epsg}", epsg, epsg),
    )
    con.execute("INSERT INTO gpkg_contents VALUES ('hotspots', 'features', 'hotspots', ?)", (epsg,))
    con.execute(
        "INSERT INTO gpkg_geometry_columns VALUES ('hotspots','geom','POINT',?,0,0)", (epsg,)
    )
    for row in rows:
        x, y = to_crs.transform(float(row["lon"]), float(row["lat"]))
        header = b"GP" + bytes([0, 0b00000011]) + struct.pack("<i", epsg)
        envelope = struct.pack("<4d", x, x, y, y)
        blob = header + envelope + shapely.to_wkb(shapely.Point(x, y))
        con.execute("INSERT INTO hotspots (geom, ap_name) VALUES (?, ?)", (blob, row["ap_name"]))
    con.commit()
    con.close()
