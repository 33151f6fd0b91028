"""Initiatives of the registry in the site search (public, S6.2; merged duplicates left out)."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.masterplan.registry.models import Initiative
from domstadt.search import N_, Document, Source


def _initiatives(session: Session, ids: Collection[int] | None) -> Iterator[Document]:
    stmt = select(Initiative).where(
        Initiative.duplicate_of_id.is_(None), Initiative.duplicate_of_measure_id.is_(None)
    )
    if ids is not None:
        stmt = stmt.where(Initiative.id.in_(list(ids)))
    for row in session.scalars(stmt.order_by(Initiative.id)):
        yield Document(
            entity_id=row.id,
            title=row.title,
            url=f"/initiativen/{row.id}",
            text=row.description,
            extra=" ".join(x for x in (row.code or "", row.owner_name) if x),
        )


SOURCE = Source(
    kind="initiative",
    label=N_("Initiatives"),
    list=_initiatives,
    watch={Initiative: lambda row: row.id},
    order=20,
)
