"""Demo step: publish participation as open data (the catalogue datasets ``beteiligung-*`` of
the publishing department, DOMSTADT_PARTICIPATION_PUBLISHER, by default the Stabsstelle
Digitalisierung that runs the demo's challenges, events and labs)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor
from domstadt.core.config import get_settings
from domstadt.participation import publish_service


def load(session: Session, actor: Actor) -> dict[str, int]:
    """Create the open-data datasets once; a second run adds nothing."""
    settings = get_settings()
    report = publish_service.open_data_publish(
        session,
        actor=actor,
        department_code=settings.participation_publisher,
        data_dir=settings.data_dir,
    )
    return {"open_data_datasets": len(report.created)}
