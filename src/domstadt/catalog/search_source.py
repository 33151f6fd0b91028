"""Datasets of the catalogue in the site search: only active, public ones (restricted and
deleted datasets never appear)."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from domstadt.catalog.models import Dataset, DatasetKeyword
from domstadt.search import N_, Document, Source


def _datasets(session: Session, ids: Collection[int] | None) -> Iterator[Document]:
    stmt = (
        select(Dataset)
        .options(selectinload(Dataset.keywords))
        .where(Dataset.state == "active", Dataset.access_rights == "PUBLIC")
    )
    if ids is not None:
        stmt = stmt.where(Dataset.id.in_(list(ids)))
    for ds in session.scalars(stmt.order_by(Dataset.id)):
        yield Document(
            entity_id=ds.id,
            title=ds.title,
            url=f"/daten/{ds.name}",
            text=ds.description,
            extra=" ".join([ds.name, *(k.keyword for k in ds.keywords)]),
        )


SOURCE = Source(
    kind="dataset",
    label=N_("Datasets"),
    list=_datasets,
    watch={Dataset: lambda ds: ds.id, DatasetKeyword: lambda k: k.dataset_id},
    order=30,
)
