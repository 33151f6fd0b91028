"""The privacy scan of a large table as a job: the normalised Parquet copy is read in chunks
of :data:`CHUNK_ROWS` rows, each chunk is scanned like a table (``scan.scan_table``) and the
progress (rows read) is committed after each chunk, so the dataset's edit page and the API
show it. Findings of all chunks are merged per column and kind (hits added up, the first
masked example kept) and stored at the end; then the dataset is published if nothing is open.
A failed scan keeps the dataset waiting and records the error (no traceback)."""

from __future__ import annotations

import logging
from pathlib import Path

import pyarrow.parquet as pq
from sqlalchemy import update

from domstadt.catalog.models import Dataset, Distribution, PrivacyScan
from domstadt.catalog.privacy import gate
from domstadt.catalog.privacy.scan import Finding, scan_table
from domstadt.core.db import Database, utcnow

CHUNK_ROWS = 20_000
log = logging.getLogger(__name__)


def merge(found: dict[tuple[str, str], Finding], more: list[Finding]) -> None:
    """Add the findings of one chunk to those of the chunks before."""
    for finding in more:
        key = (finding.column, finding.kind)
        if key in found:
            found[key].hits += finding.hits
        else:
            found[key] = finding


def _claim(database: Database, scan_id: int) -> bool:
    """Mark a queued scan running; False when it is not queued (run already, or gone)."""
    with database.session() as session:
        claimed = session.execute(
            update(PrivacyScan)
            .where(PrivacyScan.id == scan_id, PrivacyScan.status == "queued")
            .values(status="running", started=utcnow(), rows_done=0)
        )
        return bool(getattr(claimed, "rowcount", 0))


def _progress(database: Database, scan_id: int, rows_done: int) -> None:
    with database.session() as session:
        session.execute(
            update(PrivacyScan).where(PrivacyScan.id == scan_id).values(rows_done=rows_done)
        )


def _scan_file(database: Database, scan_id: int, path: Path) -> list[Finding]:
    found: dict[tuple[str, str], Finding] = {}
    parquet = pq.ParquetFile(path)
    names = list(parquet.schema_arrow.names)
    done = 0
    for batch in parquet.iter_batches(batch_size=CHUNK_ROWS):
        columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
        merge(found, scan_table(names, columns))
        done += batch.num_rows
        _progress(database, scan_id, done)
    return list(found.values())


def _finish(database: Database, scan_id: int, found: list[Finding]) -> None:
    with database.session() as session:
        scan = session.get_one(PrivacyScan, scan_id)
        ds = session.get_one(Dataset, scan.dataset_id)
        dist = session.get_one(Distribution, scan.distribution_id)
        gate.store_findings(session, ds, dist, found)
        scan.status, scan.findings, scan.finished = "done", len(found), utcnow()
        gate.release_if_done(session, ds)


def _fail(database: Database, scan_id: int, error: str) -> None:
    with database.session() as session:
        session.execute(
            update(PrivacyScan)
            .where(PrivacyScan.id == scan_id)
            .values(status="failed", error=error[:500], finished=utcnow())
        )


def run_scan(database: Database, scan_id: int, path: Path) -> str:
    """Run scan ``scan_id`` over the Parquet file at ``path``; its final status."""
    if not _claim(database, scan_id):
        return "skipped"
    try:
        found = _scan_file(database, scan_id, path)
    except (OSError, ValueError) as exc:  # a missing or unreadable file
        log.warning("privacy scan %s failed: %s", scan_id, exc)
        _fail(database, scan_id, f"Die Datei konnte nicht gelesen werden ({type(exc).__name__}).")
        return "failed"
    _finish(database, scan_id, found)
    return "done"
