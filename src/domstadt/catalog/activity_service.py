"""Activity streams of datasets from the audit log (what CKAN's package_activity_list and
recently_changed_packages_activity_list answer): who changed which dataset when, newest first.
Only datasets the caller may see appear; the stream is read, never written, here."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.catalog import store
from domstadt.catalog.models import Dataset
from domstadt.core.audit import AuditEntry
from domstadt.core.auth.permissions import Actor, public

MAX_ACTIVITIES = 100
ACTIVITY_TYPES = {
    "dataset.create": "new package",
    "dataset.update": "changed package",
    "dataset.patch": "changed package",
    "dataset.delete": "deleted package",
    "dataset.harvest.added": "new package",
    "dataset.harvest.updated": "changed package",
    "dataset.harvest.deleted": "deleted package",
}
"""Audit actions on datasets and the CKAN activity type each stands for."""


class Activity(BaseModel):
    """One change of a dataset."""

    id: str
    timestamp: dt.datetime
    user_label: str
    user_id: int | None
    dataset_id: str
    dataset_name: str
    activity_type: str
    action: str


def _activities(
    session: Session, actor: Actor, entity_ids: list[str] | None, limit: int, offset: int
) -> list[Activity]:
    stmt = (
        select(AuditEntry, Dataset)
        .join(Dataset, Dataset.uuid == AuditEntry.entity_id)
        .where(AuditEntry.entity_type == "dataset", AuditEntry.action.in_(ACTIVITY_TYPES))
        .order_by(AuditEntry.id.desc())
    )
    if entity_ids is not None:
        stmt = stmt.where(AuditEntry.entity_id.in_(entity_ids))
    out: list[Activity] = []
    skipped = 0
    for entry, ds in session.execute(stmt):
        if not store.may_see(actor, ds):
            continue
        if skipped < offset:
            skipped += 1
            continue
        out.append(_activity(entry, ds))
        if len(out) >= limit:
            break
    return out


def _activity(entry: AuditEntry, ds: Dataset) -> Activity:
    return Activity(
        id=str(entry.id),
        timestamp=entry.at,
        user_label=entry.actor_label,
        user_id=entry.actor_id,
        dataset_id=ds.uuid,
        dataset_name=ds.name,
        activity_type=ACTIVITY_TYPES[entry.action],
        action=entry.action,
    )


def _bounded(limit: int, offset: int) -> tuple[int, int]:
    return max(0, min(limit, MAX_ACTIVITIES)), max(0, offset)


@public("lists changes only of datasets the caller may see (store.visible_dataset)")
def dataset_activity_list(
    session: Session, *, actor: Actor, id_or_name: str, limit: int = 31, offset: int = 0
) -> list[Activity]:
    """Changes of one dataset, newest first (at most 100 per page)."""
    ds = store.visible_dataset(session, actor, id_or_name)
    limit, offset = _bounded(limit, offset)
    return _activities(session, actor, [ds.uuid], limit, offset)


@public("lists changes only of datasets the caller may see (store.may_see per entry)")
def recent_activity_list(
    session: Session, *, actor: Actor, limit: int = 31, offset: int = 0
) -> list[Activity]:
    """Changes of all visible datasets, newest first (at most 100 per page)."""
    limit, offset = _bounded(limit, offset)
    return _activities(session, actor, None, limit, offset)
