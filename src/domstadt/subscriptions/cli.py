"""CLI commands of subscriptions: `domstadt subscriptions send-digests | deliver-webhooks`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

subscriptions_app = typer.Typer(
    help="Subscriptions: e-mail digests and webhooks.", no_args_is_help=True
)


def _run(job: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    from rich.console import Console

    from domstadt.core.config import get_settings
    from domstadt.core.db import Database, NotMigrated
    from domstadt.core.errors import DomainError
    from domstadt.core.migrate import ensure_migrated

    db = Database(get_settings().database_url)
    try:
        ensure_migrated(db)
        return job()
    except (DomainError, NotMigrated) as exc:
        Console(stderr=True).print(f"[bold red]Fehler:[/] {exc}")
        raise typer.Exit(1) from None
    finally:
        db.dispose()


@subscriptions_app.command("send-digests")
def send_digests() -> None:
    """Mail every confirmed subscriber the measure changes since their last digest."""
    from rich.console import Console

    from domstadt.subscriptions.tasks import run_digests

    run = _run(run_digests)
    if run["skipped"]:
        Console().print(run["skipped"])
        return
    Console().print(
        f"{run['messages_sent']} E-Mail(s) mit {run['changes']} Änderung(en) für "
        f"{run['subscriptions']} Abonnement(s) versandt, {run['failed']} fehlgeschlagen."
    )
    if run["failed"]:
        raise typer.Exit(1)


@subscriptions_app.command("deliver-webhooks")
def deliver_webhooks() -> None:
    """Post new changes to webhooks and retry failed deliveries that are due."""
    from rich.console import Console

    from domstadt.subscriptions.tasks import run_webhooks

    run = _run(run_webhooks)
    Console().print(
        f"{run['queued']} neu eingereiht, {run['delivered']} zugestellt, "
        f"{run['retry_later']} später erneut, {run['failed']} endgültig fehlgeschlagen."
    )


def register(app: typer.Typer) -> None:
    """Add the subscription commands and register the periodic jobs with huey."""
    import domstadt.subscriptions.tasks  # noqa: F401  (registers the huey tasks)

    app.add_typer(subscriptions_app, name="subscriptions")
