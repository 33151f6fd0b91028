"""Checks of measure input with German messages naming the field: dates, progress, GeoJSON,
references by code, and cycles in parents and dependencies. Nothing here writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core.auth.models import Department, Organisation
from domstadt.core.errors import Conflict, Invalid
from domstadt.core.names import name_key
from domstadt.masterplan.models import FieldOfAction, Measure, MeasureDependency, Sector

FIELD_LABELS = {
    "code": "Kürzel",
    "title": "Titel",
    "summary": "Kurzfassung in einfacher Sprache",
    "description": "Beschreibung",
    "goals": "Ziele",
    "fields": "Handlungsfelder",
    "sectors": "Sektoren",
    "parent": "Übergeordnete Maßnahme",
    "weight": "Gewicht",
    "lead_department": "Federführende Dienststelle",
    "partner_departments": "Beteiligte Dienststellen",
    "partner_organisations": "Beteiligte Organisationen",
    "contact": "Kontakt",
    "planned_start": "Geplanter Beginn",
    "planned_end": "Geplantes Ende",
    "actual_start": "Tatsächlicher Beginn",
    "actual_end": "Tatsächliches Ende",
    "priority": "Priorität",
    "status": "Status",
    "progress": "Fortschritt",
    "children": "Teilmaßnahmen",
    "progress_total": "Fortschritt aus Teilmaßnahmen",
    "rollout_stage": "Rollout-Stufe",
    "success_criteria": "Erfolgskriterien",
    "milestones": "Meilensteine",
    "kpis": "Kennzahlen",
    "requires": "Setzt voraus",
    "blocks": "Ist Voraussetzung für",
    "risks": "Risiken",
    "council_decision": "Ratsbeschluss",
    "location": "Ort",
    "links": "Verknüpfte Daten",
}
"""German names of the measure fields, used in errors and in the version diff."""


def check_progress(value: int) -> None:
    """Progress is a percentage."""
    if not 0 <= value <= 100:
        raise Invalid(
            f"Fortschritt muss zwischen 0 und 100 % liegen (angegeben: {value}).", field="progress"
        )


def check_weight(value: float) -> None:
    """A child's weight in the parent's roll-up must be positive."""
    if not value > 0:
        raise Invalid("Gewicht muss größer als 0 sein.", field="weight")


def check_period(start: dt.date | None, end: dt.date | None, prefix: str) -> None:
    """The end of a period must not lie before its start."""
    if start and end and end < start:
        label = "Geplantes" if prefix == "planned" else "Tatsächliches"
        raise Invalid(
            f"{label} Ende ({end:%d.%m.%Y}) liegt vor dem Beginn ({start:%d.%m.%Y}).",
            field=f"{prefix}_end",
        )


def _position(value: Any) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) in (2, 3)
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        and -180 <= value[0] <= 180
        and -90 <= value[1] <= 90
    )


def _ring(ring: Any) -> bool:
    return (
        isinstance(ring, list)
        and len(ring) >= 4
        and all(_position(p) for p in ring)
        and list(ring[0]) == list(ring[-1])
    )


def check_location(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """A GeoJSON Point or Polygon (a Feature is unwrapped to its geometry), WGS84 lon/lat."""
    if value is None:
        return None
    if value.get("type") == "Feature":
        value = value.get("geometry") or {}
    kind, coordinates = value.get("type"), value.get("coordinates")
    valid = (kind == "Point" and _position(coordinates)) or (
        kind == "Polygon"
        and isinstance(coordinates, list)
        and bool(coordinates)
        and all(_ring(r) for r in coordinates)
    )
    if not valid:
        raise Invalid(
            "Ort muss ein GeoJSON-Punkt oder -Polygon mit Längen- und Breitengrad sein "
            "(Polygonringe geschlossen, mindestens 4 Punkte).",
            field="location",
        )
    return {"type": kind, "coordinates": coordinates}


def check_code_free(session: Session, code: str, measure_id: int | None) -> None:
    """Measure codes are unique."""
    found = session.scalar(select(Measure.id).where(Measure.code == code))
    if found is not None and found != measure_id:
        raise Conflict(f"Das Kürzel '{code}' hat bereits eine andere Maßnahme.", field="code")


def department(session: Session, ref: str | int, field: str) -> Department:
    """A department by code (or numeric id)."""
    row = session.scalar(select(Department).where(Department.code == str(ref)))
    if row is None and isinstance(ref, int):
        row = session.get(Department, ref)
    if row is None:
        raise Invalid(f"{FIELD_LABELS[field]}: Dienststelle '{ref}' gibt es nicht.", field=field)
    return row


def departments(session: Session, refs: Iterable[str | int], field: str) -> list[Department]:
    """Several departments by code or id, duplicates dropped."""
    found: dict[int, Department] = {}
    for ref in refs:
        row = department(session, ref, field)
        found[row.id] = row
    return list(found.values())


def organisations(session: Session, refs: Iterable[str | int]) -> list[Organisation]:
    """Organisations by name (compared like registrations: ``core.names.name_key``) or id."""
    found: dict[int, Organisation] = {}
    for ref in refs:
        row = session.scalar(
            select(Organisation).where(Organisation.name_key == name_key(str(ref)))
        )
        if row is None and isinstance(ref, int):
            row = session.get(Organisation, ref)
        if row is None:
            raise Invalid(
                f"Beteiligte Organisationen: '{ref}' ist nicht registriert.",
                field="partner_organisations",
            )
        found[row.id] = row
    return list(found.values())


def taxa(
    session: Session, model: type[FieldOfAction] | type[Sector], slugs: Sequence[str], field: str
) -> list[Any]:
    """Fields of action or sectors by slug."""
    found: list[Any] = list(session.scalars(select(model).where(model.slug.in_(slugs))))
    rows = {r.slug: r for r in found}
    unknown = [s for s in slugs if s not in rows]
    if unknown:
        raise Invalid(f"{FIELD_LABELS[field]}: unbekannt: {', '.join(unknown)}.", field=field)
    return [rows[s] for s in dict.fromkeys(slugs)]


def measures_by_code(session: Session, codes: Sequence[str], field: str) -> list[Measure]:
    """Measures by code, in the given order."""
    rows = {m.code: m for m in session.scalars(select(Measure).where(Measure.code.in_(codes)))}
    unknown = [c for c in codes if c not in rows]
    if unknown:
        raise Invalid(
            f"{FIELD_LABELS[field]}: Maßnahme '{', '.join(unknown)}' gibt es nicht.", field=field
        )
    return [rows[c] for c in dict.fromkeys(codes)]


def check_parent(session: Session, measure_id: int | None, parent: Measure | None) -> None:
    """A measure cannot be its own ancestor."""
    seen: list[str] = []
    current = parent
    while current is not None:
        seen.append(current.code)
        if measure_id is not None and current.id == measure_id:
            raise Conflict(
                "Übergeordnete Maßnahme erzeugt einen Kreis: " + " → ".join(reversed(seen)),
                field="parent",
            )
        current = session.get(Measure, current.parent_id) if current.parent_id else None


def check_dependency_cycle(
    session: Session, edges: set[tuple[int, int]], codes: dict[int, str]
) -> None:
    """Reject a dependency graph (measure → what it requires) with a cycle; name the cycle."""
    graph: dict[int, list[int]] = {}
    for source, target in edges:
        if source == target:
            raise Conflict(
                f"Abhängigkeiten: Maßnahme {codes[source]} kann sich nicht selbst voraussetzen.",
                field="requires",
            )
        graph.setdefault(source, []).append(target)
    cycle = _find_cycle(graph)
    if cycle:
        names = [codes.get(n) or _code(session, n) for n in cycle]
        raise Conflict(
            "Abhängigkeiten bilden einen Kreis: " + " → ".join(names) + " (setzt jeweils voraus).",
            field="requires",
        )


def _code(session: Session, measure_id: int) -> str:
    return session.scalar(select(Measure.code).where(Measure.id == measure_id)) or str(measure_id)


def _find_cycle(graph: dict[int, list[int]]) -> list[int]:
    """A cycle as a node path that returns to its start, or [] (iterative DFS)."""
    state: dict[int, int] = {}
    for root in sorted(graph):
        if state.get(root):
            continue
        stack: list[tuple[int, int]] = [(root, 0)]
        path: list[int] = []
        while stack:
            node, index = stack.pop()
            if index == 0:
                state[node] = 1
                path.append(node)
            children = graph.get(node, [])
            if index < len(children):
                stack.append((node, index + 1))
                child = children[index]
                if state.get(child) == 1:
                    return [*path[path.index(child) :], child]
                if not state.get(child):
                    stack.append((child, 0))
            else:
                state[node] = 2
                path.pop()
    return []


def all_edges(session: Session) -> set[tuple[int, int]]:
    """Every stored dependency as (measure, required measure)."""
    return {
        (a, b)
        for a, b in session.execute(
            select(MeasureDependency.measure_id, MeasureDependency.requires_id)
        )
    }
