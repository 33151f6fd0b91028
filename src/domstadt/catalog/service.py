"""Catalogue operations on datasets: create, read, update, patch, delete (after CKAN's actions).

Editors write datasets of their department (and the units below it); admins write all.
Restricted datasets are visible only to those who may edit them.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.catalog import relations, store, vocab
from domstadt.catalog.convert import dataset_public
from domstadt.catalog.models import Dataset
from domstadt.catalog.schemas import DatasetCreate, DatasetPatch, DatasetPublic
from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, check_department, public, requires
from domstadt.core.db import utcnow


@requires(Permission.CONTENT_EDIT)
def dataset_create(session: Session, *, actor: Actor, data: DatasetCreate) -> DatasetPublic:
    """Create a dataset owned by ``data.department_code`` (editors: their own department)."""
    if not data.department_code and actor.department_ids and not actor.is_system:
        data = data.model_copy(
            update={"department_code": store.own_department_code(session, actor)}
        )
    ds = store.create_row(session, actor, data)
    result = dataset_public(session, ds)
    audit.record(
        session,
        actor=actor,
        action="dataset.create",
        entity_type="dataset",
        entity_id=ds.uuid,
        after=result,
    )
    return result


@requires(Permission.CONTENT_EDIT)
def dataset_update(
    session: Session, *, actor: Actor, id_or_name: str, data: DatasetCreate
) -> DatasetPublic:
    """Replace a dataset's metadata with ``data`` (fields not given fall back to defaults)."""
    ds = store.visible_dataset(session, actor, id_or_name)
    store.check_not_harvested(session, ds)
    before = dataset_public(session, ds)
    values = data.model_dump()
    if not values["department_code"]:
        values["department_code"] = before.department_code
    store.update_row(session, actor, ds, values)
    return _audited(session, actor, ds, "dataset.update", before)


@requires(Permission.CONTENT_EDIT)
def dataset_patch(
    session: Session, *, actor: Actor, id_or_name: str, data: DatasetPatch
) -> DatasetPublic:
    """Change only the fields given in ``data``."""
    ds = store.visible_dataset(session, actor, id_or_name)
    store.check_not_harvested(session, ds)
    before = dataset_public(session, ds)
    values = store.current_values(session, ds)
    values.update(data.model_dump(include=data.model_fields_set))
    store.update_row(session, actor, ds, values)
    return _audited(session, actor, ds, "dataset.patch", before)


def _audited(
    session: Session, actor: Actor, ds: Dataset, action: str, before: DatasetPublic
) -> DatasetPublic:
    result = dataset_public(session, ds)
    audit.record(
        session,
        actor=actor,
        action=action,
        entity_type="dataset",
        entity_id=ds.uuid,
        before=before,
        after=result,
    )
    return result


@requires(Permission.CONTENT_EDIT)
def dataset_delete(session: Session, *, actor: Actor, id_or_name: str) -> DatasetPublic:
    """Mark a dataset deleted (CKAN semantics): it leaves search, lists and the DCAT feed."""
    ds = store.visible_dataset(session, actor, id_or_name)
    check_department(actor, ds.department_id)
    store.check_not_harvested(session, ds)
    before = dataset_public(session, ds)
    ds.state = "deleted"
    ds.metadata_modified = utcnow()
    session.flush()
    store.reindex(session, ds)
    return _audited(session, actor, ds, "dataset.delete", before)


@public("public datasets are open data; restricted ones are filtered by may_see")
def dataset_get(session: Session, *, actor: Actor, id_or_name: str) -> DatasetPublic:
    """One dataset by UUID or URL name."""
    return dataset_public(session, store.visible_dataset(session, actor, id_or_name))


@public("lists only the names of public, active datasets")
def dataset_names(
    session: Session, *, actor: Actor, limit: int | None = None, offset: int = 0
) -> list[str]:
    """URL names of the public datasets, alphabetically (CKAN package_list)."""
    stmt = (
        select(Dataset.name)
        .where(Dataset.state == "active", Dataset.access_rights == "PUBLIC")
        .order_by(Dataset.name)
        .offset(offset)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt).all())


@public("the catalogue's own licence list is public reference data")
def license_list(session: Session, *, actor: Actor) -> list[dict[str, object]]:
    """The dcat-ap.de licence list."""
    return list(vocab.licenses().values())


@public("tells the actor whether they may edit; reveals nothing they cannot see")
def dataset_can_edit(session: Session, *, actor: Actor, id_or_name: str) -> bool:
    """True when the actor may edit the dataset (editor of its department, or admin)."""
    ds = store.visible_dataset(session, actor, id_or_name)
    return (
        ds.harvest_source_id is None
        and actor.can(Permission.CONTENT_EDIT)
        and actor.can_edit_department(ds.department_id)
    )


@public("the measures a visible dataset belongs to are public masterplan measures")
def dataset_measures(
    session: Session, *, actor: Actor, id_or_name: str
) -> list[relations.MeasureLink]:
    """Code, title and page of each measure the dataset is linked to."""
    ds = store.visible_dataset(session, actor, id_or_name)
    ids = [r.ref for r in ds.relations if r.kind == relations.MEASURE]
    return relations.measure_links(session, ids)
