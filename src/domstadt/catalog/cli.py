"""CLI commands of the catalog domain, added to the `domstadt` command by `register`."""

from __future__ import annotations

import typer

from domstadt.catalog import harvest_service, search_service
from domstadt.catalog.harvest.files import FileOptions
from domstadt.catalog.harvest.runner import Limits
from domstadt.catalog.schemas import HarvestReport, SearchQuery
from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import get_settings
from domstadt.core.db import Database
from domstadt.core.errors import DomainError
from domstadt.core.outbound import OutboundPolicy

datasets_app = typer.Typer(help="Open data catalogue.", no_args_is_help=True)
harvest_app = typer.Typer(help="Harvest remote catalogues.", no_args_is_help=True)


@datasets_app.command("list")
def list_datasets(q: str = typer.Option("", help="Full-text query")) -> None:
    """Print name, publisher and title of the catalogue's datasets (up to 1000)."""
    database = Database(get_settings().database_url)
    try:
        with database.session() as session:
            page = search_service.dataset_search(
                session,
                actor=system_actor("cli"),
                query=SearchQuery(q=q, sort="name asc", rows=1000),
            )
    finally:
        database.dispose()
    for ds in page.results:
        publisher = ds.publisher.name if ds.publisher else "-"
        typer.echo(f"{ds.name}\t{publisher}\t{ds.title}")
    typer.echo(f"{page.count} Datensätze")


@datasets_app.command("reindex")
def reindex_datasets() -> None:
    """Rebuild the full-text index of every dataset."""
    database = Database(get_settings().database_url)
    try:
        with database.session() as session:
            count = search_service.reindex_all(session, actor=system_actor("cli"))
    finally:
        database.dispose()
    typer.echo(f"{count} Datensätze neu indiziert")


@harvest_app.command("add")
def harvest_add(
    name: str,
    url: str,
    type: str = typer.Option(..., "--type", help="ckan | dcat | dkan | file"),
    department: str = typer.Option("", help="Code of the owning department, e.g. 69"),
    license: str = typer.Option("", help="Licence for records without one (required for file)"),
) -> None:
    """Register a harvest source."""
    settings = get_settings()
    database = Database(settings.database_url)
    try:
        with database.session() as session:
            source = harvest_service.source_create(
                session,
                actor=system_actor("cli"),
                name=name,
                url=url,
                type=type,
                outbound=OutboundPolicy.from_settings(settings),
                department_code=department or None,
                license_id=license,
            )
    except DomainError as exc:
        typer.echo(f"Fehler: {exc.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        database.dispose()
    typer.echo(f"Harvest-Quelle '{source.name}' ({source.type}) angelegt: {source.url}")


def print_report(report: HarvestReport) -> None:
    """The job report as people read it."""
    typer.echo(f"Job {report.job_id} für '{report.source}': {report.status}")
    typer.echo(
        f"  neu {report.added}, aktualisiert {report.updated}, unverändert {report.unchanged}, "
        f"zurückgezogen {report.deleted}, fehlerhaft {report.errored}"
    )
    for item in report.errors:
        typer.echo(f"  Fehler bei {item['guid']}: {item['reason']}")
    for item in report.warnings:
        typer.echo(f"  Warnung bei {item['guid']}: {item['reason']}")
    for item in report.held_back:
        typer.echo(f"  Zurückgehalten (Datenschutzprüfung): {item['name']}")
    if report.error:
        typer.echo(f"  Job-Fehler: {report.error}")


@harvest_app.command("run")
def harvest_run(
    name: str,
    time_limit: int = typer.Option(3600, help="Seconds the job may run"),
    request_timeout: float = typer.Option(30.0, help="Seconds per request"),
    max_file_mb: float = typer.Option(50.0, help="Largest data file fetched, in MB"),
) -> None:
    """Run a source now and print the job report (exit 1 only when it cannot run at all)."""
    settings = get_settings()
    database = Database(settings.database_url)
    files = FileOptions(
        data_dir=settings.data_dir,
        max_bytes=max(1, int(max_file_mb * 1_048_576)),
    )
    try:
        report = harvest_service.harvest_run(
            database,
            actor=system_actor("cli"),
            name=name,
            limits=Limits(job_seconds=time_limit, request_seconds=request_timeout),
            outbound=OutboundPolicy.from_settings(settings),
            files=files,
        )
    except DomainError as exc:
        typer.echo(f"Fehler: {exc.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        database.dispose()
    print_report(report)


@harvest_app.command("list")
def harvest_list() -> None:
    """Print the harvest sources with the outcome of their last job."""
    database = Database(get_settings().database_url)
    try:
        with database.session() as session:
            sources = harvest_service.source_list(session, actor=system_actor("cli"))
    finally:
        database.dispose()
    for source in sources:
        last = source.last_job
        state = (
            f"{last.status} (neu {last.added}, aktualisiert {last.updated}, "
            f"fehlerhaft {last.errored})"
            if last
            else "noch nie gelaufen"
        )
        typer.echo(f"{source.name}\t{source.type}\t{source.url}\t{state}")
    typer.echo(f"{len(sources)} Quellen")


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root CLI (and its background jobs to the worker)."""
    import domstadt.catalog.tasks  # noqa: F401  (registers the harvest tasks with huey)

    app.add_typer(datasets_app, name="datasets")
    app.add_typer(harvest_app, name="harvest")
