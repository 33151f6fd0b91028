"""Other measures a measure write reaches through its relations, and the rights that needs.

A write changes other measures when it moves the measure under another parent (the old and
the new parent gain or lose a child, and their rolled-up progress changes) or when it changes
the dependency edges (``blocks`` rewrites what other measures require; ``requires`` changes
what they are a prerequisite for). The rule:

- ``parent`` and ``blocks`` change the plan of the other measure: the actor needs edit rights
  on it (the old and the new parent; every measure added to or removed from ``blocks``).
- ``requires`` states this measure's own prerequisites; the required measure's content does
  not change, so reading it is enough.
- Every other measure whose recorded state changes (its children, rolled-up progress or
  dependency lists, up the parent chain) gets a version and an audit entry of its own.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor
from domstadt.core.errors import Forbidden
from domstadt.masterplan.measure_history import dependencies
from domstadt.masterplan.measure_rules import FIELD_LABELS
from domstadt.masterplan.models import Measure


def _by_ids(session: Session, ids: set[int]) -> list[Measure]:
    if not ids:
        return []
    return list(session.scalars(select(Measure).where(Measure.id.in_(ids)).order_by(Measure.id)))


def _edge_changes(session: Session, m: Measure, out: dict[str, Any]) -> dict[str, set[int]]:
    """Ids of measures added to or removed from ``requires`` and ``blocks`` by this write."""
    old_requires, old_blocks = dependencies(session, m.id) if m.id is not None else ([], [])
    changes: dict[str, set[int]] = {"requires": set(), "blocks": set()}
    for key, old in (("requires", old_requires), ("blocks", old_blocks)):
        if key in out:
            changes[key] = set(old) ^ {r.id for r in out[key]}
    return changes


def _parent_changes(m: Measure, out: dict[str, Any]) -> set[int]:
    """Ids of the old and the new parent when this write moves the measure."""
    if "parent" not in out:
        return set()
    new = out["parent"].id if out["parent"] is not None else None
    if new == m.parent_id:
        return set()
    return {i for i in (m.parent_id, new) if i is not None}


def check_relation_rights(session: Session, actor: Actor, m: Measure, out: dict[str, Any]) -> None:
    """Raise Forbidden when the write changes the plan of a measure the actor may not edit."""
    guarded = {
        "parent": _parent_changes(m, out),
        "blocks": _edge_changes(session, m, out)["blocks"],
    }
    for field, ids in guarded.items():
        for other in _by_ids(session, ids - {m.id}):
            if not actor.can_edit_department(other.lead_department_id):
                raise Forbidden(
                    f"{FIELD_LABELS[field]}: Die Änderung berührt Maßnahme {other.code} "
                    f"({other.lead_department.name}), die Sie nicht bearbeiten dürfen. "
                    "Solche Beziehungen legt deren Redaktion oder ein Admin an.",
                    field=field,
                )


def _ancestors(session: Session, measure_id: int | None) -> list[Measure]:
    """The measure with ``measure_id`` and every measure above it."""
    chain: list[Measure] = []
    seen: set[int] = set()
    while measure_id is not None and measure_id not in seen:
        seen.add(measure_id)
        row = session.get(Measure, measure_id)
        if row is None:
            break
        chain.append(row)
        measure_id = row.parent_id
    return chain


def affected(session: Session, m: Measure, out: dict[str, Any]) -> list[Measure]:
    """Other measures whose recorded state this write may change (before it is written)."""
    edges = _edge_changes(session, m, out)
    direct = _parent_changes(m, out) | edges["requires"] | edges["blocks"]
    if m.parent_id is not None:
        direct.add(m.parent_id)
    found: dict[int, Measure] = {}
    for other_id in sorted(direct):
        for row in _ancestors(session, other_id):
            found.setdefault(row.id, row)
    if m.id is not None:
        found.pop(m.id, None)
    return list(found.values())
