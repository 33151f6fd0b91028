"""``domstadt sensors harvest``: register, run, list and remove remote SensorThings sources."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

import typer

harvest_app = typer.Typer(
    help="Mirror remote SensorThings services (FROST-Server, another Domstadt).",
    no_args_is_help=True,
)


def _fail(message: str) -> NoReturn:
    typer.echo(f"Fehler: {message}", err=True)
    raise typer.Exit(1)


def _with_session(work: Callable[[Any, Any], Any]) -> Any:
    from domstadt.core.auth.permissions import system_actor
    from domstadt.core.config import get_settings
    from domstadt.core.db import Database
    from domstadt.core.errors import DomainError

    database = Database(get_settings().database_url)
    try:
        with database.session() as session:
            return work(session, system_actor("cli"))
    except DomainError as exc:
        _fail(exc.message)
    finally:
        database.dispose()


@harvest_app.command("add")
def harvest_add(
    name: str,
    url: str = typer.Argument(..., help="Service root, ending in /v1.0 or /v1.1"),
    filter: str = typer.Option("", "--filter", help="OData $filter over the remote Datastreams"),
    department: str = typer.Option("", help="Code of the department owning the mirror, e.g. 36"),
) -> None:
    """Register a remote SensorThings service as a source."""
    from domstadt.core.config import get_settings
    from domstadt.core.outbound import OutboundPolicy
    from domstadt.sensors import harvest_service

    policy = OutboundPolicy.from_settings(get_settings())
    source = _with_session(
        lambda session, actor: harvest_service.source_create(
            session,
            actor=actor,
            name=name,
            url=url,
            outbound=policy,
            filter=filter,
            department_code=department or None,
        )
    )
    typer.echo(f"SensorThings-Quelle '{source.name}' angelegt: {source.url}")


def print_report(report: Any) -> None:
    """A run report as people read it."""
    typer.echo(f"Lauf {report.run_id} für '{report.source}': {report.status}")
    for entity_set, counts in report.counts.items():
        typer.echo(
            f"  {entity_set}: neu {counts.added}, aktualisiert {counts.updated}, "
            f"unverändert {counts.unchanged}, abgelehnt {counts.refused}"
        )
    for problem in report.problems:
        typer.echo(f"  Abgelehnt {problem.entity} {problem.remote_id}: {problem.reason}")
    for note in report.notes:
        typer.echo(f"  Hinweis: {note}")
    if report.error:
        typer.echo(f"  Fehler: {report.error}")


@harvest_app.command("run")
def harvest_run(
    name: str,
    time_limit: int = typer.Option(3600, help="Seconds the run may take"),
    request_timeout: float = typer.Option(30.0, help="Seconds per request"),
    max_pages: int = typer.Option(2000, help="Pages fetched per run at most"),
    max_records: int = typer.Option(200_000, help="Entities and observations per run at most"),
    page_size: int = typer.Option(500, help="$top asked of the remote"),
) -> None:
    """Run a source now and print its report (exit 1 when it failed or could not run)."""
    from domstadt.core.auth.permissions import system_actor
    from domstadt.core.config import get_settings
    from domstadt.core.db import Database
    from domstadt.core.errors import DomainError
    from domstadt.core.outbound import OutboundPolicy
    from domstadt.sensors import harvest_service

    settings = get_settings()
    database = Database(settings.database_url)
    limits = harvest_service.Limits(
        job_seconds=time_limit,
        request_seconds=request_timeout,
        max_pages=max_pages,
        max_records=max_records,
        page_size=max(1, min(page_size, max_records)),
    )
    try:
        report = harvest_service.harvest_run(
            database,
            actor=system_actor("cli"),
            name=name,
            outbound=OutboundPolicy.from_settings(settings),
            limits=limits,
        )
    except DomainError as exc:
        _fail(exc.message)
    finally:
        database.dispose()
    print_report(report)
    if report.status != "finished":
        raise typer.Exit(1)


@harvest_app.command("list")
def harvest_list() -> None:
    """Print every source with its last run."""
    from domstadt.sensors import harvest_service

    sources = _with_session(
        lambda session, actor: harvest_service.source_list(session, actor=actor)
    )
    for source in sources:
        last = source.last_run
        state = f"{last.status} ({last.finished or last.started:%Y-%m-%d %H:%M})" if last else "-"
        mirrored = ", ".join(f"{k} {v}" for k, v in sorted(source.mirrored.items())) or "-"
        typer.echo(f"{source.name}\t{source.url}\t{state}\t{mirrored}")
    typer.echo(f"{len(sources)} Quellen")


@harvest_app.command("remove")
def harvest_remove(
    name: str,
    delete_data: bool = typer.Option(False, help="Also delete the mirrored entities"),
) -> None:
    """Remove a source (its mirrored data stays unless --delete-data)."""
    from domstadt.sensors import harvest_service

    _with_session(
        lambda session, actor: harvest_service.source_remove(
            session, actor=actor, name=name, delete_data=delete_data
        )
    )
    typer.echo(f"SensorThings-Quelle '{name}' entfernt.")
