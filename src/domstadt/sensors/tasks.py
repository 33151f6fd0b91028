"""Background jobs of the sensor hub (huey): daily retention."""

from __future__ import annotations

from typing import Any

from huey import crontab

from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import get_settings
from domstadt.core.db import Database
from domstadt.core.jobs import get_huey
from domstadt.sensors import retention_service

huey = get_huey()


def run_retention(database_url: str | None = None, *, dry_run: bool = False) -> dict[str, Any]:
    """Apply every datastream's retention in one transaction; the report as a dict."""
    database = Database(database_url or get_settings().database_url)
    try:
        with database.session() as session:
            report = retention_service.apply_retention(
                session, actor=system_actor("sensors retention"), dry_run=dry_run
            )
            return report.model_dump(mode="json")
    finally:
        database.dispose()


@huey.periodic_task(crontab(hour="2", minute="23"))
def retention_daily() -> dict[str, Any]:
    """Daily: delete observations older than their datastream's retention."""
    return run_retention()
