"""Background job of participation (huey): publish participation as open data daily, so the
catalogue datasets exist and their metadata stays current (the rows are built per request)."""

from __future__ import annotations

from typing import Any

from huey import crontab

from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings, get_settings
from domstadt.core.jobs import get_huey, job_session
from domstadt.participation import publish_service

huey = get_huey()


def run_publish(settings: Settings | None = None, department: str | None = None) -> dict[str, Any]:
    """Create or update the open-data datasets now (committed); returns the report."""
    settings = settings or get_settings()
    with job_session(settings.database_url) as session:
        report = publish_service.open_data_publish(
            session,
            actor=system_actor("participation"),
            department_code=department or settings.participation_publisher,
            data_dir=settings.data_dir,
        )
    return report.model_dump()


@huey.periodic_task(crontab(hour="4", minute="23"))
def daily_open_data() -> dict[str, Any]:
    """Daily at 04:23: publish participation as open data."""
    return run_publish()
