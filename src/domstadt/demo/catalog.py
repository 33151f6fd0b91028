"""Demo data for the catalog domain: Cologne datasets, each with real files (data/catalog/,
sources in data/SOURCES.md; tables get a preview, time series a chart, GeoJSON a map), the
real 2013 election CSV, the street segments of Cologne's traffic load data and links of
datasets to the demo measures of the masterplan (when those are loaded)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from sqlalchemy.orm import Session

from domstadt.catalog import distribution_service, privacy_service, service
from domstadt.catalog.schemas import DatasetCreate, DatasetPatch, DistributionCreate
from domstadt.core.auth.permissions import Actor
from domstadt.core.config import get_settings
from domstadt.core.errors import NotFound
from domstadt.masterplan import measure_read_service

KOELN = "https://www.offenedaten-koeln.de"
DATA = resources.files("domstadt.demo") / "data" / "catalog"
DATASETS: list[dict[str, Any]] = json.loads((DATA / "datasets.json").read_text("utf-8"))
"""The demo datasets, each with its real files (sources and licences: data/SOURCES.md)."""
ELECTION = "bundestagswahl-2013-stadtbezirke"
TRAFFIC = "verkehrslage-strassen"
SEGMENTS = "koeln_traffic_street_segments.geojson"
MEASURE_LINKS = {
    TRAFFIC: ["SC-02", "DO-03"],
    "lichtsignalanlagen": ["SC-02"],
    "fahrradabstellanlagen": ["DO-03"],
    "luftqualitaet-messstationen": ["SC-06"],
    "wetter-koeln-bonn": ["SC-04"],
    ELECTION: ["DO-01"],
}
"""Datasets and the codes of the demo measures they belong to."""


def _exists(session: Session, actor: Actor, name: str) -> bool:
    try:
        service.dataset_get(session, actor=actor, id_or_name=name)
    except NotFound:
        return False
    return True


def _election(session: Session, actor: Actor) -> int:
    if _exists(session, actor, ELECTION):
        return 0
    ds = service.dataset_create(
        session,
        actor=actor,
        data=DatasetCreate(
            name=ELECTION,
            title="Bundestagswahl 2013 – Ergebnisse nach Stadtbezirken",
            description="Zweitstimmen-Ergebnisse der Bundestagswahl 2013 in den neun Kölner "
            "Stadtbezirken. Quelle: Stadt Köln (CC BY), über KoelnAPI/data.",
            department_code="33",
            themes=["GOVE"],
            keywords=["Wahlen", "Bundestagswahl"],
            frequency="NEVER",
            license_id="cc-by/4.0",
            temporal_start="2013-09-22",
            temporal_end="2013-09-22",
            contact_name="Amt für Bürgerdienste",
            landing_page=KOELN + "/dataset/bundestagswahl-2013",
        ),
    )
    content = (resources.files("domstadt.catalog") / "data" / "result_stadtbezirk.csv").read_bytes()
    settings = get_settings()
    distribution_service.distribution_create(
        session,
        actor=actor,
        dataset=ds.id,
        data=DistributionCreate(title="Ergebnis nach Stadtbezirk (Original)"),
        data_dir=settings.data_dir,
        upload=("result_stadtbezirk.csv", content),
    )
    return 1


def _traffic_segments(session: Session, actor: Actor) -> int:
    """The 113 real street segments (KoelnAPI/data, CC BY 3.0 DE) as the traffic dataset's
    GeoJSON: normalised to WGS 84, so its page draws the map."""
    ds = service.dataset_get(session, actor=actor, id_or_name=TRAFFIC)
    if any(d.format == "GEOJSON" for d in ds.distributions):
        return 0
    content = (resources.files("domstadt.catalog") / "data" / SEGMENTS).read_bytes()
    settings = get_settings()
    distribution_service.distribution_create(
        session,
        actor=actor,
        dataset=ds.id,
        data=DistributionCreate(
            title="Straßenabschnitte mit Verkehrsmessung (GeoJSON)", license_id="cc-by-de/3.0"
        ),
        data_dir=settings.data_dir,
        upload=(SEGMENTS, content),
    )
    return 1


def _measure_ids(session: Session, actor: Actor, codes: list[str]) -> list[int]:
    ids = []
    for code in codes:
        try:
            ids.append(measure_read_service.measure_get_by_code(session, actor=actor, code=code).id)
        except NotFound:  # the masterplan demo is not loaded
            continue
    return ids


def _measure_links(session: Session, actor: Actor) -> int:
    """Link demo datasets to the demo measures they belong to; returns links added."""
    added = 0
    for name, codes in MEASURE_LINKS.items():
        ds = service.dataset_get(session, actor=actor, id_or_name=name)
        missing = [i for i in _measure_ids(session, actor, codes) if i not in ds.measures]
        if missing:
            service.dataset_patch(
                session,
                actor=actor,
                id_or_name=name,
                data=DatasetPatch(measures=[*ds.measures, *missing]),
            )
            added += len(missing)
    return added


def _files(session: Session, actor: Actor, record: dict[str, Any]) -> int:
    """Upload the dataset's real files that it does not have yet (by title)."""
    ds = service.dataset_get(session, actor=actor, id_or_name=record["name"])
    have = {d.title for d in ds.distributions}
    added = 0
    for filename, title, licence in record["files"]:
        if title in have:
            continue
        distribution_service.distribution_create(
            session,
            actor=actor,
            dataset=ds.id,
            data=DistributionCreate(title=title, license_id=licence),
            data_dir=get_settings().data_dir,
            upload=(filename, (DATA / filename).read_bytes()),
        )
        added += 1
    return added


CLEARED = (
    "Adressen öffentlicher Einrichtungen (Kitas, Schulen, Messstationen, städtische Gebäude), "
    "keine Privatpersonen."
)
"""Why the demo clears the privacy gate's address findings (what an editor would write)."""


def _clear_findings(session: Session, actor: Actor, name: str) -> int:
    """Clear the open findings of the privacy gate, so the dataset is published."""
    cleared = 0
    for finding in privacy_service.finding_list(session, actor=actor, dataset=name):
        if finding.status == "open":
            privacy_service.finding_clear(
                session, actor=actor, dataset=name, finding_id=finding.id, reason=CLEARED
            )
            cleared += 1
    return cleared


def _dataset(session: Session, actor: Actor, record: dict[str, Any]) -> int:
    if _exists(session, actor, record["name"]):
        return 0
    service.dataset_create(
        session,
        actor=actor,
        data=DatasetCreate(
            name=record["name"],
            title=record["title"],
            description=record["description"],
            department_code=record["department"],
            themes=record["themes"],
            keywords=record["keywords"],
            frequency=record["frequency"],
            license_id=record["license"],
            contact_email="opendata@stadt-koeln.de",
            contact_name="Open-Data-Team",
            landing_page=f"{KOELN}/dataset/{record['name']}",
        ),
    )
    return 1


def load(session: Session, actor: Actor) -> dict[str, int]:
    """Load this domain's demo records (idempotent); returns counts of what was added."""
    added = files = 0
    for record in DATASETS:
        added += _dataset(session, actor, record)
        files += _files(session, actor, record)
        _clear_findings(session, actor, record["name"])
    added += _election(session, actor)
    return {
        "datasets": added,
        "files": files,
        "geo_files": _traffic_segments(session, actor),
        "measure_links": _measure_links(session, actor),
    }
