"""The phase of a problem statement, derived from its dates (never stored)."""

from __future__ import annotations

import datetime as dt
import enum

from domstadt.core.errors import Invalid


class PitchPhase(enum.StrEnum):
    """open (pitches accepted) → review (jury scores) → results (scores shown)."""

    OPEN = "open"
    REVIEW = "review"
    RESULTS = "results"


def phase_at(now: dt.datetime, *, deadline: dt.datetime, review_ends: dt.datetime) -> PitchPhase:
    """The phase at ``now``: the deadline ends the open phase, ``review_ends`` the review."""
    if now < deadline:
        return PitchPhase.OPEN
    if now < review_ends:
        return PitchPhase.REVIEW
    return PitchPhase.RESULTS


def check_dates(deadline: dt.datetime, review_ends: dt.datetime) -> None:
    """Raise Invalid unless both dates carry a time zone and the review ends after the
    deadline."""
    for name, moment in (("deadline", deadline), ("review_ends", review_ends)):
        if moment.tzinfo is None:
            raise Invalid(
                "Zeitpunkte brauchen eine Zeitzone, z. B. 2026-12-01T12:00:00+01:00.", field=name
            )
    if review_ends <= deadline:
        raise Invalid(
            "Das Ende der Jury-Bewertung muss nach der Einreichungsfrist liegen.",
            field="review_ends",
        )
