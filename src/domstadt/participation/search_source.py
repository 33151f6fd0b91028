"""Organisations taking part, in the site search (shown publicly with their verification); a
description hidden by moderators is not indexed."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core.auth.models import Organisation
from domstadt.participation.moderation.hidden import hidden_ids
from domstadt.participation.moderation.models import ContentHidden
from domstadt.search import N_, Document, Source


def _organisations(session: Session, ids: Collection[int] | None) -> Iterator[Document]:
    stmt = select(Organisation)
    if ids is not None:
        stmt = stmt.where(Organisation.id.in_(list(ids)))
    rows = list(session.scalars(stmt.order_by(Organisation.id)))
    hidden = hidden_ids(session, "organisation", [o.id for o in rows])
    for org in rows:
        competences = " ".join(str(c) for c in (org.competences or []))
        yield Document(
            entity_id=org.id,
            title=org.name,
            url=f"/organisationen/{org.id}",
            text="" if org.id in hidden else org.description,
            extra=f"{org.city} {competences}",
        )


SOURCE = Source(
    kind="organisation",
    label=N_("Organisations"),
    list=_organisations,
    watch={
        Organisation: lambda org: org.id,
        ContentHidden: lambda row: row.item_id if row.kind == "organisation" else None,
    },
    order=50,
)
