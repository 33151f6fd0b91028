"""Demo data for the catalog domain: Cologne datasets, the real 2013 election CSV, the real
street segments of Cologne's traffic load data (GeoJSON, with its map) and links of datasets
to the demo measures of the masterplan (when those are loaded)."""

from __future__ import annotations

from importlib import resources

from sqlalchemy.orm import Session

from domstadt.catalog import distribution_service, service
from domstadt.catalog.schemas import DatasetCreate, DatasetPatch, DistributionCreate
from domstadt.core.auth.permissions import Actor
from domstadt.core.config import get_settings
from domstadt.core.errors import NotFound
from domstadt.masterplan import measure_read_service

KOELN = "https://www.offenedaten-koeln.de"
# (name, title, department, themes, keywords, frequency, licence, description)
DATASETS: list[tuple[str, str, str, list[str], list[str], str, str, str]] = [
    (
        "radverkehr-zaehlstellen",
        "Radverkehr – Dauerzählstellen",
        "66",
        ["TRAN"],
        ["Radverkehr", "Zählstellen"],
        "DAILY",
        "dl-by-de/2.0",
        "Stündliche Zählwerte der automatischen Fahrradzählstellen im Stadtgebiet.",
    ),
    (
        "verkehrslage-strassen",
        "Verkehrsauslastung Kölner Straßenabschnitte",
        "69",
        ["TRAN"],
        ["Verkehr", "Auslastung"],
        "CONT",
        "dl-by-de/2.0",
        "Auslastung der Hauptverkehrsstraßen in 5-Minuten-Intervallen.",
    ),
    (
        "baustellen",
        "Baustellen im Straßenraum",
        "66",
        ["TRAN", "REGI"],
        ["Baustellen", "Straßen"],
        "DAILY",
        "dl-zero-de/2.0",
        "Aktuelle und geplante Baustellen mit Zeitraum und Verkehrseinschränkung.",
    ),
    (
        "luftqualitaet-messstationen",
        "Luftqualität – Messstationen",
        "57",
        ["ENVI", "HEAL"],
        ["Luftqualität", "Stickstoffdioxid"],
        "ANNUAL",
        "cc-by/4.0",
        "Jahreskennwerte der Luftschadstoffe an den Kölner Messstationen.",
    ),
    (
        "baumkataster",
        "Baumkataster der Stadt Köln",
        "67",
        ["ENVI"],
        ["Bäume", "Stadtgrün"],
        "ANNUAL",
        "dl-zero-de/2.0",
        "Standorte, Arten und Pflanzjahre der Straßen- und Parkbäume.",
    ),
    (
        "kitas",
        "Kindertageseinrichtungen",
        "51",
        ["EDUC", "SOCI"],
        ["Kita", "Kinderbetreuung"],
        "MONTHLY",
        "dl-by-de/2.0",
        "Kindertageseinrichtungen mit Träger, Adresse und Platzzahl.",
    ),
    (
        "schulen",
        "Schulen in Köln",
        "40",
        ["EDUC"],
        ["Schulen", "Bildung"],
        "ANNUAL",
        "dl-by-de/2.0",
        "Allgemein- und berufsbildende Schulen mit Schulform und Adresse.",
    ),
    (
        "haushaltsplan",
        "Haushaltsplan der Stadt Köln",
        "20",
        ["ECON", "GOVE"],
        ["Haushalt", "Finanzen"],
        "ANNUAL",
        "dl-by-de/2.0",
        "Erträge und Aufwendungen nach Produktbereichen.",
    ),
    (
        "einwohner-stadtteile",
        "Einwohnerinnen und Einwohner nach Stadtteilen",
        "01",
        ["SOCI"],
        ["Bevölkerung", "Stadtteile"],
        "ANNUAL",
        "dl-by-de/2.0",
        "Bevölkerungsstand am Jahresende nach Stadtteil, Alter und Geschlecht.",
    ),
    (
        "wlan-hotspots",
        "Öffentliche WLAN-Hotspots",
        "12",
        ["TECH"],
        ["WLAN", "Digitalisierung"],
        "IRREG",
        "cc-zero",
        "Standorte der öffentlichen WLAN-Zugangspunkte der Stadt.",
    ),
    (
        "ladesaeulen",
        "Ladesäulen für Elektrofahrzeuge",
        "VIII",
        ["TRAN", "ENER"],
        ["Elektromobilität", "Ladesäulen"],
        "MONTHLY",
        "dl-by-de/2.0",
        "Öffentlich zugängliche Ladepunkte mit Leistung und Betreiber.",
    ),
    (
        "feuerwehr-einsaetze",
        "Einsätze der Feuerwehr",
        "37",
        ["JUST"],
        ["Feuerwehr", "Einsätze"],
        "ANNUAL",
        "dl-by-de/2.0",
        "Einsatzzahlen der Berufsfeuerwehr nach Einsatzart und Stadtbezirk.",
    ),
]
ELECTION = "bundestagswahl-2013-stadtbezirke"
TRAFFIC = "verkehrslage-strassen"
SEGMENTS = "koeln_traffic_street_segments.geojson"
MEASURE_LINKS = {
    TRAFFIC: ["SC-02", "DO-03"],
    "radverkehr-zaehlstellen": ["DO-03"],
    "luftqualitaet-messstationen": ["SC-06"],
    "baumkataster": ["SC-04"],
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
    if ds.distributions:
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


def load(session: Session, actor: Actor) -> dict[str, int]:
    """Load this domain's demo records (idempotent); returns counts of what was added."""
    added = 0
    for name, title, dept, themes, keywords, freq, licence, text in DATASETS:
        if _exists(session, actor, name):
            continue
        service.dataset_create(
            session,
            actor=actor,
            data=DatasetCreate(
                name=name,
                title=title,
                description=text,
                department_code=dept,
                themes=themes,
                keywords=keywords,
                frequency=freq,
                license_id=licence,
                contact_email="opendata@stadt-koeln.de",
                contact_name="Open-Data-Team",
                landing_page=f"{KOELN}/dataset/{name}",
            ),
        )
        added += 1
    added += _election(session, actor)
    return {
        "datasets": added,
        "geo_files": _traffic_segments(session, actor),
        "measure_links": _measure_links(session, actor),
    }
