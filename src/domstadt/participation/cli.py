"""CLI commands of participation: `domstadt participation publish` (open data)."""

from __future__ import annotations

import typer

participation_app = typer.Typer(help="Participation: open data.", no_args_is_help=True)


@participation_app.command("publish")
def publish(
    department: str = typer.Option(
        "", help="Publishing department's code (default: DOMSTADT_PARTICIPATION_PUBLISHER)."
    ),
) -> None:
    """Create or update the catalogue datasets of participation open data (idempotent)."""
    from rich.console import Console

    from domstadt.core.config import get_settings
    from domstadt.core.db import Database, NotMigrated
    from domstadt.core.errors import DomainError
    from domstadt.core.migrate import ensure_migrated
    from domstadt.participation.tasks import run_publish

    settings = get_settings()
    db = Database(settings.database_url)
    try:
        ensure_migrated(db)
        report = run_publish(settings, department or None)
    except (DomainError, NotMigrated) as exc:
        Console(stderr=True).print(f"[bold red]Fehler:[/] {exc}")
        raise typer.Exit(1) from None
    finally:
        db.dispose()
    Console().print(
        f"{len(report['created'])} Datensätze angelegt, {len(report['updated'])} aktualisiert, "
        f"{len(report['unchanged'])} unverändert, {report['distributions_added']} "
        "Distributionen ergänzt."
    )


def register(app: typer.Typer) -> None:
    """Add the participation commands and register the periodic job with huey."""
    import domstadt.participation.tasks  # noqa: F401  (registers the huey task)

    app.add_typer(participation_app, name="participation")
