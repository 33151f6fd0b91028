"""The privacy gate inside the write path: findings of a scanned table are stored and keep
the dataset "waiting" (not published) until an editor clears or fixes each one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domstadt.catalog import store
from domstadt.catalog.models import Dataset, Distribution, PrivacyFinding
from domstadt.catalog.privacy.scan import scan_table


def record_findings(
    session: Session, ds: Dataset, dist: Distribution, names: list[str], columns: list[list[Any]]
) -> int:
    """Scan a table of ``dist``; store findings; hold the dataset back when there are any."""
    found = scan_table(names, columns)
    for finding in found:
        session.add(
            PrivacyFinding(
                dataset_id=ds.id,
                distribution_id=dist.id,
                kind=finding.kind,
                column=finding.column[:200],
                hits=finding.hits,
                example=finding.example[:300],
                status="open",
            )
        )
    if found and ds.state == "active":
        ds.state = "waiting"
        session.flush()
        store.reindex(session, ds)
    return len(found)


def open_count(session: Session, dataset_id: int) -> int:
    """Findings of the dataset nobody has decided on yet."""
    return int(
        session.scalar(
            select(func.count(PrivacyFinding.id)).where(
                PrivacyFinding.dataset_id == dataset_id, PrivacyFinding.status == "open"
            )
        )
        or 0
    )


def release_if_done(session: Session, ds: Dataset) -> None:
    """Publish a waiting dataset once no finding is open."""
    session.flush()
    if ds.state == "waiting" and open_count(session, ds.id) == 0:
        ds.state = "active"
        session.flush()
        store.reindex(session, ds)
