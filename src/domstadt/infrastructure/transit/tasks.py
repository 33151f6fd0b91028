"""Background job of transit connectivity (huey): every minute, take new connectivity
observations from the sensor hub."""

from __future__ import annotations

from typing import Any

from huey import crontab

from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import get_settings
from domstadt.core.db import Database
from domstadt.core.jobs import get_huey
from domstadt.infrastructure import transit_service

huey = get_huey()


def run_sync(database_url: str | None = None) -> dict[str, Any]:
    """One pull in one transaction; the report as a dict."""
    database = Database(database_url or get_settings().database_url)
    try:
        with database.session() as session:
            report = transit_service.measurements_sync(session, actor=system_actor("transit sync"))
            return report.model_dump(mode="json")
    finally:
        database.dispose()


@huey.periodic_task(crontab(minute="*"))
def sync_every_minute() -> dict[str, Any]:
    """Every minute: SensorThings connectivity observations → measurements."""
    return run_sync()
