"""Jury rules shared by challenges and pitches: a score sheet must name each criterion once and
stay within the scale (whose minimum lies below its maximum), and nobody judges an entry of
their own or of their organisation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domstadt.core.auth.permissions import Actor
from domstadt.core.errors import Invalid
from domstadt.participation.challenges.schemas import ScoreIn

CONFLICT_RULE = (
    "Befangenheit: Jurymitglieder bewerten keine Beiträge, die sie selbst oder eine "
    "Organisation, der sie angehören, eingereicht haben."
)


def is_conflicted(actor: Actor, user_id: int | None, organisation_id: int | None) -> bool:
    """True when the actor wrote the entry or belongs to the organisation behind it."""
    return user_id == actor.user_id or (
        organisation_id is not None and organisation_id in actor.organisation_ids
    )


def check_sheet(
    criteria: Sequence[dict[str, Any]], scale_min: int, scale_max: int, scores: list[ScoreIn]
) -> None:
    """Raise Invalid naming the rule when a score names an unknown or repeated criterion or
    lies outside ``scale_min..scale_max``."""
    seen: set[int] = set()
    for item in scores:
        if item.criterion >= len(criteria):
            raise Invalid(
                f"Kriterium {item.criterion} gibt es nicht; es gibt "
                f"{len(criteria)} Kriterien (0 bis {len(criteria) - 1}).",
                field="criterion",
            )
        if item.criterion in seen:
            raise Invalid(f"Kriterium {item.criterion} ist doppelt bewertet.", field="criterion")
        seen.add(item.criterion)
        if not scale_min <= item.value <= scale_max:
            raise Invalid(
                f"Punkte für '{criteria[item.criterion]['name']}' müssen zwischen "
                f"{scale_min} und {scale_max} liegen (Skala der Bewertung).",
                field="value",
            )


def check_scale(scale_min: int, scale_max: int) -> None:
    """A jury scale needs its minimum below its maximum."""
    if scale_min >= scale_max:
        raise Invalid(
            "Die Bewertungsskala braucht ein Minimum unter dem Maximum (z. B. 0 bis 10).",
            field="scale_max",
        )
