"""Version history of measures: a comparable snapshot of the editable fields, the changed
fields between two snapshots, and a word-level diff for the public page."""

from __future__ import annotations

import difflib
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.masterplan.models import Measure, MeasureDependency

_DATES = ("planned_start", "planned_end", "actual_start", "actual_end")
_TEXTS = ("code", "title", "summary", "description", "goals", "contact")
_MORE_TEXTS = ("priority", "status", "rollout_stage", "success_criteria", "risks")


def _codes(session: Session, ids: list[int]) -> list[str]:
    if not ids:
        return []
    return sorted(session.scalars(select(Measure.code).where(Measure.id.in_(ids))).all())


def dependencies(session: Session, measure_id: int) -> tuple[list[int], list[int]]:
    """Ids of the measures this one requires, and of those it blocks (that require it)."""
    rows = session.execute(
        select(MeasureDependency.measure_id, MeasureDependency.requires_id).where(
            (MeasureDependency.measure_id == measure_id)
            | (MeasureDependency.requires_id == measure_id)
        )
    ).all()
    requires = sorted(b for a, b in rows if a == measure_id)
    blocks = sorted(a for a, b in rows if b == measure_id)
    return requires, blocks


def snapshot(session: Session, m: Measure) -> dict[str, Any]:
    """The editable fields of ``m`` as JSON-ready values (references by code or name)."""
    requires, blocks = dependencies(session, m.id)
    children = sorted(session.scalars(select(Measure.code).where(Measure.parent_id == m.id)))
    data: dict[str, Any] = {k: getattr(m, k) for k in (*_TEXTS, *_MORE_TEXTS)}
    data.update({k: (getattr(m, k).isoformat() if getattr(m, k) else None) for k in _DATES})
    data.update(
        fields=[f.slug for f in m.fields],
        sectors=[s.slug for s in m.sectors],
        parent=m.parent.code if m.parent else None,
        weight=m.weight,
        lead_department=m.lead_department.code,
        partner_departments=[d.code for d in m.partner_departments],
        partner_organisations=[o.name for o in m.partner_organisations],
        progress=m.progress_entered,
        children=children,
        progress_total=m.progress if children else None,
        milestones=[
            {
                "title": ms.title,
                "planned_date": ms.planned_date.isoformat() if ms.planned_date else None,
                "actual_date": ms.actual_date.isoformat() if ms.actual_date else None,
            }
            for ms in m.milestones
        ],
        kpis=[
            {
                "name": k.name,
                "unit": k.unit,
                "baseline": k.baseline,
                "target": k.target,
                "values": [
                    {"date": v.date.isoformat(), "value": v.value, "source": v.source}
                    for v in k.values
                ],
            }
            for k in m.kpis
        ],
        requires=_codes(session, requires),
        blocks=_codes(session, blocks),
        council_decision=m.council_decision,
        location=m.location,
        links=list(m.links or []),
    )
    return data


def changed(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for each field that differs (all fields for a new measure)."""
    if before is None:
        return {k: [None, v] for k, v in after.items() if v not in (None, "", [])}
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def as_text(value: Any) -> str:
    """A stored value as a line of readable text for the diff."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(as_text(v) for v in value)
    if isinstance(value, dict):
        if "title" in value and "planned_date" in value:
            return f"{value['title']} ({value.get('planned_date') or '–'})"
        if "name" in value and "values" in value:
            points = ", ".join(f"{v['date']}: {v['value']:g}" for v in value["values"])
            return f"{value['name']} [{value.get('unit') or ''}] {points}".strip()
        if "url" in value:
            return f"{value.get('title', '')} <{value['url']}>"
        return ", ".join(f"{k}: {as_text(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def word_diff(before: Any, after: Any) -> list[tuple[str, str]]:
    """Segments (op, text) with op 'same', 'del' or 'ins', word by word."""
    old = re.findall(r"\S+\s*", as_text(before))
    new = re.findall(r"\S+\s*", as_text(after))
    segments: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(("same", "".join(old[a1:a2])))
            continue
        if a2 > a1:
            segments.append(("del", "".join(old[a1:a2])))
        if b2 > b1:
            segments.append(("ins", "".join(new[b1:b2])))
    return segments
