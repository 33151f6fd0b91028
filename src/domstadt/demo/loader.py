"""Run every domain's demo loader in order, in one transaction."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor
from domstadt.demo import (
    catalog,
    challenges,
    core,
    coverage,
    ecosystem,
    feedback,
    funding,
    masterplan,
    participation_events,
    participation_open_data,
    pitches,
    practices,
    registry,
    reports,
    screening,
    sensors,
    transit,
)

Loader = Callable[[Session, Actor], dict[str, int]]

LOADERS: list[tuple[str, Loader]] = [
    ("core", core.load),
    ("masterplan", masterplan.load),
    ("practices", practices.load),
    ("registry", registry.load),
    ("feedback", feedback.load),
    ("challenges", challenges.load),
    ("events", participation_events.load),
    ("pitches", pitches.load),
    ("screening", screening.load),
    ("reports", reports.load),
    ("catalog", catalog.load),
    ("open_data", participation_open_data.load),
    ("sensors", sensors.load),
    ("funding", funding.load),
    ("ecosystem", ecosystem.load),
    ("transit", transit.load),
    ("coverage", coverage.load),
]

LABELS: dict[str, str] = {
    "core": "Ämter, Organisationen und Konten",
    "masterplan": "Masterplan mit Maßnahmen und Budget",
    "registry": "Initiativen-Register",
    "screening": "KI-Prüfung aller Maßnahmen",
    "reports": "Statusberichte",
    "feedback": "Rückmeldungen",
    "challenges": "Wettbewerbe",
    "events": "Veranstaltungen und Labore",
    "pitches": "Fragestellungen und Pitches",
    "open_data": "Beteiligung als offene Daten",
    "catalog": "Datenkatalog mit Dateien",
    "sensors": "Sensordaten (Verkehr, Wetter)",
    "funding": "Förderradar (Förderdatenbank, EU-Ausschreibungen)",
    "practices": "Praxisbeispiele anderer Städte mit Bewertungen",
    "ecosystem": "Kompetenz- und Ökosystemverzeichnis (Organisationen, CPV-Codes)",
    "transit": "ÖPNV-Linien (VBB) und Verbindungslücken",
    "coverage": "Netzabdeckung (WLAN-Hotspots der Stadt) und geplante Sensorstandorte",
}
"""What each loader adds, in the console's language (German) for the progress lines."""
