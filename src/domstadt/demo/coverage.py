"""Demo coverage and IoT planning: the city's real WLAN hotspots (200 access points of the
Breitbandinfrastrukturkataster, City of Cologne), the real LoRaWAN gateways of the Bonn
measurement study (9, Hochschule Bonn-Rhein-Sieg), synthetic Cologne LoRaWAN gateways, mobile
sites (in UTM 32N) and measured grid cells, imported through the same operation as `domstadt
infrastructure coverage import`; planned sensor points for two sensor measures. Sources and
licences: data/SOURCES.md. Idempotent: layers and points that exist are not added again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor
from domstadt.core.errors import NotFound
from domstadt.infrastructure import coverage_plan_service, coverage_service
from domstadt.infrastructure.coverage.schemas import DeploymentCreate
from domstadt.masterplan import measure_read_service

DATA = Path(__file__).parent / "data" / "coverage"
LAYERS = [
    ("WLAN-Hotspots Köln", "koeln_wlan_hotspots.csv", "wlan-hotspot",
     "Stadt Köln, Breitbandinfrastrukturkataster (Ebene 13)", "dl-de/by-2-0",
     dt.date(2023, 7, 6), None),
    ("LoRaWAN-Gateways Bonn (Messstudie)", "bonn_lorawan_gateways.csv", "lorawan-gateway",
     "Hochschule Bonn-Rhein-Sieg, MCLab: LoRa-Messstudie Bonn (github.com/mclab-hbrs/lora-bonn)",
     "dl-de/by-2-0", dt.date(2021, 5, 11), None),
    ("LoRaWAN-Gateways (Beispiel)", "lorawan_gateways_synthetic.csv", "lorawan-gateway",
     "Domstadt-Beispieldaten (synthetisch)", "CC0-1.0", dt.date(2026, 1, 1), None),
    ("Mobilfunkstandorte (Beispiel)", "mobile_sites_utm32_synthetic.csv", "mobile-site",
     "Domstadt-Beispieldaten (synthetisch)", "CC0-1.0", dt.date(2026, 1, 1), "EPSG:25832"),
    ("Gemessene Mobilfunkzellen (Beispiel)", "mobile_grid_cells_synthetic.geojson", "grid-cell",
     "Domstadt-Beispieldaten (synthetisch)", "CC0-1.0", dt.date(2026, 1, 1), None),
]  # fmt: skip
DEPLOYMENTS = {
    "SC-04": [
        ("Baum Stadtgarten", "Bodenfeuchtesensor", "lorawan", 6.9330, 50.9420),
        ("Baum Rheinpark", "Bodenfeuchtesensor", "lorawan", 6.9790, 50.9480),
        ("Baum Königsforst", "Bodenfeuchtesensor", "lorawan", 7.1000, 50.9300),
    ],
    "SC-06": [
        ("Luft Neumarkt", "NO2-Sensor", "nb-iot", 6.9470, 50.9360),
        ("Luft Ehrenfeld", "NO2-Sensor", "nb-iot", 6.9250, 50.9450),
    ],
}


def load(session: Session, actor: Actor) -> dict[str, int]:
    """Import the four layers and add the planned points (each only once)."""
    known = {layer.name for layer in coverage_service.layer_list(session, actor=actor).items}
    layers = 0
    for name, filename, kind, source, licence, day, crs in LAYERS:
        if name in known:
            continue
        coverage_service.layer_import(
            session, actor=actor, content=(DATA / filename).read_bytes(), filename=filename,
            kind=kind, source=source, licence=licence, data_date=day, crs=crs, name=name,
        )  # fmt: skip
        layers += 1
    session.flush()
    return {"coverage_layers": layers, "deployments": _deployments(session, actor)}


def _deployments(session: Session, actor: Actor) -> int:
    added = 0
    for code, points in DEPLOYMENTS.items():
        try:
            measure = measure_read_service.measure_get_by_code(session, actor=actor, code=code)
        except NotFound:
            continue
        existing = coverage_plan_service.measure_coverage(
            session, actor=actor, measure_id=measure.id
        )
        names = {d.name for d in existing.items}
        for name, device, network, lon, lat in points:
            if name in names:
                continue
            data = DeploymentCreate(
                name=name, device_type=device, network=network, lon=lon, lat=lat
            )
            coverage_plan_service.deployment_add(
                session, actor=actor, measure_id=measure.id, data=data
            )
            added += 1
    return added
