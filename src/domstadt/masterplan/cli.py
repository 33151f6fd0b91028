"""CLI commands of the masterplan domain, added to the `domstadt` command by `register`."""

from __future__ import annotations

import typer

report_app = typer.Typer(help="Status reports of the masterplan.", no_args_is_help=True)


@report_app.command("create")
def report_create(
    title: str = typer.Option("", "--title", help="Title (default: dated status report)"),
) -> None:
    """Freeze an immutable snapshot of all measures as a new status report."""
    from rich.console import Console

    from domstadt.core.auth.permissions import system_actor
    from domstadt.core.config import get_settings
    from domstadt.core.db import Database, NotMigrated
    from domstadt.core.errors import DomainError
    from domstadt.core.migrate import ensure_migrated
    from domstadt.masterplan import report_service

    db = Database(get_settings().database_url)
    try:
        ensure_migrated(db)
        with db.session() as session:
            report = report_service.report_create(session, actor=system_actor(), title=title)
    except (DomainError, NotMigrated) as exc:
        Console(stderr=True).print(f"[bold red]Fehler:[/] {exc}")
        raise typer.Exit(1) from None
    finally:
        db.dispose()
    Console().print(
        f"Statusbericht {report.id} '{report.title}': {report.measure_count} Maßnahmen, "
        f"{report.change_count} Änderungen, {report.stalled_count} stockende Piloten → "
        f"/berichte/{report.id}"
    )


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root CLI."""
    app.add_typer(report_app, name="report")
