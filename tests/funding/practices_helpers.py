"""Helpers of the best-practice tests: the real samples and an import through the service."""

from __future__ import annotations

import json
from pathlib import Path

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.funding import practice_service
from domstadt.funding.schemas import ImportReport

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "practices_ai_watch_sample.csv"
"""Six real AI Watch cases as a German Excel export: ';' and Latin-1 (see SOURCES.md)."""
DEMO = Path(__file__).parents[2] / "src" / "domstadt" / "demo" / "data" / "practices"
AI_WATCH = DEMO / "ai_watch_local_services.json"
AI_WATCH_MAPPING = (DEMO / "ai_watch_mapping.json").read_text(encoding="utf-8")

DV_05 = {
    "code": "DV-05",
    "title": "KI-Assistenz für das Bürgertelefon",
    "summary": "Ein Sprachassistent beantwortet Standardfragen am Telefon rund um die Uhr.",
    "description": "Pilot eines KI-gestützten Assistenten für häufige Anliegen "
    "(Öffnungszeiten, Unterlagen, Terminbuchung); Übergabe an Mitarbeitende jederzeit möglich.",
    "sectors": ["verwaltung", "it-kommunikation"],
}
"""The demo measure DV-05 as demo/data/masterplan.json has it (lead department DIG here)."""


def run_import(
    db: Database, content: bytes, filename: str, source: str = "test", **options: object
) -> ImportReport:
    """Import through the service as the CLI does (committed unless it raises)."""
    with db.session() as session:
        return practice_service.import_file(
            session, actor=system_actor("tests"), content=content, filename=filename,
            source=source, **options,  # type: ignore[arg-type]
        )  # fmt: skip


def import_all(db: Database) -> None:
    """The 40 AI Watch cases of the demo and the screening's 44 reference cases."""
    run_import(db, AI_WATCH.read_bytes(), AI_WATCH.name, source="ai-watch",
               mapping_text=AI_WATCH_MAPPING, defaults={"licence": "EUPL-1.2"})  # fmt: skip
    with db.session() as session:
        practice_service.import_reference_cases(session, actor=system_actor("tests"))


def ai_watch_count() -> int:
    """How many cases the demo file holds."""
    return len(json.loads(AI_WATCH.read_text(encoding="utf-8"))["services"])
