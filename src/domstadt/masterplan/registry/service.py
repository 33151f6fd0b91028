"""Initiatives registry operations (S6.2): register, read, list, link to measures.

Every write checks the permission, validates before writing, indexes the text for full-text
search and similarity (kind "initiative"), computes duplicate suggestions and is audited.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.models import Organisation
from domstadt.core.auth.permissions import Actor, Permission, public, requires
from domstadt.core.db import utcnow
from domstadt.core.errors import Invalid, NotFound
from domstadt.core.text import search
from domstadt.masterplan.registry import duplicates, store
from domstadt.masterplan.registry.models import Initiative, InitiativeMeasure, InitiativeStatus
from domstadt.masterplan.registry.schemas import (
    InitiativeCreate,
    InitiativePage,
    InitiativePublic,
    InitiativeSummary,
    MeasureRef,
)

KIND = duplicates.KIND
MAX_PER_PAGE = 100


def _get(session: Session, initiative_id: int) -> Initiative:
    row = session.get(Initiative, initiative_id)
    if row is None:
        raise NotFound(f"Initiative {initiative_id} gibt es nicht.")
    return row


def _measure_refs(session: Session, initiative_id: int) -> list[MeasureRef]:
    ids = list(
        session.scalars(
            select(InitiativeMeasure.measure_id)
            .where(InitiativeMeasure.initiative_id == initiative_id)
            .order_by(InitiativeMeasure.measure_id)
        )
    )
    names = duplicates.titles(session, [(duplicates.MEASURE_KIND, i) for i in ids])
    return [
        MeasureRef(id=i, title=names.get((duplicates.MEASURE_KIND, i), f"Maßnahme {i}"))
        for i in ids
    ]


def _public(session: Session, row: Initiative) -> InitiativePublic:
    org = (
        session.get(Organisation, row.owner_organisation_id) if row.owner_organisation_id else None
    )
    return InitiativePublic(
        id=row.id,
        code=row.code,
        title=row.title,
        description=row.description,
        owner_organisation_id=row.owner_organisation_id,
        owner_organisation_name=org.name if org else None,
        owner_name=row.owner_name,
        contact=row.contact,
        start_date=row.start_date,
        end_date=row.end_date,
        funding=row.funding,
        status=row.status,
        website=row.website,
        duplicate_of_id=row.duplicate_of_id,
        duplicate_of_measure_id=row.duplicate_of_measure_id,
        measures=_measure_refs(session, row.id),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


@requires(Permission.CONTENT_EDIT)
def initiative_create(
    session: Session, *, actor: Actor, data: InitiativeCreate
) -> InitiativePublic:
    """Register an initiative and compute its duplicate suggestions."""
    store.validate(session, actor, data, None)
    row = store.insert(session, actor, data)
    duplicates.suggest(session, row.id, duplicates.text_of(row.title, row.description))
    return _public(session, row)


@requires(Permission.CONTENT_EDIT)
def initiative_update(
    session: Session, *, actor: Actor, initiative_id: int, data: InitiativeCreate
) -> InitiativePublic:
    """Replace an initiative's fields (and measure links)."""
    row = _get(session, initiative_id)
    store.validate(session, actor, data, row.id)
    before = _public(session, row)
    for key, value in data.model_dump(exclude={"measure_ids"}).items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    session.execute(delete(InitiativeMeasure).where(InitiativeMeasure.initiative_id == row.id))
    for measure_id in dict.fromkeys(data.measure_ids):
        session.add(InitiativeMeasure(initiative_id=row.id, measure_id=measure_id))
    session.flush()
    store.index(session, row)
    duplicates.suggest(session, row.id, duplicates.text_of(row.title, row.description))
    result = _public(session, row)
    audit.record(
        session,
        actor=actor,
        action="initiative.update",
        entity_type="initiative",
        entity_id=row.id,
        before=before,
        after=result,
    )
    return result


@public("the registry of initiatives is public (S6.2)")
def initiative_get(session: Session, *, actor: Actor, initiative_id: int) -> InitiativePublic:
    """One initiative, also when it was merged into another as a duplicate."""
    return _public(session, _get(session, initiative_id))


