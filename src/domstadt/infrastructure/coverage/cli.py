"""CLI of coverage and IoT planning: `domstadt infrastructure coverage import FILE --kind K
--source NAME --licence L --date D [--crs EPSG:x] [--name N]`, `coverage list`,
`coverage check LON LAT --network N` and `coverage delete ID`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

infrastructure_app = typer.Typer(help="Infrastructure and connectivity.", no_args_is_help=True)
coverage_app = typer.Typer(help="Coverage layers and IoT planning checks.", no_args_is_help=True)
infrastructure_app.add_typer(coverage_app, name="coverage")


def _fail(message: object) -> None:
    from rich.console import Console

    Console(stderr=True).print(f"[bold red]Fehler:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@contextmanager
def _session() -> Iterator[Any]:
    """A session on the configured, migrated database; committed on success, engine closed."""
    from domstadt.core.config import get_settings
    from domstadt.core.db import Database
    from domstadt.core.migrate import ensure_migrated

    db = Database(get_settings().database_url)
    try:
        ensure_migrated(db)
        with db.session() as session:
            yield session
    finally:
        db.dispose()


@coverage_app.command("import")
def import_layer(
    file: Path = typer.Argument(..., help="GeoJSON, CSV with coordinates, GeoPackage or KML."),
    kind: str = typer.Option(
        ..., help="lorawan-gateway, mobile-site, wlan-hotspot, broadband-area or grid-cell."
    ),
    source: str = typer.Option(..., help="Where the data comes from."),
    licence: str = typer.Option(..., help="The data's licence, e.g. dl-de/by-2-0."),
    date: str = typer.Option(..., help="Date of the data, YYYY-MM-DD."),
    crs: str = typer.Option(
        "", help="Projection of the file, e.g. EPSG:25832 (default: file or WGS84)."
    ),
    name: str = typer.Option("", help="Layer name (default: the file name)."),
) -> None:
    """Import a coverage layer: all features or none."""
    from domstadt.core.auth.permissions import system_actor
    from domstadt.core.db import NotMigrated
    from domstadt.core.errors import DomainError
    from domstadt.infrastructure import coverage_service

    try:
        content = file.read_bytes()
    except OSError as exc:
        _fail(f"{file} kann nicht gelesen werden ({exc.strerror}).")
        return
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        _fail(f"--date „{date}“ ist kein Datum (JJJJ-MM-TT).")
        return
    try:
        with _session() as session:
            layer = coverage_service.layer_import(
                session,
                actor=system_actor("coverage-import"),
                content=content,
                filename=file.name,
                kind=kind,
                source=source,
                licence=licence,
                data_date=day,
                crs=crs or None,
                name=name or None,
            )
    except (DomainError, NotMigrated) as exc:
        _fail(getattr(exc, "message", exc))
        return
    typer.echo(
        f"Ebene {layer.id} „{layer.name}“ importiert: {layer.feature_count} Objekte "
        f"({layer.kind}, {layer.file_format}, {layer.crs})."
    )


@coverage_app.command("list")
def list_layers() -> None:
    """The imported layers."""
    from domstadt.core.auth.permissions import system_actor
    from domstadt.infrastructure import coverage_service

    with _session() as session:
        layers = coverage_service.layer_list(session, actor=system_actor("cli"))
    for layer in layers.items:
        typer.echo(
            f"{layer.id}\t{layer.kind}\t{layer.feature_count}\t{layer.name}\t{layer.source}"
            f"\t{layer.licence}\t{layer.data_date}"
        )


@coverage_app.command("check")
def check_point(
    lon: float = typer.Argument(..., help="Longitude (WGS84)."),
    lat: float = typer.Argument(..., help="Latitude (WGS84)."),
    network: str = typer.Option("lorawan", help="lorawan, nb-iot, lte-m or wlan."),
) -> None:
    """Check a planned deployment and print the verdict with its reason."""
    from pydantic import ValidationError

    from domstadt.core.auth.permissions import system_actor
    from domstadt.core.errors import DomainError
    from domstadt.infrastructure import coverage_service
    from domstadt.infrastructure.coverage.schemas import CheckRequest

    try:
        data = CheckRequest(lon=lon, lat=lat, network=network)
        with _session() as session:
            result = coverage_service.check(session, actor=system_actor("cli"), data=data)
    except ValidationError:
        _fail("--network muss lorawan, nb-iot, lte-m oder wlan sein.")
        return
    except DomainError as exc:
        _fail(exc.message)
        return
    typer.echo(f"{result.status}: {result.reason_de}")


@coverage_app.command("delete")
def delete_layer(layer_id: int = typer.Argument(..., help="Layer id.")) -> None:
    """Delete a layer with its features."""
    from domstadt.core.auth.permissions import system_actor
    from domstadt.core.errors import DomainError
    from domstadt.infrastructure import coverage_service

    try:
        with _session() as session:
            coverage_service.layer_delete(session, actor=system_actor("cli"), layer_id=layer_id)
    except DomainError as exc:
        _fail(exc.message)
        return
    typer.echo(f"Ebene {layer_id} gelöscht.")


def register(app: typer.Typer) -> None:
    """Add the infrastructure commands."""
    app.add_typer(infrastructure_app, name="infrastructure")
