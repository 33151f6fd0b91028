"""Background job of the masterplan (huey): freeze the scheduled status report when it is
due (``report_schedule_service``). Hourly, so a worker that was down catches up within the
hour; several workers freeze it once."""

from __future__ import annotations

from typing import Any

from huey import crontab

from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings, get_settings
from domstadt.core.jobs import get_huey, job_session
from domstadt.masterplan import report_schedule_service

huey = get_huey()


def run_due(settings: Settings | None = None) -> dict[str, Any] | None:
    """Freeze the scheduled report if it is due (committed); returns its id and title."""
    settings = settings or get_settings()
    with job_session(settings.database_url) as session:
        report = report_schedule_service.reports_due_freeze(
            session, actor=system_actor("scheduler")
        )
    return {"id": report.id, "title": report.title} if report else None


@huey.periodic_task(crontab(minute="7"))
def hourly_scheduled_report() -> dict[str, Any] | None:
    """Every hour at :07: freeze the scheduled status report when it is due."""
    return run_due()
