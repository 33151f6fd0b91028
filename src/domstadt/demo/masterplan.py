"""Demo data for the masterplan: the three fields of action and five sectors (FEATURE-MAP.md)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor
from domstadt.masterplan import service
from domstadt.masterplan.schemas import TaxonUpsert

FIELDS = [
    (
        "digitale-verwaltung",
        "Digitale Verwaltung",
        "Digital administration",
        "Verwaltungsleistungen digital, medienbruchfrei und nutzerfreundlich anbieten.",
    ),
    (
        "smart-city",
        "Smart City",
        "Smart city",
        "Vernetzte Infrastruktur, Sensorik und Daten für eine lebenswerte, klimafreundliche Stadt.",
    ),
    (
        "datenoekonomie",
        "Datenökonomie",
        "Data economy",
        "Offene Daten und Datenräume als Grundlage für neue Dienste und Geschäftsmodelle.",
    ),
]
SECTORS = [
    ("verwaltung", "Verwaltung", "Administration"),
    ("energie-umwelt", "Energie und Umwelt", "Energy and environment"),
    ("it-kommunikation", "IT und Kommunikation", "IT and communication"),
    ("mobilitaet", "Mobilität", "Mobility"),
    ("gesellschaft-bildung", "Gesellschaft und Bildung", "Society and education"),
]


def load(session: Session, actor: Actor) -> dict[str, int]:
    """Upsert fields of action and sectors (idempotent)."""
    before = service.taxonomy(session, actor=actor)
    for pos, (slug, name, name_en, text) in enumerate(FIELDS):
        service.taxon_upsert(
            session,
            actor=actor,
            kind="field_of_action",
            data=TaxonUpsert(slug=slug, name=name, name_en=name_en, description=text, position=pos),
        )
    for pos, (slug, name, name_en) in enumerate(SECTORS):
        service.taxon_upsert(
            session,
            actor=actor,
            kind="sector",
            data=TaxonUpsert(slug=slug, name=name, name_en=name_en, position=pos),
        )
    return {
        "fields_of_action": len(FIELDS) - len(before.fields_of_action),
        "sectors": len(SECTORS) - len(before.sectors),
    }
