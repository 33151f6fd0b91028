"""CLI commands of the sensors domain, added to the `domstadt` command by `register`."""

from __future__ import annotations

import typer

sensors_app = typer.Typer(help="Sensor hub (SensorThings API).", no_args_is_help=True)
import_app = typer.Typer(help="Import time series.", no_args_is_help=True)
sensors_app.add_typer(import_app, name="import")


@import_app.command("traffic")
def import_traffic() -> None:
    """Load Cologne's traffic-load series (113 street segments, 5-minute values, 2014)."""
    from rich.console import Console
    from rich.progress import Progress

    from domstadt.core.auth.permissions import system_actor
    from domstadt.core.config import get_settings
    from domstadt.core.db import Database, NotMigrated
    from domstadt.core.errors import DomainError
    from domstadt.core.migrate import ensure_migrated
    from domstadt.sensors import import_service

    db = Database(get_settings().database_url)
    try:
        ensure_migrated(db)
        with Progress() as bar, db.session() as session:
            task = bar.add_task("Straßenabschnitte", total=None)

            def step(label: str, done: int, total: int) -> None:
                bar.update(task, description=label, completed=done, total=total)

            report = import_service.import_traffic(
                session, actor=system_actor("sensors import"), progress=step
            )
    except (DomainError, NotMigrated) as exc:
        Console(stderr=True).print(f"[bold red]Fehler:[/] {exc}")
        raise typer.Exit(1) from None
    Console().print(
        f"{report.things} Things, {report.datastreams} Datastreams, "
        f"{report.observations} Observations importiert "
        f"({report.skipped_rows} Zeilen übersprungen). {import_service.ATTRIBUTION}"
    )


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root CLI."""
    app.add_typer(sensors_app, name="sensors")
