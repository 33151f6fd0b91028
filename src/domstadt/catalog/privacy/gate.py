"""The privacy gate inside the write path: findings of a scanned table are stored and keep
the dataset "waiting" (not published) until an editor clears or fixes each one.

Tables of more than :data:`INLINE_ROWS` rows are scanned in a job (``job.py``, queued as the
huey task ``catalog.tasks.privacy_scan`` once the upload is committed); until that scan is
done the dataset is "waiting" as well."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from domstadt.catalog import store
from domstadt.catalog.models import Dataset, Distribution, PrivacyFinding, PrivacyScan
from domstadt.catalog.privacy.scan import Finding, scan_table

log = logging.getLogger(__name__)

INLINE_ROWS = 20_000
"""Tables up to this many rows are scanned in the upload itself; larger ones in a job."""
UNFINISHED = ("queued", "running", "failed")


def store_findings(session: Session, ds: Dataset, dist: Distribution, found: list[Finding]) -> None:
    """Keep ``found`` as open findings of ``dist``; hold the dataset back when there are any."""
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
    if found:
        hold_back(session, ds)


def hold_back(session: Session, ds: Dataset) -> None:
    """A published dataset waits (is not published) until the gate lets it go."""
    if ds.state == "active":
        ds.state = "waiting"
        session.flush()
        store.reindex(session, ds)


def record_findings(
    session: Session,
    ds: Dataset,
    dist: Distribution,
    names: list[str],
    columns: list[list[Any]],
    parquet: Path | None = None,
) -> int:
    """Scan a table of ``dist`` (every row); store findings; hold the dataset back when there
    are any. A table of more than :data:`INLINE_ROWS` rows kept as ``parquet`` is scanned in a
    job instead: the dataset waits for it; returns -1 then."""
    rows = len(columns[0]) if columns else 0
    if parquet is not None and rows > INLINE_ROWS:
        queue_scan(session, ds, dist, rows, parquet)
        return -1
    found = scan_table(names, columns)
    store_findings(session, ds, dist, found)
    return len(found)


def queue_scan(session: Session, ds: Dataset, dist: Distribution, rows: int, path: Path) -> None:
    """Record a scan job for ``dist`` and hold the dataset back; the job is queued when the
    session commits (a worker must see the committed rows), never when it rolls back."""
    scan = PrivacyScan(dataset_id=ds.id, distribution_id=dist.id, rows_total=rows)
    session.add(scan)
    hold_back(session, ds)
    session.flush()
    url = session.get_bind().engine.url.render_as_string(hide_password=False)
    scan_id, source = scan.id, str(path)

    def enqueue(_session: Session) -> None:
        from domstadt.catalog import tasks  # the tasks import the services, which import this
        from domstadt.core import jobs

        if not jobs.enqueue(tasks.privacy_scan, scan_id, url, source):
            log.warning("privacy scan %s stays queued until the job store answers", scan_id)

    def forget(_session: Session) -> None:
        if event.contains(session, "after_commit", enqueue):
            event.remove(session, "after_commit", enqueue)

    event.listen(session, "after_commit", enqueue, once=True)
    event.listen(session, "after_rollback", forget, once=True)


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


def unfinished_scans(session: Session, dataset_id: int) -> int:
    """Scan jobs of the dataset that have not finished (or failed)."""
    return int(
        session.scalar(
            select(func.count(PrivacyScan.id)).where(
                PrivacyScan.dataset_id == dataset_id, PrivacyScan.status.in_(UNFINISHED)
            )
        )
        or 0
    )


def release_if_done(session: Session, ds: Dataset) -> None:
    """Publish a waiting dataset once no finding is open and every scan is done."""
    session.flush()
    if ds.state != "waiting" or open_count(session, ds.id) or unfinished_scans(session, ds.id):
        return
    ds.state = "active"
    session.flush()
    store.reindex(session, ds)
