"""Importing coverage layers from every format, on the real Cologne WLAN hotspots (City of
Cologne, Breitbandinfrastrukturkataster) and realistic gateway/site/cell files; bad input is
refused with a message naming what to fix, and nothing is half-imported."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from domstadt.core.db import Database
from domstadt.core.errors import Invalid
from domstadt.infrastructure.coverage.models import CoverageFeature, CoverageLayer
from tests.infrastructure.conftest import (
    CELLS,
    GATEWAYS,
    HOTSPOTS_CSV,
    HOTSPOTS_GEOJSON,
    HOTSPOTS_KML,
    SITES_UTM,
    hotspot_rows,
    layer_features,
    run_import,
    write_gpkg,
)


def _counts(db: Database) -> tuple[int, int]:
    with db.session() as session:
        layers = session.scalar(select(func.count(CoverageLayer.id)))
        features = session.scalar(select(func.count(CoverageFeature.id)))
    return int(layers or 0), int(features or 0)


def test_real_hotspots_from_csv_geojson_and_kml(db: Database) -> None:
    csv_layer = run_import(db, HOTSPOTS_CSV)
    assert csv_layer.feature_count == 200 and csv_layer.file_format == "csv"
    first = layer_features(db, csv_layer.id)[0]
    assert first.name == "AP-Aachener-Str-01" and first.networks == ["wlan"]
    assert first.geometry == {"type": "Point", "coordinates": [6.9372541, 50.936539]}
    assert first.properties["strassenname"] == "Aachener Straße"
    geojson = run_import(db, HOTSPOTS_GEOJSON)
    assert geojson.feature_count == 29 and geojson.crs == "EPSG:4326"
    kml = run_import(db, HOTSPOTS_KML)
    assert kml.feature_count == 20 and kml.file_format == "kml"
    assert layer_features(db, kml.id)[0].name == "AP-Aachener-Str-04"


def test_geopackage_in_utm_is_reprojected(db: Database, tmp_path: Path) -> None:
    rows = hotspot_rows()[:25]
    path = tmp_path / "hotspots.gpkg"
    write_gpkg(path, rows, 25832)
    layer = run_import(db, path)
    assert layer.feature_count == 25 and layer.crs == "EPSG:25832"
    lon, lat = layer_features(db, layer.id)[0].geometry["coordinates"]
    assert lon == pytest.approx(float(rows[0]["lon"]), abs=1e-6)
    assert lat == pytest.approx(float(rows[0]["lat"]), abs=1e-6)


def test_german_csv_utm_sites_and_measured_cells(db: Database) -> None:
    gateways = run_import(db, GATEWAYS, "lorawan-gateway")
    assert gateways.feature_count == 8
    assert layer_features(db, gateways.id)[0].geometry["coordinates"] == [6.9583, 50.9413]
    sites = run_import(db, SITES_UTM, "mobile-site", crs="EPSG:25832")
    site = layer_features(db, sites.id)[0]
    assert site.geometry["coordinates"] == pytest.approx([6.959, 50.943], abs=1e-5)
    assert {"5g", "nb-iot", "lte-m"} <= set(site.networks)
    cells = run_import(db, CELLS, "grid-cell")
    cell = layer_features(db, cells.id)[0]
    assert cell.value == 180.0 and cell.unit == "Mbit/s" and cell.available is True


def _refused(db: Database, match: str, **options: object) -> None:
    before = _counts(db)
    with pytest.raises(Invalid, match=match):
        run_import(db, **options)  # type: ignore[arg-type]
    assert _counts(db) == before, "nothing may be half-imported"


def test_swapped_coordinates_are_named_and_nothing_is_written(db: Database) -> None:
    text = HOTSPOTS_CSV.read_text(encoding="utf-8").splitlines()
    header = text[0].replace(",lon,lat", ",lat,lon")
    _refused(
        db,
        "Zeile 1: Breite und Länge sind vertauscht",
        content="\n".join([header, *text[1:]]).encode(),
        filename="swapped.csv",
    )
    # One bad row at the end of 200 good ones: the whole file is refused.
    rows = [*text, "999,Paris,AP-Paris,Rue,1,In Betrieb,2.3522,48.8566"]
    _refused(
        db,
        "Zeile 201: .*außerhalb Deutschlands",
        content="\n".join(rows).encode(),
        filename="paris.csv",
    )


def test_projection_problems(db: Database) -> None:
    _refused(
        db,
        "Unbekanntes Koordinatensystem „EPSG:999999“",
        path=SITES_UTM,
        kind="mobile-site",
        crs="EPSG:999999",
    )
    _refused(
        db,
        "außerhalb Deutschlands. Stimmt das Koordinatensystem",
        path=SITES_UTM,
        kind="mobile-site",
    )
    named = (
        b'{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:0"}},'
        b'"features":[]}'
    )
    _refused(db, "Unbekanntes Koordinatensystem|keine Objekte", content=named, filename="a.geojson")


@pytest.mark.parametrize(
    ("content", "filename", "match"),
    [
        (b'{"type": "FeatureCollection", "features": [', "broken.geojson", "Kein gültiges JSON"),
        (b"SQLite format 3\x00" + b"\x00" * 200, "broken.gpkg", "GeoPackage"),
        (b"PK\x03\x04 not a package", "broken.gpkg", "Keine GeoPackage-Datei"),
        (
            b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x "y">]><kml>&x;</kml>',
            "evil.kml",
            "DTD oder Entitäten",
        ),
        (b"<kml><Placemark>", "broken.kml", "kein gültiges XML"),
        (b"name;wert\nA;1\n", "nocoords.csv", "CSV ohne Koordinatenspalten"),
        (b"lon,lat\nabc,50.9\n", "text.csv", "Zeile 2: „lon“/„lat“ sind keine Zahlen"),
        (b"lon,lat\n", "empty.csv", "keine Objekte"),
        (b"x", "coverage.shp", "Dateiformat .* unbekannt"),
    ],
)
def test_broken_files(db: Database, content: bytes, filename: str, match: str) -> None:
    _refused(db, match, content=content, filename=filename)


def test_wrong_geometry_for_the_kind(db: Database) -> None:
    _refused(db, "passt nicht zur Art lorawan-gateway", path=CELLS, kind="lorawan-gateway")
    _refused(db, "Unbekannte Art", path=HOTSPOTS_CSV, kind="satellite")
