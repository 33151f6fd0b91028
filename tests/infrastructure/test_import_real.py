"""Importing real coverage files from outside (sources and licences in data/README.md): the
LoRaWAN gateways of the Bonn measurement study (CSV, dl-de/by-2-0), those of Herrenberg
(GeoJSON with a nested icon object and a `name` that is the same on every gateway), the mobile
sites of Darmstadt (CSV with only `longitude`, `latitude`) and the measured LoRaWAN cells of
Ulm (GeoJSON in UTM 32N, built from real drive-test packets). Checked as a user meets them:
every row arrives, the layer records source, licence and date, no property is cut, and a point
near a real gateway or site gets the right verdict. Beside them the refusals that replace
silent cutting, on the same files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from domstadt.cli import app
from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.core.errors import Invalid
from domstadt.infrastructure import coverage_service
from domstadt.infrastructure.coverage.geo import distance_m
from domstadt.infrastructure.coverage.models import CoverageFeature, CoverageLayer
from domstadt.infrastructure.coverage.schemas import LayerPublic
from tests.infrastructure.conftest import (
    BONN_GATEWAYS,
    DARMSTADT_SITES,
    HERRENBERG_GATEWAYS,
    ULM_CELLS,
    check_point,
    hotspot_rows,
    layer_features,
    write_gpkg,
)

BONN = {
    "kind": "lorawan-gateway",
    "source": "Hochschule Bonn-Rhein-Sieg, MCLab: lora-bonn, survey/gateways.csv",
    "licence": "dl-de/by-2-0",
    "data_date": dt.date(2021, 5, 11),
}
HERRENBERG = {
    "kind": "lorawan-gateway",
    "source": "Stadtnavi Herrenberg, LoRaWAN-Gateways (HSLdevcom/digitransit-ui)",
    "licence": "EUPL-1.2 oder AGPL-3.0 (Lizenz des Repositoriums)",
    "data_date": dt.date(2020, 11, 19),
}
ULM = {
    "kind": "grid-cell",
    "source": "Verschwörhaus Ulm, ttn-ulm-coverage-map data/data_2017.json, 250-m-Zellen",
    "licence": "MIT (Lizenz des Repositoriums)",
    "data_date": dt.date(2021, 1, 25),
}
DARMSTADT = {
    "kind": "mobile-site",
    "source": "TU Darmstadt, Telecooperation Lab: darmstadt-cellular (aus der EMF-Datenbank)",
    "licence": "MIT (Lizenz des Repositoriums)",
    "data_date": dt.date(2018, 5, 25),
}


def _import(db: Database, path: Path, meta: dict[str, Any], content: bytes | None = None) -> Any:
    with db.session() as session:
        return coverage_service.layer_import(
            session,
            actor=system_actor("tests"),
            content=path.read_bytes() if content is None else content,
            filename=path.name,
            **meta,
        )


def _file_gateways() -> list[dict[str, Any]]:
    features: list[dict[str, Any]] = json.loads(HERRENBERG_GATEWAYS.read_text("utf-8"))["features"]
    return features


def _file_sites() -> list[tuple[float, float]]:
    rows = csv.DictReader(io.StringIO(DARMSTADT_SITES.read_text("utf-8")))
    return [(float(row["longitude"]), float(row["latitude"])) for row in rows]


def _recorded(layer: LayerPublic, meta: dict[str, Any]) -> None:
    assert (layer.source, layer.licence, layer.data_date) == (
        meta["source"],
        meta["licence"],
        meta["data_date"],
    )


def test_bonn_gateways_and_checks_near_them(db: Database) -> None:
    rows = list(csv.DictReader(io.StringIO(BONN_GATEWAYS.read_text("utf-8"))))
    layer = _import(db, BONN_GATEWAYS, BONN)
    assert layer.feature_count == len(rows) == 9  # none refused
    _recorded(layer, BONN)
    stored = layer_features(db, layer.id)
    assert [f.name for f in stored] == [row["id"] for row in rows]
    assert [f.properties for f in stored] == [
        {"id": row["id"], "antenna_height": row["antenna_height"]} for row in rows
    ]
    assert stored[3].geometry["coordinates"] == [7.073951, 50.743357]
    # 250 m east of gateway 08d5 (Feuerwehrwache 1 in the study's map).
    near = check_point(db, 7.077505, 50.743357, "lorawan")
    assert near.status == "covered" and near.nearest is not None
    assert near.nearest.name == "08d5"
    assert near.nearest.distance_m == pytest.approx(250.0, abs=2.0)
    # In the Siebengebirge the nearest, 0917 at the Mäuseturm, is 5 km away.
    hills = check_point(db, 7.25, 50.66, "lorawan")
    assert hills.status == "gap" and hills.nearest and hills.nearest.name == "0917"
    assert hills.nearest.distance_m == pytest.approx(
        distance_m(7.25, 50.66, 7.192042, 50.689034), abs=0.1
    )
    # The Bonn network does not reach Cologne Cathedral, 22 km north.
    dom = check_point(db, 6.9580, 50.9413, "lorawan")
    assert dom.status == "gap" and dom.nearest and dom.nearest.distance_m > 20000


def test_herrenberg_gateways_arrive_whole_with_their_own_names(db: Database) -> None:
    in_file = _file_gateways()
    layer = _import(db, HERRENBERG_GATEWAYS, HERRENBERG)
    assert layer.feature_count == len(in_file) == 10  # none refused
    _recorded(layer, HERRENBERG)
    stored = layer_features(db, layer.id)
    # `name` is "LoRaWAN Gateway" on all ten: the gateways are named by their EUI instead.
    assert [f.name for f in stored] == [g["properties"]["id"] for g in in_file]
    assert len({f.name for f in stored}) == 10
    for feature, original in zip(stored, in_file, strict=True):
        assert feature.networks == ["lorawan"]
        assert feature.geometry["coordinates"] == pytest.approx(
            original["geometry"]["coordinates"], abs=1e-7
        )
        # Every property as in the file, the nested icon (an SVG of 1,800 characters) too.
        assert feature.properties == original["properties"]
    assert len(stored[0].properties["icon"]["svg"]) > 1500
    # Gateway 0005 carries latitude/longitude properties that differ from its geometry:
    # kept as data, the geometry decides where it is.
    last = stored[-1]
    assert last.properties["latitude"] == 48.59504191
    assert last.geometry["coordinates"] == [8.877581, 48.5909327]


def test_the_map_shows_our_name_and_keeps_the_files(db: Database) -> None:
    layer = _import(db, HERRENBERG_GATEWAYS, HERRENBERG)
    with db.session() as session:
        shown = coverage_service.layer_geojson(session, actor=system_actor("t"), layer_id=layer.id)
    first = shown["features"][0]["properties"]
    # The map's tooltip reads `name`: the gateway's EUI, not the file's "LoRaWAN Gateway".
    assert first["name"] == "eui-7276ff000b03241e" and first["networks"] == ["lorawan"]
    assert first["datei_name"] == "LoRaWAN Gateway" and first["address"] == "LRABB_Herrenberg_01"
    assert shown["layer"]["licence"] == HERRENBERG["licence"]


def test_checks_near_real_herrenberg_gateways(db: Database) -> None:
    _import(db, HERRENBERG_GATEWAYS, HERRENBERG)
    # 300 m north of LRABB_Herrenberg_01 (8.8291755, 48.6226392).
    near = check_point(db, 8.8291755, 48.6253372, "lorawan")
    assert near.status == "covered" and near.nearest is not None
    assert near.nearest.name == "eui-7276ff000b03241e"
    assert near.nearest.distance_m == pytest.approx(300.0, abs=1.0)
    assert near.reason_de == "LoRaWAN-Gateway eui-7276ff000b03241e in 300 m (Radius 2,0 km)"
    # 1.7 km west of LRABB_Herrenberg_04 (8.8303055, 48.5834651): inside 2 km, beyond 75 %.
    edge = check_point(db, 8.8072, 48.5834651, "lorawan")
    assert edge.status == "edge" and edge.nearest is not None
    assert edge.nearest.name == "eui-7276ff000b032410"
    assert 1500 < edge.nearest.distance_m < 2000
    # Nagold, 8.6 km south-west of the nearest gateway: none within 2 km.
    far = check_point(db, 8.7240, 48.5520, "lorawan")
    assert far.status == "gap" and far.nearest is not None
    assert far.nearest.distance_m == pytest.approx(8569.0, abs=1.0)
    assert far.reason_de.startswith("kein LoRaWAN-Gateway im Umkreis von 2,0 km")


def test_darmstadt_sites_arrive_whole(db: Database) -> None:
    in_file = _file_sites()
    layer = _import(db, DARMSTADT_SITES, DARMSTADT)
    assert layer.feature_count == len(in_file) == 205  # none refused
    assert layer.file_format == "csv" and layer.crs == "EPSG:4326"
    _recorded(layer, DARMSTADT)
    stored = layer_features(db, layer.id)
    assert [tuple(f.geometry["coordinates"]) for f in stored] == in_file
    # Without a technology column a site is taken to offer LTE with NB-IoT and LTE-M.
    assert {tuple(f.networks) for f in stored} == {("lte", "nb-iot", "lte-m")}
    # The file has no name column and nothing else: sites are numbered, nothing is invented.
    assert stored[0].name == "#1" and stored[0].properties == {}


def test_checks_near_real_darmstadt_sites(db: Database) -> None:
    _import(db, DARMSTADT_SITES, DARMSTADT)
    luisenplatz = (8.6512, 49.8728)
    result = check_point(db, *luisenplatz, "nb-iot")
    assert result.status == "covered" and result.basis == "modelled"
    # The nearest site, found here by brute force over the file's rows.
    expected = min(_file_sites(), key=lambda site: distance_m(*luisenplatz, *site))
    assert result.nearest is not None
    assert (result.nearest.lon, result.nearest.lat) == pytest.approx(expected, abs=1e-7)
    assert result.nearest.distance_m == pytest.approx(distance_m(*luisenplatz, *expected), abs=0.1)
    # In the Odenwald east of the city the nearest site of the file is farther than 3 km.
    odenwald = check_point(db, 8.95, 49.70, "nb-iot")
    assert odenwald.status == "gap" and odenwald.nearest is not None
    assert odenwald.nearest.distance_m > 3000
    # The file says nothing about LoRaWAN or WLAN.
    assert check_point(db, *luisenplatz, "lorawan").status == "unknown"


def test_measured_ulm_cells_decide_where_packets_arrived(db: Database) -> None:
    in_file = json.loads(ULM_CELLS.read_text("utf-8"))["features"]
    layer = _import(db, ULM_CELLS, ULM)
    assert layer.feature_count == len(in_file) == 334  # none refused
    assert layer.crs == "EPSG:25832"  # named by the file's crs member
    _recorded(layer, ULM)
    stored = layer_features(db, layer.id)
    busiest = next(f for f in stored if f.name == "250mN21443E2287")
    assert busiest.networks == ["lorawan"] and busiest.available is True
    assert (busiest.value, busiest.unit) == (-76.0, "dBm")
    assert busiest.properties["pakete"] == 2450 and len(busiest.properties["gateways"]) == 7
    # The cell's south-west corner (571750, 5360750) in WGS84.
    assert busiest.geometry["coordinates"][0][0] == pytest.approx([9.9692975, 48.395826], abs=1e-6)
    # In the middle of that cell, the measurement decides.
    inside = check_point(db, 9.971007, 48.396936, "lorawan")
    assert inside.status == "covered" and inside.basis == "measured"
    assert inside.reason_de == "gemessene Abdeckung: Zelle 250mN21443E2287 bietet LoRaWAN (-76 dBm)"
    # The cells speak about LoRaWAN only.
    assert check_point(db, 9.971007, 48.396936, "nb-iot").status == "unknown"


def test_real_files_through_the_cli(db: Database, cli_env: None) -> None:
    runner = CliRunner()
    files = (
        (BONN_GATEWAYS, BONN),
        (HERRENBERG_GATEWAYS, HERRENBERG),
        (DARMSTADT_SITES, DARMSTADT),
        (ULM_CELLS, ULM),
    )
    for path, meta in files:
        result = runner.invoke(
            app,
            [
                "infrastructure",
                "coverage",
                "import",
                str(path),
                "--kind",
                meta["kind"],
                "--source",
                meta["source"],
                "--licence",
                meta["licence"],
                "--date",
                meta["data_date"].isoformat(),
            ],
        )
        assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["infrastructure", "coverage", "list"]).output
    assert "lorawan-gateway\t10\therrenberg_lorawan_gateways.geojson" in listed
    assert "mobile-site\t205\tdarmstadt_mobilfunk_standorte.csv" in listed
    assert "lorawan-gateway\t9\tbonn_lorawan_gateways.csv" in listed
    assert "grid-cell\t334\tulm_lorawan_measured_cells_250m.geojson" in listed
    assert f"\t{DARMSTADT['licence']}\t2018-05-25" in listed
    checked = runner.invoke(app, ["infrastructure", "coverage", "check", "8.8291755", "48.6253372"])
    assert checked.exit_code == 0 and "eui-7276ff000b03241e in 300 m" in checked.output


def _counts(db: Database) -> tuple[int, int]:
    with db.session() as session:
        layers = session.scalar(select(func.count(CoverageLayer.id)))
        features = session.scalar(select(func.count(CoverageFeature.id)))
    return int(layers or 0), int(features or 0)


def _herrenberg_with(change: Any) -> bytes:
    data = json.loads(HERRENBERG_GATEWAYS.read_text("utf-8"))
    change(data["features"])
    return json.dumps(data).encode()


def _longer_icon(features: list[dict[str, Any]]) -> None:
    features[3]["properties"]["icon"]["svg"] = "<svg>" + "x" * 12_000 + "</svg>"


def _many_properties(features: list[dict[str, Any]]) -> None:
    features[0]["properties"].update({f"feld_{n}": n for n in range(120)})


def _sites_with(transform: Any) -> bytes:
    lines = DARMSTADT_SITES.read_text("utf-8").splitlines()
    return "\n".join(transform(lines)).encode()


@pytest.mark.parametrize(
    ("path", "meta", "content", "match"),
    [
        (
            HERRENBERG_GATEWAYS,
            HERRENBERG,
            _herrenberg_with(_longer_icon),
            "Objekt 4: Eigenschaft „icon“ hat 12.043 Zeichen, höchstens 10.000",
        ),
        (
            HERRENBERG_GATEWAYS,
            HERRENBERG,
            _herrenberg_with(_many_properties),
            "Objekt 1: 125 Eigenschaften, höchstens 100",
        ),
        (
            DARMSTADT_SITES,
            DARMSTADT,
            _sites_with(lambda lines: [*lines[:6], lines[6] + ",Telekom", *lines[7:]]),
            "Zeile 7: 3 Werte, aber nur 2 Spalten in der Kopfzeile",
        ),
        (
            DARMSTADT_SITES,
            DARMSTADT,
            _sites_with(lambda lines: ["longitude,latitude,latitude", *lines[1:]]),
            "Die Spalte „latitude“ kommt in der Kopfzeile zweimal vor",
        ),
    ],
    ids=["over-long-value", "too-many-properties", "extra-value", "duplicate-column"],
)
def test_what_cannot_be_kept_is_refused_not_cut(
    db: Database, path: Path, meta: dict[str, Any], content: bytes, match: str
) -> None:
    with pytest.raises(Invalid, match=match):
        _import(db, path, meta, content)
    assert _counts(db) == (0, 0), "nothing may be half-imported"


def test_unnamed_columns_ids_and_heights_are_kept(db: Database) -> None:
    # An unnamed third column (as spreadsheet exports write them) keeps its values.
    sites = _sites_with(
        lambda lines: [lines[0] + ",", *(f"{line},{n}" for n, line in enumerate(lines[1:]))]
    )
    layer = _import(db, DARMSTADT_SITES, DARMSTADT, sites)
    assert layer.feature_count == 205
    assert layer_features(db, layer.id)[4].properties == {"spalte_3": "4"}

    def _ids_and_heights(features: list[dict[str, Any]]) -> None:
        for feature in features:
            feature["id"] = feature["properties"].pop("address")
            feature["geometry"]["coordinates"].append(512.5)

    gateways = _import(db, HERRENBERG_GATEWAYS, HERRENBERG, _herrenberg_with(_ids_and_heights))
    first = layer_features(db, gateways.id)[0]
    # The Feature's own id joins the properties (as feature_id: the properties have an id).
    assert first.properties["feature_id"] == "LRABB_Herrenberg_01"
    assert first.properties["z"] == 512.5
    assert first.geometry == {"type": "Point", "coordinates": [8.8291755, 48.6226392]}


def test_a_binary_column_is_refused_not_dropped(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "hotspots.gpkg"
    write_gpkg(path, hotspot_rows()[:5], 25832)  # real Cologne hotspots
    with sqlite3.connect(path) as con:
        con.execute("ALTER TABLE hotspots ADD COLUMN foto BLOB")
        con.execute("UPDATE hotspots SET foto = x'89504e470d0a1a0a' WHERE fid = 3")
    meta = {**DARMSTADT, "kind": "wlan-hotspot"}
    with pytest.raises(Invalid, match="Objekt 3: Eigenschaft „foto“ lässt sich nicht als JSON"):
        _import(db, path, meta)
    assert _counts(db) == (0, 0)
