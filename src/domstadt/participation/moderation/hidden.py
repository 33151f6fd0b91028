"""Lookups for services that show text: which items of a kind a moderator hid (for kinds
whose own table has no hidden flag, such as organisation texts)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.participation.moderation.models import ContentHidden


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
