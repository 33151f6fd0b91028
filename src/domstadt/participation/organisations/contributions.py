"""The hook through which other parts of the platform show what an organisation contributed.

Challenges (submissions), events and labs call :func:`register_contribution_source` once at
import time with a function ``(session, actor, organisation_id) -> list[Contribution]``; the
organisation page lists whatever the registered sources return, newest first. Feedback is
registered here. Nothing is shown for a kind that no source provides (no placeholders)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor
from domstadt.participation.feedback import service as feedback_service
from domstadt.participation.organisations.schemas import Contribution

ContributionSource = Callable[[Session, Actor, int], list[Contribution]]
_SOURCES: dict[str, ContributionSource] = {}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def register_contribution_source(kind: str, source: ContributionSource) -> None:
    """Let a domain add its contributions (e.g. ``"submission"``, ``"event"``) to organisation
    pages; registering a kind again replaces its source."""
    _SOURCES[kind] = source


def contributions_of(session: Session, actor: Actor, organisation_id: int) -> list[Contribution]:
    """Every registered source's contributions of the organisation, newest first."""
    found = [c for source in _SOURCES.values() for c in source(session, actor, organisation_id)]
    return sorted(found, key=lambda c: c.date or _EPOCH, reverse=True)


def _feedback(session: Session, actor: Actor, organisation_id: int) -> list[Contribution]:
    voices = feedback_service.feedback_for_organisation(
        session, actor=actor, organisation_id=organisation_id
    )
    return [
        Contribution(
            kind="feedback",
            title=f"{v.measure_code} {v.measure_title}",
            url=f"/massnahmen/{v.feedback.measure_id}#feedback",
            date=v.feedback.updated_at,
        )
        for v in voices
    ]


register_contribution_source("feedback", _feedback)
