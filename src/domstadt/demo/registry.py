"""Demo data for the initiatives registry: 30 Cologne initiatives inside and outside the
administration, some of them true duplicates of each other or of measures, and hard negatives
(same words, different place, action or target group) that must not be suggested.

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
from domstadt.masterplan.registry import review_service, service
from domstadt.masterplan.registry.schemas import InitiativeCreate

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
        created.append(service.insert(session, actor, InitiativeCreate(**values)).id)
    if not created:
        return {"initiatives": 0, "duplicate_suggestions": 0}
    session.commit()
    found = review_service.suggestions_rescan(session, actor=actor, initiative_ids=created)
    return {"initiatives": len(created), "duplicate_suggestions": found}
