"""Lookups for services that show text: which items of a kind a moderator hid (for kinds
whose own table has no hidden flag, such as organisation texts), and forgetting a deleted
item's moderation rows."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from domstadt.participation.moderation.models import ContentHidden, ContentReport


def hidden_ids(session: Session, kind: str, item_ids: Iterable[int]) -> set[int]:
    """The ids among ``item_ids`` of ``kind`` that are hidden."""
    ids = list(item_ids)
    if not ids:
        return set()
    rows = session.scalars(
        select(ContentHidden.item_id).where(
            ContentHidden.kind == kind, ContentHidden.item_id.in_(ids)
        )
    )
    return set(rows)


def forget(session: Session, kind: str, item_id: int) -> None:
    """Remove the reports and the hidden flag of an item that no longer exists (a withdrawn
    pitch), so a later item that gets the same id starts clean."""
    for model in (ContentReport, ContentHidden):
        session.execute(delete(model).where(model.kind == kind, model.item_id == item_id))
