"""Demo data for the initiatives registry: 30 Cologne initiatives inside and outside the
administration, some of them true duplicates of each other or of measures, and hard negatives
(same words, different place, action or target group) that must not be suggested; and AI
screenings of three demo measures (one confirmed by a reviewer).

Similarity compares committed rows only, so the loader commits its initiatives before it lets
the platform compute duplicate suggestions (the demo is idempotent: rerunning adds nothing).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor
from domstadt.core.errors import NotFound
from domstadt.masterplan import measure_read_service
from domstadt.masterplan.registry import review_service, service, store
from domstadt.masterplan.registry.schemas import InitiativeCreate
from domstadt.masterplan.screening import service as screening_service
from domstadt.masterplan.screening.rubric import ScreeningInput
from domstadt.masterplan.screening.schemas import Review

DATA = Path(__file__).with_name("registry_initiatives.json")
"""The demo initiatives: code, title, description, owner, status, period, funding, measures."""


def _measure_ids(session: Session, actor: Actor, codes: list[str]) -> list[int]:
    ids = []
    for code in codes:
        try:
            ids.append(measure_read_service.measure_get_by_code(session, actor=actor, code=code).id)
        except NotFound:
            continue
    return ids


def _existing_codes(session: Session, actor: Actor) -> set[str]:
    page = service.initiative_list(session, actor=actor, per_page=100)
    codes = {i.code for i in page.items if i.code}
    for number in range(2, page.total // 100 + 2):
        more = service.initiative_list(session, actor=actor, per_page=100, page=number)
        codes |= {i.code for i in more.items if i.code}
    return codes


SCREENINGS: dict[str, dict[str, Any]] = {
    "DV-05": {
        "potential": {"repetitiveness": 4, "case_volume": 4, "clear_rules": 3,
                      "data_availability": 3, "data_volume": 3, "data_quality": 2,
                      "measurable_benefit": 3, "proven_elsewhere": 4},
        "risk": {"automation": "assist", "personal_data": "yes", "rights": "moderate",
                 "scrutiny": "yes"},
        "mitigation": ["audit_trail", "reasons", "fallback", "privacy_assessment"],
        "interacts_with_people": True, "generates_content": True, "task": "llm",
    },
    "SC-04": {
        "potential": {"repetitiveness": 4, "case_volume": 3, "clear_rules": 3,
                      "data_availability": 4, "data_volume": 3, "data_quality": 3,
                      "measurable_benefit": 4, "proven_elsewhere": 3},
        "risk": {"connected_devices": "yes"},
        "mitigation": ["data_quality_process", "open_data", "fallback"], "task": "ts",
    },
    "DV-02": {
        "potential": {"repetitiveness": 3, "case_volume": 3, "clear_rules": 2,
                      "data_availability": 2, "data_volume": 2, "data_quality": 2,
                      "measurable_benefit": 3, "proven_elsewhere": 3},
        "risk": {"automation": "assist", "discretion": "yes", "reversibility": "likely",
                 "economic": "high", "personal_data": "yes"},
        "mitigation": ["audit_trail", "override_log", "reasons", "recourse", "fallback"],
        "high_risk_area": "public_benefits",
    },
}  # fmt: skip
"""Answers for the screening of some demo measures (by code)."""


def _screenings(session: Session, actor: Actor) -> int:
    done = 0
    for code, answers in SCREENINGS.items():
        try:
            measure = measure_read_service.measure_get_by_code(session, actor=actor, code=code)
        except NotFound:
            continue
        if screening_service.screening_get(session, actor=actor, measure_id=measure.id).screened:
            continue
        data = ScreeningInput.model_validate(answers)
        screening_service.screening_propose(session, actor=actor, measure_id=measure.id, data=data)
        if code == "SC-04":
            review = Review(decision="confirm", reasons="Vorschlag geprüft, passt.")
            screening_service.screening_review(
                session, actor=actor, measure_id=measure.id, review=review
            )
        done += 1
    return done


def load(session: Session, actor: Actor) -> dict[str, int]:
    """Register the initiatives (once), then compute duplicate suggestions for them."""
    known = _existing_codes(session, actor)
    created: list[int] = []
    for record in json.loads(DATA.read_text(encoding="utf-8")):
        if record["code"] in known:
            continue
        values: dict[str, Any] = {
            **{k: v for k, v in record.items() if k != "measure_codes"},
            "measure_ids": _measure_ids(session, actor, record["measure_codes"]),
        }
        created.append(store.insert(session, actor, InitiativeCreate(**values)).id)
    screened = _screenings(session, actor)
    if not created:
        return {"initiatives": 0, "duplicate_suggestions": 0, "screenings": screened}
    session.commit()
    found = review_service.suggestions_rescan(session, actor=actor, initiative_ids=created)
    return {"initiatives": len(created), "duplicate_suggestions": found, "screenings": screened}
