"""Background jobs of the funding radar (huey): poll the funding feeds hourly through the
outbound guard, re-match every measure nightly (matches for the deadline alerts and the
dashboard)."""

from __future__ import annotations

from typing import Any

from huey import crontab

from domstadt import funding_match_service, funding_service
from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings, get_settings
from domstadt.core.jobs import get_huey, job_session
from domstadt.core.outbound import OutboundPolicy

huey = get_huey()


def run_poll(settings: Settings | None = None, name: str | None = None) -> dict[str, Any]:
    """Poll the feeds now (committed); returns each feed's report or error."""
    settings = settings or get_settings()
    with job_session(settings.database_url) as session:
        results = funding_service.feeds_poll(
            session,
            actor=system_actor("funding-feeds"),
            outbound=OutboundPolicy.from_settings(settings),
            name=name,
        )
    return {k: v if isinstance(v, str) else v.model_dump() for k, v in results.items()}


def run_rematch(settings: Settings | None = None) -> dict[str, int]:
    """Re-match every measure now (committed)."""
    settings = settings or get_settings()
    with job_session(settings.database_url) as session:
        return funding_match_service.rematch_measures(
            session, actor=system_actor("funding-rematch")
        )


@huey.periodic_task(crontab(minute="41"))
def hourly_feed_poll() -> dict[str, Any]:
    """Hourly at :41: poll every funding feed."""
    return run_poll()


@huey.periodic_task(crontab(hour="3", minute="11"))
def nightly_rematch() -> dict[str, int]:
    """Nightly at 03:11: re-match every measure."""
    return run_rematch()
