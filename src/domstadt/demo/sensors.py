"""Demo data for the sensors domain."""

from __future__ import annotations

from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor


def load(session: Session, actor: Actor) -> dict[str, int]:
    """Load this domain's demo records (idempotent); returns counts of what was added."""
    return {}
