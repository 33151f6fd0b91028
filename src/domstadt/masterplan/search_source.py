"""The masterplan's measures in the site search (every measure is public, S1.3)."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from domstadt.masterplan.models import Measure
from domstadt.search import N_, Document, Source


def _measures(session: Session, ids: Collection[int] | None) -> Iterator[Document]:
    stmt = select(Measure).options(selectinload(Measure.fields)).order_by(Measure.id)
    if ids is not None:
        stmt = stmt.where(Measure.id.in_(list(ids)))
    for m in session.scalars(stmt):
        yield Document(
            entity_id=m.id,
            title=m.title,
            url=f"/massnahmen/{m.id}",
            text="\n".join(x for x in (m.summary, m.description, m.goals) if x),
            extra=" ".join([m.code, *(f.name for f in m.fields)]),
        )


SOURCE = Source(
    kind="measure", label=N_("Measures"), list=_measures, watch={Measure: lambda m: m.id}, order=10
)
