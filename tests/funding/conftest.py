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
