"""Writing measures (Maßnahmen): create and update with every rule checked before anything is
written, a stored version per change, the audit entry, the parent roll-up of progress, and
the search and similarity index (kind "measure") kept current in the same transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, check_department, requires
from domstadt.core.db import utcnow
from domstadt.core.errors import NotFound
from domstadt.core.text import index_document, upsert_text
from domstadt.masterplan import measure_relations as relations
from domstadt.masterplan import measure_rules as rules
from domstadt.masterplan.measure_history import changed, snapshot
from domstadt.masterplan.measure_present import public
from domstadt.masterplan.models import (
    FieldOfAction,
    Kpi,
    KpiValue,
    Measure,
    MeasureDependency,
    MeasureVersion,
    Milestone,
    Sector,
)
from domstadt.masterplan.schemas import (
    DEFAULT_PROGRESS,
    MeasureCreate,
    MeasurePublic,
    MeasureUpdate,
    Status,
)

SEARCH_KIND = "measure"
"""Kind under which measures are indexed for full-text search and similarity."""

_PLAIN = (
    "code",
    "title",
    "summary",
    "description",
    "goals",
    "contact",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "priority",
    "status",
    "rollout_stage",
    "success_criteria",
    "risks",
    "council_decision",
    "weight",
)
_NEW = -1
"""Stand-in id of a measure not yet flushed, for the dependency cycle check."""


def _resolve(session: Session, m: Measure, values: dict[str, Any]) -> dict[str, Any]:
    """Check every given value and turn references into rows; raises before any write."""
    out: dict[str, Any] = {k: values[k] for k in _PLAIN if k in values and values[k] is not None}
    if "code" in out:
        rules.check_code_free(session, out["code"], m.id)
    if "weight" in out:
        rules.check_weight(out["weight"])
    for prefix in ("planned", "actual"):
        start = values.get(f"{prefix}_start", getattr(m, f"{prefix}_start"))
        end = values.get(f"{prefix}_end", getattr(m, f"{prefix}_end"))
        rules.check_period(start, end, prefix)
    for key in ("planned_start", "planned_end", "actual_start", "actual_end"):
        if key in values:
            out[key] = values[key]
    out.update(_references(session, values))
    if "parent" in out:
        rules.check_parent(session, m.id, out["parent"])
    if "location" in values:
        out["location"] = rules.check_location(values["location"])
    if "links" in values:
        out["links"] = [dict(link) for link in values["links"] or []]
    return out


def _references(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if values.get("lead_department") is not None:
        out["lead_department"] = rules.department(
            session, values["lead_department"], "lead_department"
        )
    if values.get("fields") is not None:
        out["fields"] = rules.taxa(session, FieldOfAction, values["fields"], "fields")
    if values.get("sectors") is not None:
        out["sectors"] = rules.taxa(session, Sector, values["sectors"], "sectors")
    if values.get("partner_departments") is not None:
        out["partner_departments"] = rules.departments(
            session, values["partner_departments"], "partner_departments"
        )
    if values.get("partner_organisations") is not None:
        out["partner_organisations"] = rules.organisations(session, values["partner_organisations"])
    if "parent" in values:
        parent = values["parent"]
        out["parent"] = rules.measures_by_code(session, [parent], "parent")[0] if parent else None
    for key in ("requires", "blocks"):
        if values.get(key) is not None:
            out[key] = rules.measures_by_code(session, values[key], key)
    return out


def _progress(m: Measure, values: dict[str, Any], is_new: bool) -> int | None:
    """The entered progress after this write: given, or the new status's default."""
    if values.get("progress") is not None:
        rules.check_progress(values["progress"])
        return int(values["progress"])
    status = values.get("status")
    if status is not None and (is_new or Status(status) != m.status):
        return DEFAULT_PROGRESS[Status(status)]
    return None


def _check_dependencies(session: Session, m: Measure, out: dict[str, Any]) -> None:
    if "requires" not in out and "blocks" not in out:
        return
    me = m.id if m.id is not None else _NEW
    edges = rules.all_edges(session)
    if "requires" in out:
        edges = {e for e in edges if e[0] != me} | {(me, r.id) for r in out["requires"]}
    if "blocks" in out:
        edges = {e for e in edges if e[1] != me} | {(b.id, me) for b in out["blocks"]}
    codes = {me: out.get("code", m.code)}
    codes.update({r.id: r.code for key in ("requires", "blocks") for r in out.get(key, [])})
    rules.check_dependency_cycle(session, edges, codes)


def _write_parts(session: Session, m: Measure, values: dict[str, Any], out: dict[str, Any]) -> None:
    if values.get("milestones") is not None:
        m.milestones = [Milestone(position=i, **ms) for i, ms in enumerate(values["milestones"])]
    if values.get("kpis") is not None:
        m.kpis = [
            Kpi(
                position=i,
                name=k["name"],
                unit=k["unit"],
                baseline=k["baseline"],
                target=k["target"],
                values=[KpiValue(**v) for v in k["values"]],
            )
            for i, k in enumerate(values["kpis"])
        ]
    if "requires" in out:
        session.execute(delete(MeasureDependency).where(MeasureDependency.measure_id == m.id))
        session.add_all(
            MeasureDependency(measure_id=m.id, requires_id=r.id) for r in out["requires"]
        )
    if "blocks" in out:
        session.execute(delete(MeasureDependency).where(MeasureDependency.requires_id == m.id))
        session.add_all(MeasureDependency(measure_id=b.id, requires_id=m.id) for b in out["blocks"])


