"""Demo data for the masterplan: the three fields of action and five sectors (FEATURE-MAP.md),
26 illustrative Cologne measures (real-looking, not official; the IHK-… measures are the
proposals of the IHK Köln resolution "Impulse zum Masterplan Digitales Köln 2025"), a parent
programme with weighted children, KPIs, milestones, a stalled pilot and a budget pool.

The data lives in ``data/masterplan.json``; this module only loads it through the services."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor
from domstadt.core.errors import NotFound
from domstadt.masterplan import budget_service, service
from domstadt.masterplan import measure_read_service as reader
from domstadt.masterplan import measure_service as writer
from domstadt.masterplan.budget_service import AllocationSet, BudgetPoolUpsert
from domstadt.masterplan.schemas import MeasureCreate, MeasureUpdate, TaxonUpsert

DATA: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "masterplan.json").read_text(encoding="utf-8")
)
FIELDS = [(f["slug"], f["name"], f["name_en"], f["description"]) for f in DATA["fields_of_action"]]
SECTORS = [(s["slug"], s["name"], s["name_en"]) for s in DATA["sectors"]]
MEASURES: list[dict[str, Any]] = DATA["measures"]
LATER_UPDATES = [(u["code"], u["change"]) for u in DATA["later_updates"]]
"""Changes applied right after the first load, so the demo shows version history."""
POOL: dict[str, Any] = DATA["budget_pool"]
ALLOCATIONS = [
    (a["code"], a["year"], a["planned"], a["approved"], a["spent"]) for a in DATA["allocations"]
]


def _taxonomy(session: Session, actor: Actor) -> dict[str, int]:
    """Upsert fields of action and sectors (idempotent)."""
    before = service.taxonomy(session, actor=actor)
    for pos, (slug, name, name_en, text) in enumerate(FIELDS):
        service.taxon_upsert(
            session,
            actor=actor,
            kind="field_of_action",
            data=TaxonUpsert(slug=slug, name=name, name_en=name_en, description=text, position=pos),
        )
    for pos, (slug, name, name_en) in enumerate(SECTORS):
        service.taxon_upsert(
            session,
            actor=actor,
            kind="sector",
            data=TaxonUpsert(slug=slug, name=name, name_en=name_en, position=pos),
        )
    return {
        "fields_of_action": len(FIELDS) - len(before.fields_of_action),
        "sectors": len(SECTORS) - len(before.sectors),
    }


def _measures(session: Session, actor: Actor) -> tuple[int, dict[str, int]]:
    """Create the demo measures that do not exist yet (by code), then the later changes."""
    ids: dict[str, int] = {}
    added: list[str] = []
    for values in MEASURES:
        try:
            ids[values["code"]] = reader.measure_get_by_code(
                session, actor=actor, code=values["code"]
            ).id
        except NotFound:
            created = writer.measure_create(
                session, actor=actor, data=MeasureCreate.model_validate(values)
            )
            ids[created.code] = created.id
            added.append(created.code)
    for code, change in LATER_UPDATES:
        if code in added:
            writer.measure_update(
                session, actor=actor, measure_id=ids[code], data=MeasureUpdate(**change)
            )
    return len(added), ids


def _budget(session: Session, actor: Actor, ids: dict[str, int]) -> int:
    """The budget pool and its allocations; existing allocations are left as they are."""
    pool = budget_service.budget_pool_upsert(
        session, actor=actor, data=BudgetPoolUpsert.model_validate(POOL)
    )
    have = {(a.measure.code, a.year) for a in pool.allocations}
    count = 0
    for code, year, planned, approved, spent in ALLOCATIONS:
        if (code, year) in have:
            continue
        budget_service.allocation_set(
            session,
            actor=actor,
            data=AllocationSet(
                pool=POOL["slug"],
                measure_id=ids[code],
                year=year,
                planned=planned,
                approved=approved,
                spent=spent,
            ),
        )
        count += 1
    return count


def load(session: Session, actor: Actor) -> dict[str, int]:
    """Taxonomy, measures and budget; running it again adds nothing."""
    counts = _taxonomy(session, actor)
    counts["measures"], ids = _measures(session, actor)
    counts["budget_allocations"] = _budget(session, actor, ids)
    return counts