def _owner(row: Initiative, orgs: dict[int, str]) -> str:
    if row.owner_organisation_id and row.owner_organisation_id in orgs:
        return orgs[row.owner_organisation_id]
    return row.owner_name


@public("the registry of initiatives is public (S6.2)")
def initiative_list(
    session: Session,
    *,
    actor: Actor,
    q: str = "",
    status: InitiativeStatus | None = None,
    page: int = 1,
    per_page: int = 20,
) -> InitiativePage:
    """Initiatives that are not merged duplicates, newest first, optionally searched."""
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise Invalid(f"page ≥ 1 und per_page zwischen 1 und {MAX_PER_PAGE}", field="per_page")
    stmt = select(Initiative).where(
        Initiative.duplicate_of_id.is_(None), Initiative.duplicate_of_measure_id.is_(None)
    )
    if q.strip():
        hits = search(session, q, kinds=[KIND], limit=200).hits
        stmt = stmt.where(Initiative.id.in_([h.entity_id for h in hits]))
    if status is not None:
        stmt = stmt.where(Initiative.status == status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(Initiative.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    org_ids = {r.owner_organisation_id for r in rows if r.owner_organisation_id}
    named = select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids))
    orgs: dict[int, str] = {org_id: name for org_id, name in session.execute(named)}
    items = [
        InitiativeSummary(
            id=r.id,
            code=r.code,
            title=r.title,
            owner=_owner(r, orgs),
            status=r.status,
            start_date=r.start_date,
            end_date=r.end_date,
        )
        for r in rows
    ]
    return InitiativePage(total=total, page=page, per_page=per_page, items=items)


@requires(Permission.CONTENT_EDIT)
def initiative_link_measure(
    session: Session, *, actor: Actor, initiative_id: int, measure_id: int
) -> InitiativePublic:
    """Link an initiative to a measure it contributes to (idempotent)."""
    row = _get(session, initiative_id)
    store.check_measure(session, actor, measure_id, "measure_id")
    exists = session.get(InitiativeMeasure, (row.id, measure_id))
    if exists is None:
        session.add(InitiativeMeasure(initiative_id=row.id, measure_id=measure_id))
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="initiative.link_measure",
            entity_type="initiative",
            entity_id=row.id,
            after={"measure_id": measure_id},
        )
    return _public(session, row)


@requires(Permission.CONTENT_EDIT)
def initiative_unlink_measure(
    session: Session, *, actor: Actor, initiative_id: int, measure_id: int
) -> InitiativePublic:
    """Remove the link between an initiative and a measure."""
    row = _get(session, initiative_id)
    link = session.get(InitiativeMeasure, (row.id, measure_id))
    if link is None:
        raise NotFound(f"Initiative {initiative_id} ist nicht mit Maßnahme {measure_id} verknüpft.")
    session.delete(link)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="initiative.unlink_measure",
        entity_type="initiative",
        entity_id=row.id,
        before={"measure_id": measure_id},
    )
    return _public(session, row)


@public("the registry of initiatives is public (S6.2)")
def initiatives_for_measure(
    session: Session, *, actor: Actor, measure_id: int
) -> list[InitiativeSummary]:
    """Initiatives linked to a measure (for the measure's page)."""
    rows = session.scalars(
        select(Initiative)
        .join(InitiativeMeasure, InitiativeMeasure.initiative_id == Initiative.id)
        .where(InitiativeMeasure.measure_id == measure_id)
        .where(Initiative.duplicate_of_id.is_(None))
        .order_by(Initiative.title)
    ).all()
    org_ids = {r.owner_organisation_id for r in rows if r.owner_organisation_id}
    named = select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids))
    orgs: dict[int, str] = {org_id: name for org_id, name in session.execute(named)}
    return [
        InitiativeSummary(
            id=r.id, code=r.code, title=r.title, owner=_owner(r, orgs), status=r.status,
            start_date=r.start_date, end_date=r.end_date,
        )
        for r in rows
    ]  # fmt: skip
