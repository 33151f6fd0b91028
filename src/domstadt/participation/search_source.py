"""Organisations taking part, in the site search (shown publicly with their verification)."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core.auth.models import Organisation
from domstadt.search import N_, Document, Source


def _organisations(session: Session, ids: Collection[int] | None) -> Iterator[Document]:
    stmt = select(Organisation)
    if ids is not None:
        stmt = stmt.where(Organisation.id.in_(list(ids)))
    for org in session.scalars(stmt.order_by(Organisation.id)):
        competences = " ".join(str(c) for c in (org.competences or []))
        yield Document(
            entity_id=org.id,
            title=org.name,
            url=f"/organisationen/{org.id}",
            text=org.description,
            extra=f"{org.city} {competences}",
        )


SOURCE = Source(
    kind="organisation",
    label=N_("Organisations"),
    list=_organisations,
    watch={Organisation: lambda org: org.id},
    order=50,
)
