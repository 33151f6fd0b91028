"""Demo funding radar: 181 real programmes of the federal funding database (Förderdatenbank,
keywords under CC BY-ND 4.0, shown unaltered with attribution) and 512 real Horizon Europe
calls of the EU Funding & Tenders Portal (© European Union, CC BY 4.0), imported through the
same operation as `domstadt funding import`, then every demo measure re-matched. Sources and
licences: data/SOURCES.md. Idempotent: a second load finds every row unchanged."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from domstadt import funding_match_service, funding_service
from domstadt.core.auth.permissions import Actor

DATA = Path(__file__).parent / "data" / "funding"
EU_DEFAULTS = {
    "level": "eu",
    "provider": "Europäische Kommission (Horizon Europe)",
    "funding_type": "grant",
    "region": "EU",
    "licence": "CC BY 4.0",
    "attribution": "© Europäische Union, EU Funding & Tenders Portal (CC BY 4.0)",
}


def load(session: Session, actor: Actor) -> dict[str, int]:
    """Import both files (source names ``foerderdatenbank`` and ``eu-horizon``), re-match."""
    federal = funding_service.import_file(
        session, actor=actor, content=(DATA / "foerderdatenbank_programmes.csv").read_bytes(),
        filename="foerderdatenbank_programmes.csv", source="foerderdatenbank",
    )  # fmt: skip
    eu = funding_service.import_file(
        session, actor=actor, content=(DATA / "eu_horizon_calls.json").read_bytes(),
        filename="eu_horizon_calls.json", source="eu-horizon",
        mapping_text=(DATA / "eu_horizon_mapping.json").read_text(encoding="utf-8"),
        defaults=EU_DEFAULTS,
    )  # fmt: skip
    session.flush()
    counts = funding_match_service.rematch_measures(session, actor=actor)
    return {
        "programmes": federal.added + eu.added,
        "unchanged": federal.unchanged + eu.unchanged,
        "measures_without_programme": counts["without_programme"],
    }
