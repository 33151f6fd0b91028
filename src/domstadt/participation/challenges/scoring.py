"""Jury rules shared by challenges and pitches: a score sheet must name each criterion once and
stay within the scale (whose minimum lies below its maximum), and nobody judges an entry of
their own or of their organisation."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from domstadt.core.auth.permissions import Actor
from domstadt.core.errors import Conflict, Invalid
from domstadt.participation.challenges.schemas import ScoreIn

CONFLICT_RULE = (
    "Befangenheit: Jurymitglieder bewerten keine Beiträge, die sie selbst oder eine "
    "Organisation, der sie angehören, eingereicht haben."
)


CRITERIA_RULE = (
    "Die Kriterien können nicht mehr geändert werden, weil schon bewertet wurde: die "
    "Bewertungen sind je Kriterium (nach Position) gespeichert und passten sonst nicht mehr. "
    "Namen, Gewichte, Anzahl und Skala der Kriterien bleiben, wie sie sind; alles andere "
    "können Sie weiter ändern."
)
"""Why criteria and scale are locked once a juror has scored (shown in the refusal)."""


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


def _same_criteria(old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]) -> bool:
    """Equal names and weights in the same order (weights compared loosely: a form shows
    them rounded)."""
    return len(old) == len(new) and all(
        str(a["name"]).strip() == str(b["name"]).strip()
        and math.isclose(float(a["weight"]), float(b["weight"]), rel_tol=1e-5)
        for a, b in zip(old, new, strict=True)
    )


def check_criteria_locked(
    current: Mapping[str, Any], changes: Mapping[str, Any], *, scored: bool
) -> None:
    """Raise Conflict (:data:`CRITERIA_RULE`) when ``changes`` alter the criteria or the scale
    of ``current`` (keys ``criteria``, ``scale_min``, ``scale_max``) after a juror has
    ``scored``; repeating the current values is no change."""
    if not scored:
        return
    criteria = changes.get("criteria")
    changed = criteria is not None and not _same_criteria(current["criteria"], criteria)
    for name in ("scale_min", "scale_max"):
        value = changes.get(name)
        changed = changed or (value is not None and value != current[name])
    if changed:
        raise Conflict(CRITERIA_RULE, field="criteria")
