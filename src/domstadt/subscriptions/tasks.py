"""Background jobs of subscriptions (huey): the daily e-mail digest and webhook deliveries
(new changes and due retries) every five minutes."""

from __future__ import annotations

from typing import Any

from huey import crontab

from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings, get_settings
from domstadt.core.jobs import get_huey, job_session
from domstadt.subscriptions import delivery_service
from domstadt.subscriptions.transport import DeliveryConfig

huey = get_huey()


def run_digests(settings: Settings | None = None) -> dict[str, Any]:
    """Send the e-mail digests now; returns what the run did."""
    settings = settings or get_settings()
    with job_session(settings.database_url) as session:
        run = delivery_service.send_digests(
            session,
            actor=system_actor("subscriptions"),
            config=DeliveryConfig.from_settings(settings),
        )
    return run.model_dump()


def run_webhooks(settings: Settings | None = None) -> dict[str, Any]:
    """Queue new changes for webhooks and post every due delivery now."""
    settings = settings or get_settings()
    with job_session(settings.database_url) as session:
        run = delivery_service.deliver_webhooks(
            session,
            actor=system_actor("subscriptions"),
            config=DeliveryConfig.from_settings(settings),
        )
    return run.model_dump()


@huey.periodic_task(crontab(hour="7", minute="5"))
def daily_digests() -> dict[str, Any]:
    """Daily at 07:05: the e-mail digests."""
    return run_digests()


@huey.periodic_task(crontab(minute="*/5"))
def webhook_deliveries() -> dict[str, Any]:
    """Every five minutes: new webhook deliveries and retries that are due."""
    return run_webhooks()
