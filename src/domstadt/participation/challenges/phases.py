"""The current phase of a challenge, derived from its dates (never stored)."""

from __future__ import annotations

import datetime as dt
import enum
import itertools

from domstadt.core.errors import Invalid


class Phase(enum.StrEnum):
    """announcement → submission → review (jury) → vote (public) → results."""

    ANNOUNCEMENT = "announcement"
    SUBMISSION = "submission"
    REVIEW = "review"
    VOTE = "vote"
    RESULTS = "results"


def phase_at(
    now: dt.datetime,
    *,
    submission_opens: dt.datetime,
    review_opens: dt.datetime,
    vote_opens: dt.datetime,
    results_at: dt.datetime,
) -> Phase:
    """The phase at ``now``: each date opens the next phase (start inclusive)."""
    if now < submission_opens:
        return Phase.ANNOUNCEMENT
    if now < review_opens:
        return Phase.SUBMISSION
    if now < vote_opens:
        return Phase.REVIEW
    if now < results_at:
        return Phase.VOTE
    return Phase.RESULTS


def check_order(
    submission_opens: dt.datetime,
    review_opens: dt.datetime,
    vote_opens: dt.datetime,
    results_at: dt.datetime,
) -> None:
    """Raise Invalid unless the phase dates are strictly increasing."""
    dates = [
        ("submission_opens", submission_opens),
        ("review_opens", review_opens),
        ("vote_opens", vote_opens),
        ("results_at", results_at),
    ]
    for (_, earlier), (name, later) in itertools.pairwise(dates):
        if later <= earlier:
            raise Invalid(
                "Die Phasen müssen in der Reihenfolge Einreichung, Jury, Abstimmung, "
                "Ergebnisse aufeinander folgen; jedes Datum muss nach dem vorigen liegen.",
                field=name,
            )