def _roll_up(session: Session, measure_id: int | None) -> None:
    """Recompute the effective progress of a measure and of all its ancestors."""
    seen: set[int] = set()
    while measure_id is not None and measure_id not in seen:
        seen.add(measure_id)
        m = session.get(Measure, measure_id)
        if m is None:
            return
        children = session.execute(
            select(Measure.weight, Measure.progress).where(Measure.parent_id == measure_id)
        ).all()
        total = sum(w for w, _ in children)
        m.progress = round(sum(w * p for w, p in children) / total) if total else m.progress_entered
        session.flush()
        measure_id = m.parent_id


def _index(session: Session, m: Measure) -> None:
    body = "\n".join(x for x in (m.code, m.summary, m.description, m.goals) if x)
    index_document(session, kind=SEARCH_KIND, entity_id=m.id, title=m.title, body=body)
    upsert_text(
        session,
        kind=SEARCH_KIND,
        entity_id=m.id,
        text=m.title + "\n" + (m.summary or m.description),
    )


def _values(data: MeasureUpdate) -> dict[str, Any]:
    """The given fields; nested items (milestones, KPIs, links) complete with their defaults."""
    values = data.model_dump(exclude_unset=True)
    for key in ("milestones", "kpis", "links"):
        items = getattr(data, key)
        if key in values and items is not None:
            values[key] = [item.model_dump() for item in items]
    return values


def _save(
    session: Session, actor: Actor, m: Measure, values: dict[str, Any], is_new: bool
) -> MeasurePublic:
    out = _resolve(session, m, values)
    progress = _progress(m, values, is_new)
    _check_dependencies(session, m, out)
    if not is_new:
        check_department(actor, m.lead_department_id)
    if "lead_department" in out:
        check_department(actor, out["lead_department"].id)
    relations.check_relation_rights(session, actor, m, out)
    others = {o.id: (o, snapshot(session, o)) for o in relations.affected(session, m, out)}
    before = None if is_new else snapshot(session, m)
    old_parent = m.parent_id
    for key, value in out.items():
        if key not in ("requires", "blocks"):
            setattr(m, key, value)
    if progress is not None:
        m.progress_entered = progress
    if is_new:
        session.add(m)
    session.flush()
    _write_parts(session, m, values, out)
    session.flush()
    session.refresh(m)
    _roll_up(session, m.id)
    if old_parent != m.parent_id:
        _roll_up(session, old_parent)
    _record(session, actor, m, before)
    for other, other_before in others.values():
        session.refresh(other)
        _record(session, actor, other, other_before, cause=m.code)
    return public(session, m)


def _record(
    session: Session,
    actor: Actor,
    m: Measure,
    before: dict[str, Any] | None,
    cause: str | None = None,
) -> None:
    """A new version and audit entry when the measure's recorded state changed; ``cause``
    names the measure whose write changed this one through a relation."""
    after = snapshot(session, m)
    changes = changed(before, after)
    if not changes:
        return
    m.version = 1 if before is None else m.version + 1
    m.updated_at = utcnow()
    session.add(
        MeasureVersion(
            measure_id=m.id,
            version=m.version,
            at=m.updated_at,
            actor_id=actor.user_id,
            actor_label=audit.public_label(session, actor),
            changes=changes,
        )
    )
    audit_after: dict[str, Any] = {k: v[1] for k, v in changes.items()}
    if cause is not None:
        audit_after["via"] = cause
    audit.record(
        session,
        actor=actor,
        action="measure.create" if before is None else "measure.update",
        entity_type="measure",
        entity_id=m.id,
        before={k: v[0] for k, v in changes.items()} if before else None,
        after=audit_after,
    )
    if cause is None:  # a relation never changes another measure's text
        _index(session, m)
    session.flush()


@requires(Permission.CONTENT_EDIT)
def measure_create(session: Session, *, actor: Actor, data: MeasureCreate) -> MeasurePublic:
    """Create a measure (editors: only with their own department as lead)."""
    values = _values(data)
    values.setdefault("status", Status.IDEA)
    m = Measure(
        code=data.code,
        title=data.title,
        version=0,
        links=[],
        progress=0,
        progress_entered=0,
        weight=1.0,
        summary="",
        description="",
        goals="",
        contact="",
        priority="medium",
        rollout_stage="idea",
        success_criteria="",
        risks="",
        council_decision="",
    )
    return _save(session, actor, m, values, is_new=True)


@requires(Permission.CONTENT_EDIT)
def measure_update(
    session: Session, *, actor: Actor, measure_id: int, data: MeasureUpdate
) -> MeasurePublic:
    """Change the given fields of a measure; each effective change becomes a new version."""
    m = session.get(Measure, measure_id)
    if m is None:
        raise NotFound(f"Maßnahme {measure_id} nicht gefunden.")
    check_department(actor, m.lead_department_id)
    return _save(session, actor, m, _values(data), is_new=False)


@requires(Permission.CONTENT_EDIT)
def check_can_edit(*, actor: Actor, department_id: int | None = None) -> None:
    """Raise unless the actor may edit measures (of ``department_id``, when given)."""
    if department_id is not None:
        check_department(actor, department_id)
