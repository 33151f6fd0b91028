"""Demo AI screenings: every demo measure not yet screened gets the answers of
data/screenings.json (plausible and differing: sensor networks, citizen services, formats
without AI), so the screening coverage of the demo is complete."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor
from domstadt.core.errors import NotFound
from domstadt.masterplan import measure_read_service
from domstadt.masterplan.screening import service as screening_service
from domstadt.masterplan.screening.rubric import ScreeningInput

ANSWERS: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).parent / "data" / "screenings.json").read_text(encoding="utf-8")
)


def load(session: Session, actor: Actor) -> dict[str, int]:
    """Propose a screening for each listed measure that has none; returns how many."""
    done = 0
    for code, answers in ANSWERS.items():
        try:
            measure = measure_read_service.measure_get_by_code(session, actor=actor, code=code)
        except NotFound:  # the masterplan demo is not loaded
            continue
        if screening_service.screening_get(session, actor=actor, measure_id=measure.id).screened:
            continue
        data = ScreeningInput.model_validate(answers)
        screening_service.screening_propose(session, actor=actor, measure_id=measure.id, data=data)
        done += 1
    return {"screenings": done}
