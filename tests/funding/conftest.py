"""Fixtures of the funding tests: the real samples, an import helper and the masterplan's
departments and taxonomy (from the masterplan fixture)."""

from __future__ import annotations

from pathlib import Path

from domstadt import funding_service
from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.funding.schemas import ImportReport
from tests.masterplan.conftest import plan  # noqa: F401  (fixture)

DATA = Path(__file__).parent / "data"
FDB = DATA / "foerderdatenbank_sample.csv"
EU = DATA / "eu_horizon_calls_sample.json"
EU_MAPPING = (DATA / "eu_horizon_mapping.json").read_text(encoding="utf-8")


def run_import(
    db: Database, content: bytes, filename: str, source: str = "test", **options: object
) -> ImportReport:
    """Import through the service as the CLI does (committed unless it raises)."""
    with db.session() as session:
        return funding_service.import_file(
            session, actor=system_actor("tests"), content=content, filename=filename,
            source=source, **options,  # type: ignore[arg-type]
        )  # fmt: skip


def import_real(db: Database) -> None:
    """Both real samples: 46 Förderdatenbank programmes and 40 EU calls."""
    run_import(db, FDB.read_bytes(), FDB.name, source="foerderdatenbank")
    run_import(
        db, EU.read_bytes(), EU.name, source="eu", mapping_text=EU_MAPPING,
        defaults={"level": "eu", "licence": "CC BY 4.0"},
    )  # fmt: skip


GERMAN_CSV = (
    "Titel;Fördergeber;Ebene;Förderart;Antragsberechtigte;Frist;Fördersumme;Link\r\n"
    "Digitale Modellregion Köln;Land NRW;Land;Zuschuss;Kommunen, KMU;31.12.2026;"
    "1.250.000,50 €;https://www.land.nrw/foerderung\r\n"
    "Smart-City-Förderung;Bund;Bund;Zuschuss;Kommunen;Ende 2026;2,5 Mio. €;\r\n"
    "Stadtgrün digital;Stiftung Grün;privat;Preis;Vereine;laufend;10.000 €;\r\n"
    ";Bund;Bund;Zuschuss;;31.12.2026;;\r\n"
    "Smart-City-Förderung;Bund;Bund;Zuschuss;Kommunen;Ende 2026;2,5 Mio. €;\r\n"
    "Quartiersdaten;Bund;Bund;Zuschuss;Kommunen;irgendwann;;\r\n"
    "Stadtgrün digital 2;Mond;Mondebene;Preis;;;;\r\n"
)
"""A German Excel export: Windows-1252, ';', decimal commas, vague dates and bad rows."""
