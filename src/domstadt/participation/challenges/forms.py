"""Form fields of the jury machinery shared by challenges and problem statements: a juror's
score sheet (fields value_N / comment_N), the e-mail address of a juror to assign and the
confirmation of removing a juror who has scored, each with one clear German message per
rule."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from domstadt.core.errors import Invalid
from domstadt.participation.challenges.schemas import JurorIn, JurorPublic, ScoreIn, ScoreSheet


def score_sheet(form: Mapping[str, Any], criteria: int) -> ScoreSheet:
    """Form fields value_N / comment_N as a score sheet (empty values are left out)."""
    scores = []
    for index in range(criteria):
        raw = str(form.get(f"value_{index}", "")).strip()
        if not raw:
            continue
        try:
            scores.append(
                ScoreIn(
                    criterion=index, value=int(raw), comment=str(form.get(f"comment_{index}", ""))
                )
            )
        except (ValueError, ValidationError):
            raise Invalid(
                f"Punkte für Kriterium {index + 1} müssen eine ganze Zahl sein.",
                field=f"value_{index}",
            ) from None
    if not scores:
        raise Invalid("Bitte vergeben Sie Punkte für mindestens ein Kriterium.", field="value_0")
    return ScoreSheet(scores=scores)


def juror(form: Mapping[str, Any]) -> JurorIn:
    """The jury form's e-mail address as a ``JurorIn``."""
    try:
        return JurorIn(email=str(form.get("email", "")).strip())
    except ValidationError:
        raise Invalid(
            "Bitte geben Sie die E-Mail-Adresse eines Kontos an (z. B. name@example.org).",
            field="email",
        ) from None


def check_removal_confirmed(
    members: list[JurorPublic], user_id: int, form: Mapping[str, Any]
) -> None:
    """A juror who has scored is removed only with the box "delete their scores" ticked
    (``confirm``); the service decides whether removal is allowed at all."""
    for member in members:
        if member.user_id == user_id and member.scored and form.get("confirm") != "1":
            raise Invalid(
                f"{member.name} hat schon {member.scored} Beiträge bewertet. Bitte bestätigen "
                "Sie, dass diese Bewertungen mit der Person aus der Jury gelöscht werden.",
                field="confirm",
            )
