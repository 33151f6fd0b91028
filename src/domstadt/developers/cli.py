"""CLI of the developers domain: `domstadt apps list | plan` and `domstadt status show |
incident-open | incident-resolve` (operators, acting as the system)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

apps_app = typer.Typer(help="Apps of developers, their keys and plans.", no_args_is_help=True)
status_app = typer.Typer(help="The public status page and its incidents.", no_args_is_help=True)


def _run(job: Callable[[Any, Any], Any]) -> Any:
    """Run ``job(session, settings)`` in one committed transaction; errors end with exit 1."""
    from rich.console import Console

    from domstadt.core.config import get_settings
    from domstadt.core.db import Database, NotMigrated
    from domstadt.core.errors import DomainError
    from domstadt.core.migrate import ensure_migrated

    settings = get_settings()
    db = Database(settings.database_url)
    try:
        ensure_migrated(db)
        with db.session() as session:
            return job(session, settings)
    except (DomainError, NotMigrated) as exc:
        Console(stderr=True).print(f"[bold red]Fehler:[/] {exc}")
        raise typer.Exit(1) from None
    finally:
        db.dispose()


@apps_app.command("list")
def apps_list() -> None:
    """Every registered app with owner, plan and live keys."""
    from rich.console import Console
    from rich.table import Table

    from domstadt.core.auth.permissions import system_actor
    from domstadt.developers import app_service

    apps = _run(lambda s, _: app_service.app_list(s, actor=system_actor(), every_owner=True))
    table = Table("ID", "Name", "Inhaber", "Plan", "Schlüssel")
    for a in apps:
        live = sum(1 for k in a.keys if k.revoked_at is None)
        table.add_row(str(a.id), a.name, a.owner_name, a.plan, str(live))
    Console().print(table)


@apps_app.command("plan")
def apps_plan(app_id: int, plan: str) -> None:
    """Move an app to another plan of DOMSTADT_RATE_LIMIT_PLANS."""
    from rich.console import Console

    from domstadt.core.auth.permissions import system_actor
    from domstadt.core.ratelimit import parse_plans
    from domstadt.developers import app_service

    moved = _run(
        lambda s, settings: app_service.app_set_plan(
            s,
            actor=system_actor(),
            app_id=app_id,
            plan=plan,
            plans=list(parse_plans(settings.rate_limit_plans)),
        )
    )
    Console().print(f"App {moved.id} ({moved.name}) hat jetzt den Plan {moved.plan}.")


@status_app.command("show")
def status_show() -> None:
    """Check every component now and print the status as on /status.json."""
    from domstadt.developers import status_service

    report = _run(lambda s, settings: status_service.status_report(s, settings=settings))
    typer.echo(report.model_dump_json(indent=2))
    if report.state == "down":
        raise typer.Exit(1)


@status_app.command("incident-open")
def incident_open(
    component: Annotated[str, typer.Argument(help="database, broker, jobs or search")],
    title: str,
    description: Annotated[str, typer.Option(help="What is affected, what to do")] = "",
) -> None:
    """Announce a disruption on the status page."""
    from rich.console import Console

    from domstadt.core.auth.permissions import system_actor
    from domstadt.developers import status_service

    opened = _run(
        lambda s, _: status_service.incident_open(
            s, actor=system_actor(), component=component, title=title, description=description
        )
    )
    Console().print(f"Störung {opened.id} veröffentlicht: {opened.title}")


@status_app.command("incident-resolve")
def incident_resolve(incident_id: int) -> None:
    """Mark an incident as resolved."""
    from rich.console import Console

    from domstadt.core.auth.permissions import system_actor
    from domstadt.developers import status_service

    done = _run(
        lambda s, _: status_service.incident_resolve(
            s, actor=system_actor(), incident_id=incident_id
        )
    )
    Console().print(f"Störung {done.id} ist behoben.")


def register(app: typer.Typer) -> None:
    """Add the `apps` and `status` command groups."""
    app.add_typer(apps_app, name="apps")
    app.add_typer(status_app, name="status")
