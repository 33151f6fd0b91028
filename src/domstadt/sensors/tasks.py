"""Background jobs of the sensor hub (huey): daily retention and observation partitions,
hourly SensorThings harvests."""

from __future__ import annotations

from typing import Any

from huey import crontab

from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import get_settings
from domstadt.core.jobs import get_huey, job_database, job_session
from domstadt.sensors import retention_service

huey = get_huey()


def run_retention(database_url: str | None = None, *, dry_run: bool = False) -> dict[str, Any]:
    """Apply every datastream's retention in one transaction; the report as a dict."""
    with job_session(database_url) as session:
        report = retention_service.apply_retention(
            session, actor=system_actor("sensors retention"), dry_run=dry_run
        )
        return report.model_dump(mode="json")


@huey.periodic_task(crontab(hour="2", minute="23"))
def retention_daily() -> dict[str, Any]:
    """Daily: delete observations older than their datastream's retention."""
    return run_retention()


def run_partitions_ensure(database_url: str | None = None) -> list[str]:
    """Create the observation partitions ahead (PostgreSQL); the names created."""
    from domstadt.sensors import partition_service

    with job_session(database_url) as session:
        return partition_service.partitions_ensure(
            session, actor=system_actor("sensors partitions")
        )


@huey.periodic_task(crontab(hour="1", minute="43"))
def partitions_ensure_daily() -> list[str]:
    """Daily: the month partitions of observations ahead, the default partition drained."""
    return run_partitions_ensure()


def run_harvest_source(name: str, database_url: str | None = None) -> dict[str, Any]:
    """Run SensorThings harvest source ``name``; its report as a dict."""
    from domstadt.core.outbound import OutboundPolicy
    from domstadt.sensors import harvest_service

    with job_database(database_url) as database:
        report = harvest_service.harvest_run(
            database,
            actor=system_actor("sensors harvest"),
            name=name,
            outbound=OutboundPolicy.from_settings(get_settings()),
        )
        return report.model_dump(mode="json")


@huey.task()
def harvest_source(name: str, database_url: str | None = None) -> dict[str, Any]:
    """Queue: run one SensorThings harvest source."""
    return run_harvest_source(name, database_url)


@huey.periodic_task(crontab(minute="17"))
def harvest_all_hourly() -> list[str]:
    """Hourly: queue every SensorThings harvest source (each run fetches only what is new)."""
    from domstadt.sensors import harvest_service

    with job_session() as session:
        sources = harvest_service.source_list(session, actor=system_actor("sensors harvest"))
    for source in sources:
        harvest_source(source.name)
    return [s.name for s in sources]
