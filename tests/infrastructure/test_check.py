"""The planning check: nearest site and distance against the default radius, a measured
cell before the radius, plain reasons in German and English; over the API and the CLI."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from domstadt.cli import app
from domstadt.core.db import Database
from tests.infrastructure.conftest import GATEWAYS, check_point, import_all, run_import


def test_lorawan_verdicts_with_reasons(db: Database) -> None:
    run_import(db, GATEWAYS, "lorawan-gateway")
    at_dom = check_point(db, 6.9580, 50.9413, "lorawan")
    assert at_dom.status == "covered" and at_dom.basis == "modelled"
    assert at_dom.nearest is not None and at_dom.nearest.name == "gw-dom"
    assert at_dom.nearest.distance_m == pytest.approx(21.1, abs=1.0)
    assert at_dom.reason_de == "LoRaWAN-Gateway gw-dom in 21 m (Radius 2,0 km)"
    # 1.8 km south of the gateway in Porz: inside 2 km but beyond 75 % of it.
    edge = check_point(db, 7.0550, 50.8668, "lorawan")
    assert edge.status == "edge" and edge.nearest and edge.nearest.name == "gw-porz"
    assert "am Rand des Radius von 2,0 km" in edge.reason_de
    # Pulheim, north-west of Cologne: no gateway within 2 km.
    far = check_point(db, 6.80, 51.00, "lorawan")
    assert far.status == "gap"
    assert far.reason_de.startswith("kein LoRaWAN-Gateway im Umkreis von 2,0 km (nächstes: ")
    assert far.reason_en.startswith("no LoRaWAN gateway within 2.0 km (nearest: ")
    unknown = check_point(db, 6.9580, 50.9413, "nb-iot")
    assert unknown.status == "unknown"
    assert unknown.reason_de == "keine Abdeckungsdaten für NB-IoT importiert"


def test_measured_cell_decides_before_the_radius(db: Database) -> None:
    import_all(db)
    # Cell Z02 has no mobile service although a site is within 3 km.
    dead = check_point(db, 6.925, 50.945, "nb-iot")
    assert dead.status == "gap" and dead.basis == "measured"
    assert dead.reason_de == "gemessene Abdeckung: in Zelle Z02 kein NB-IoT"
    good = check_point(db, 6.925, 50.925, "lte-m")
    assert good.status == "covered" and good.cell and good.cell.name == "Z00"
    assert good.reason_de == "gemessene Abdeckung: Zelle Z00 bietet LTE-M (180 Mbit/s)"
    # Outside the measured grid the modelled radius around the sites applies.
    modelled = check_point(db, 6.8970, 51.0200, "nb-iot")
    assert modelled.basis == "modelled" and modelled.nearest
    assert modelled.nearest.name == "site-chorweiler"
    # Real hotspot AP-Aachener-Str-01 of the city's WLAN.
    wlan = check_point(db, 6.93726, 50.93654, "wlan")
    assert wlan.status == "covered" and wlan.nearest
    assert wlan.nearest.name == "AP-Aachener-Str-01"


def test_check_api(client: TestClient, db: Database) -> None:
    run_import(db, GATEWAYS, "lorawan-gateway")
    answer = client.post(
        "/api/v1/infrastructure/check",
        json={"lon": 6.80, "lat": 51.00, "network": "lorawan", "device_type": "Pegelsensor"},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "gap" and body["device_type"] == "Pegelsensor"
    assert body["radius_m"] == 2000.0 and body["nearest"]["name"]
    wider = client.post(
        "/api/v1/infrastructure/check",
        json={"lon": 6.80, "lat": 51.00, "network": "lorawan", "radius_m": 20000},
    )
    assert wider.json()["status"] == "covered"
    swapped = client.post(
        "/api/v1/infrastructure/check", json={"lon": 50.94, "lat": 6.96, "network": "lorawan"}
    )
    assert swapped.status_code == 422 and "vertauscht" in swapped.json()["error"]["message"]
    paris = client.post(
        "/api/v1/infrastructure/check", json={"lon": 2.35, "lat": 48.85, "network": "wlan"}
    )
    assert paris.status_code == 422 and "außerhalb Deutschlands" in paris.json()["error"]["message"]
    bad = client.post(
        "/api/v1/infrastructure/check", json={"lon": 6.9, "lat": 50.9, "network": "zigbee"}
    )
    assert bad.status_code == 422


def test_cli_import_check_list_delete(db: Database, cli_env: None) -> None:
    runner = CliRunner()
    imported = runner.invoke(
        app,
        [
            "infrastructure",
            "coverage",
            "import",
            str(GATEWAYS),
            "--kind",
            "lorawan-gateway",
            "--source",
            "Stadtwerke",
            "--licence",
            "CC0-1.0",
            "--date",
            "2026-01-01",
        ],
    )
    assert imported.exit_code == 0, imported.output
    assert "8 Objekte" in imported.output
    checked = runner.invoke(app, ["infrastructure", "coverage", "check", "6.80", "51.00"])
    assert checked.exit_code == 0 and "kein LoRaWAN-Gateway im Umkreis von 2,0 km" in checked.output
    listed = runner.invoke(app, ["infrastructure", "coverage", "list"])
    assert "lorawan-gateway\t8" in listed.output
    refused = runner.invoke(
        app,
        [
            "infrastructure",
            "coverage",
            "import",
            str(GATEWAYS),
            "--kind",
            "mobile-site",
            "--source",
            "x",
            "--licence",
            "x",
            "--date",
            "2026-01-01",
            "--crs",
            "EPSG:123456",
        ],
    )
    assert refused.exit_code == 1 and "Unbekanntes Koordinatensystem" in refused.output
    layer_id = listed.output.split("\t", 1)[0]
    assert runner.invoke(app, ["infrastructure", "coverage", "delete", layer_id]).exit_code == 0
