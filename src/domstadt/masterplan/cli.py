"""CLI commands of the masterplan domain, added to the `domstadt` command by `register`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

report_app = typer.Typer(help="Status reports of the masterplan.", no_args_is_help=True)


@contextmanager
def _session() -> Iterator[Session]:
    """A committed session on the configured database; domain errors end the command."""
    from rich.console import Console

    from domstadt.core.config import get_settings
    from domstadt.core.db import Database, NotMigrated
    from domstadt.core.errors import DomainError
    from domstadt.core.migrate import ensure_migrated

    db = Database(get_settings().database_url)
    try:
        ensure_migrated(db)
        with db.session() as session:
            yield session
    except (DomainError, NotMigrated) as exc:
        Console(stderr=True).print(f"[bold red]Fehler:[/] {exc}", soft_wrap=True)
        raise typer.Exit(1) from None
    finally:
        db.dispose()


def _report_line(report: Any) -> str:
    return (
        f"Statusbericht {report.id} '{report.title}': {report.measure_count} Maßnahmen, "
        f"{report.change_count} Änderungen, {report.stalled_count} stockende Piloten → "
        f"/berichte/{report.id}"
    )


@report_app.command("create")
def report_create(
    title: str = typer.Option("", "--title", help="Title (default: dated status report)"),
) -> None:
    """Freeze an immutable snapshot of all measures as a new status report."""
    from rich.console import Console

    from domstadt.core.auth.permissions import system_actor
    from domstadt.masterplan import report_service

    with _session() as session:
        report = report_service.report_create(session, actor=system_actor(), title=title)
    Console().print(_report_line(report))


def _parse_day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} ist kein Datum JJJJ-MM-TT.") from None


@report_app.command("schedule")
def report_schedule(
    cadence: str = typer.Argument(
        None, help="monthly, quarterly, half-yearly, yearly or off; without it: show the schedule"
    ),
    first_due: str = typer.Option(None, "--first-due", help="First report on (YYYY-MM-DD)"),
) -> None:
    """Show or set the schedule on which the job worker freezes status reports."""
    from pydantic import ValidationError
    from rich.console import Console

    from domstadt.core.auth.permissions import system_actor
    from domstadt.masterplan import report_schedule_service as schedules

    data = None
    if cadence is not None:
        try:
            data = schedules.ScheduleSet(cadence=cadence, first_due=_parse_day(first_due))
        except ValidationError:
            raise typer.BadParameter(
                f"{cadence!r}: erlaubt sind monthly, quarterly, half-yearly, yearly, off."
            ) from None
    with _session() as session:
        if data is None:
            schedule = schedules.report_schedule_get(session, actor=system_actor())
        else:
            schedule = schedules.report_schedule_set(session, actor=system_actor(), data=data)
    if schedule is None:
        Console().print("Kein Zeitplan: Statusberichte entstehen nur von Hand.")
        return
    Console().print(
        f"Zeitplan {schedule.cadence}: nächster Bericht '{schedule.next_title}' "
        f"am {schedule.next_due:%d.%m.%Y} (vom Job-Worker)."
    )


@report_app.command("due")
def report_due() -> None:
    """Freeze the scheduled report now if it is due (what the job worker does hourly)."""
    from rich.console import Console

    from domstadt.core.auth.permissions import system_actor
    from domstadt.masterplan import report_schedule_service as schedules

    with _session() as session:
        report = schedules.reports_due_freeze(session, actor=system_actor("scheduler"))
    Console().print(_report_line(report) if report else "Kein Bericht fällig.")


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root CLI and register its periodic job with huey."""
    import domstadt.masterplan.tasks  # noqa: F401  (registers the huey task)

    app.add_typer(report_app, name="report")
