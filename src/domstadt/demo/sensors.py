"""Demo data for the sensors domain: Cologne's real traffic-load series (Stadt Köln, CC-BY 3.0)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor
from domstadt.sensors import import_service


def load(session: Session, actor: Actor) -> dict[str, int]:
    """Load this domain's demo records (idempotent); returns counts of what was added."""
    report = import_service.import_traffic(session, actor=actor)
    return {
        "sensor things": report.things,
        "datastreams": report.datastreams,
        "observations": report.observations,
    }
