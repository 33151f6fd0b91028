"""Background jobs of the catalogue (huey): run one harvest source, or all of them nightly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from huey import crontab

from domstadt.catalog import harvest_service
from domstadt.catalog.harvest.files import FileOptions
from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import get_settings
from domstadt.core.jobs import get_huey, job_database, job_session
from domstadt.core.outbound import OutboundPolicy
from domstadt.core.text import tantivy_index

huey = get_huey()


def run_source(name: str, database_url: str | None = None) -> dict[str, Any]:
    """Run harvest source ``name`` and return its report as a dict."""
    settings = get_settings()
    with job_database(database_url) as database:
        report = harvest_service.harvest_run(
            database,
            actor=system_actor("harvest"),
            name=name,
            outbound=OutboundPolicy.from_settings(settings),
            files=FileOptions(data_dir=settings.data_dir),
        )
        return report.model_dump(mode="json")


@huey.task()
def harvest_source(name: str, database_url: str | None = None) -> dict[str, Any]:
    """Queue: run one harvest source."""
    return run_source(name, database_url)


@huey.periodic_task(crontab(hour="3", minute="41"))
def harvest_all_nightly() -> list[str]:
    """Nightly: queue every harvest source."""
    with job_session() as session:
        names = [
            s.name for s in harvest_service.source_list(session, actor=system_actor("harvest"))
        ]
    for name in names:
        harvest_source(name)
    return names


@huey.task()
def privacy_scan(scan_id: int, database_url: str, path: str) -> str:
    """Queue: the privacy scan of a large table (catalog/privacy/job.py)."""
    from domstadt.catalog.privacy.job import run_scan

    with job_database(database_url) as database:
        return run_scan(database, scan_id, Path(path))


@huey.periodic_task(crontab(hour="4", minute="13"))
def search_changes_prune() -> int:
    """Nightly: drop the search-document change log's rows older than a day (the processes'
    text indexes have read them; ``core.text.tantivy_index``)."""
    with job_session() as session:
        return tantivy_index.prune(session)
