"""Masterplan operations: the fields of action and sectors every measure is filed under."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, public, requires
from domstadt.masterplan.models import FieldOfAction, Sector
from domstadt.masterplan.schemas import Taxonomy, TaxonPublic, TaxonUpsert

_KINDS: dict[str, type[FieldOfAction] | type[Sector]] = {
    "field_of_action": FieldOfAction,
    "sector": Sector,
}


@public("the masterplan's structure is public")
def taxonomy(session: Session, *, actor: Actor) -> Taxonomy:
    """Fields of action and sectors in their display order."""
    fields = session.scalars(select(FieldOfAction).order_by(FieldOfAction.position)).all()
    sectors = session.scalars(select(Sector).order_by(Sector.position)).all()
    return Taxonomy(
        fields_of_action=[TaxonPublic.model_validate(f) for f in fields],
        sectors=[TaxonPublic.model_validate(s) for s in sectors],
    )


@requires(Permission.DEPARTMENT_MANAGE)
def taxon_upsert(session: Session, *, actor: Actor, kind: str, data: TaxonUpsert) -> TaxonPublic:
    """Create or update a field of action (kind 'field_of_action') or sector ('sector')."""
    model = _KINDS[kind]
    row = session.scalar(select(model).where(model.slug == data.slug))
    before = TaxonPublic.model_validate(row).model_dump() if row else None
    if row is None:
        row = model(**data.model_dump())
        session.add(row)
    else:
        for key, value in data.model_dump().items():
            setattr(row, key, value)
    session.flush()
    result = TaxonPublic.model_validate(row)
    if before != result.model_dump():
        audit.record(
            session,
            actor=actor,
            action=f"{kind}.upsert",
            entity_type=kind,
            entity_id=result.id,
            before=before,
            after=result,
        )
    return result
