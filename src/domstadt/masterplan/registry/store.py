"""Writing initiatives: the checks that need the database, the insert and the text index.

Helpers of the registry's services and importer; callers check permissions first.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.models import Organisation
from domstadt.core.auth.permissions import Actor
from domstadt.core.db import utcnow
from domstadt.core.errors import Conflict, Invalid, NotFound
from domstadt.core.text import index_document, upsert_text
from domstadt.masterplan import measure_read_service
from domstadt.masterplan.registry import duplicates
from domstadt.masterplan.registry.models import Initiative, InitiativeMeasure
from domstadt.masterplan.registry.schemas import InitiativeCreate

KIND = duplicates.KIND


def check_measure(session: Session, actor: Actor, measure_id: int, field: str) -> None:
    """Raise Invalid naming ``field`` unless the measure exists."""
    try:
        measure_read_service.measure_get(session, actor=actor, measure_id=measure_id)
    except NotFound:
        raise Invalid(f"Maßnahme {measure_id} gibt es nicht.", field=field) from None


def validate(session: Session, actor: Actor, data: InitiativeCreate, row_id: int | None) -> None:
    """Rules that need the database: known organisation and measures, unique code."""
    if data.owner_organisation_id is not None and (
        session.get(Organisation, data.owner_organisation_id) is None
    ):
        raise Invalid(
            f"Organisation {data.owner_organisation_id} gibt es nicht.",
            field="owner_organisation_id",
        )
    if data.code:
        clash = session.scalar(select(Initiative.id).where(Initiative.code == data.code))
        if clash is not None and clash != row_id:
            raise Conflict(f"Das Kürzel '{data.code}' ist bereits vergeben.", field="code")
    for measure_id in data.measure_ids:
        check_measure(session, actor, measure_id, "measure_ids")


def index(session: Session, row: Initiative) -> None:
    body = "\n".join(x for x in (row.code or "", row.owner_name, row.description) if x)
    index_document(session, kind=KIND, entity_id=row.id, title=row.title, body=body)
    upsert_text(
        session, kind=KIND, entity_id=row.id, text=duplicates.text_of(row.title, row.description)
    )


def insert(session: Session, actor: Actor, data: InitiativeCreate) -> Initiative:
    """Write one validated initiative with its links and index entries (no permission check:
    for this module and the importer, which checked it)."""
    values: dict[str, Any] = data.model_dump(exclude={"measure_ids"})
    row = Initiative(**values, created_at=utcnow(), updated_at=utcnow())
    session.add(row)
    session.flush()
    for measure_id in dict.fromkeys(data.measure_ids):
        session.add(InitiativeMeasure(initiative_id=row.id, measure_id=measure_id))
    session.flush()
    index(session, row)
    audit.record(
        session,
        actor=actor,
        action="initiative.create",
        entity_type="initiative",
        entity_id=row.id,
        after=data,
    )
    return row
