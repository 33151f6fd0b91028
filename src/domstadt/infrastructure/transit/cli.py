"""CLI of connectivity along transit: `domstadt transit import GTFS.zip [--source NAME]`,
`transit measurements import FILE.csv`, `transit measurements sync [--restart]`,
`transit publish`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

transit_app = typer.Typer(
    help="Transit lines (GTFS) and connectivity measurements along them.", no_args_is_help=True
)
measurements_app = typer.Typer(help="Connectivity measurements.", no_args_is_help=True)
transit_app.add_typer(measurements_app, name="measurements")


def _fail(message: object, details: Any = None) -> None:
    from rich.console import Console

    console = Console(stderr=True, highlight=False, soft_wrap=True)
    console.print(f"[bold red]Fehler:[/] {message}")
    for item in details or []:
        if isinstance(item, dict):
            where = ", ".join(f"{k} {v}" for k, v in item.items() if k != "message" and v)
            console.print(f"  {where}: {item.get('message', '')}")
    raise typer.Exit(1)


def _run(name: str, call: Callable[..., Any]) -> Any:
    """Run ``call(session, actor)`` in one committed transaction; domain errors → exit 1."""
    from domstadt.core.auth.permissions import system_actor
    from domstadt.core.config import get_settings
    from domstadt.core.db import Database, NotMigrated
    from domstadt.core.errors import DomainError
    from domstadt.core.migrate import ensure_migrated

    db = Database(get_settings().database_url)
    try:
        ensure_migrated(db)
        with db.session() as session:
            return call(session, system_actor(name))
    except DomainError as exc:
        _fail(exc.message, exc.details)
    except NotMigrated as exc:
        _fail(exc)
    finally:
        db.dispose()


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        _fail(f"{file} kann nicht gelesen werden ({exc.strerror}).")
        raise


@transit_app.command("import")
def import_feed(
    file: Path = typer.Argument(..., help="GTFS zip."),
    source: str = typer.Option("", help="Feed name (default: the file name without ending)."),
) -> None:
    """Import (or replace) a GTFS feed; every problem is listed with file, line and field."""
    from domstadt.infrastructure import transit_service

    content = _read(file)
    report = _run(
        "transit-import",
        lambda s, a: transit_service.feed_import(
            s, actor=a, content=content, filename=file.name, source=source or file.stem
        ),
    )
    typer.echo(
        f"Feed {report.source} {'ersetzt' if report.replaced else 'importiert'}: "
        f"{report.agencies} Betreiber, {report.routes} Linien, {report.stops} Haltestellen, "
        f"{report.shapes} Linienverläufe, {report.trips} Fahrten, {report.segments} Abschnitte "
        f"({report.segments_from_shapes} aus Linienverläufen); "
        f"{report.measurements_resnapped} Messungen neu zugeordnet."
    )


def _report(report: Any) -> None:
    typer.echo(
        f"{report.received} gelesen, {report.taken} übernommen ({report.on_route} auf Linien, "
        f"{report.off_route} abseits), {report.already_known} schon bekannt, "
        f"{len(report.refused)} abgelehnt."
    )
    for item in report.refused:
        typer.echo(f"  Beobachtung {item['observation']}, {item['field']}: {item['message']}")


@measurements_app.command("import")
def import_measurements(file: Path = typer.Argument(..., help="CSV of measurements.")) -> None:
    """Take measurements from a CSV file (a row without a position refuses the file)."""
    from domstadt.infrastructure import transit_service

    content = _read(file)
    _report(
        _run(
            "transit-measurements",
            lambda s, a: transit_service.measurements_import(
                s, actor=a, content=content, filename=file.name
            ),
        )
    )


@measurements_app.command("sync")
def sync(
    restart: bool = typer.Option(False, "--restart", help="Read every observation again."),
) -> None:
    """Take new connectivity observations from the sensor hub (SensorThings, MQTT)."""
    from domstadt.infrastructure import transit_service

    _report(
        _run(
            "transit-sync",
            lambda s, a: transit_service.measurements_sync(s, actor=a, restart=restart),
        )
    )


@transit_app.command("publish")
def publish() -> None:
    """Publish the gap map as a catalogue dataset (GeoJSON and CSV), once."""
    from domstadt.core.config import get_settings
    from domstadt.infrastructure import transit_service

    settings = get_settings()
    report = _run(
        "transit-publish",
        lambda s, a: transit_service.gaps_publish(
            s, actor=a, department_code=settings.transit_publisher, data_dir=settings.data_dir
        ),
    )
    typer.echo(
        f"Datensatz {report.dataset}: {'angelegt' if report.created else 'vorhanden'}, "
        f"{report.distributions_added} Distribution(en) ergänzt."
    )


def register(app: typer.Typer) -> None:
    """Add the transit commands and register the periodic pull with huey."""
    import domstadt.infrastructure.transit.tasks  # noqa: F401  (registers the huey task)

    app.add_typer(transit_app, name="transit")
