"""CLI of the funding radar: `domstadt funding import FILE [--mapping M.json] [--source NAME]
[--level L] [--dry-run]`, `funding feed-add`, `funding poll`, `funding rematch`."""

from __future__ import annotations

from pathlib import Path

import typer

funding_app = typer.Typer(
    help="Funding radar: import programmes, feeds, matching.", no_args_is_help=True
)

_OUTCOME_DE = {
    "added": "neu",
    "changed": "geändert",
    "unchanged": "unverändert",
    "refused": "abgelehnt",
}


def _fail(message: object) -> None:
    from rich.console import Console

    Console(stderr=True).print(f"[bold red]Fehler:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@funding_app.command("import")
def import_file(
    file: Path = typer.Argument(..., help="CSV, XLSX or JSON file of programmes."),
    mapping: Path | None = typer.Option(None, help="JSON object: our field → the file's column."),
    source: str = typer.Option("", help="Source name (default: the file name without ending)."),
    level: str = typer.Option(
        "", help="Level for rows without one: eu, bund, land, kommune, privat."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Report only, write nothing."),
) -> None:
    """Import programmes; prints per row what was added, changed, unchanged or refused."""
    from rich.console import Console

    from domstadt import funding_service
    from domstadt.core.auth.permissions import system_actor
    from domstadt.core.config import get_settings
    from domstadt.core.db import Database, NotMigrated
    from domstadt.core.errors import DomainError
    from domstadt.core.migrate import ensure_migrated

    try:
        content = file.read_bytes()
        mapping_text = mapping.read_text(encoding="utf-8") if mapping else None
    except OSError as exc:
        _fail(f"{exc.filename} kann nicht gelesen werden ({exc.strerror}).")
        return
    db = Database(get_settings().database_url)
    try:
        ensure_migrated(db)
        with db.session() as session:
            report = funding_service.import_file(
                session, actor=system_actor("funding-import"), content=content,
                filename=file.name, source=source or file.stem, mapping_text=mapping_text,
                defaults={"level": level} if level else None, dry_run=dry_run,
            )  # fmt: skip
    except (DomainError, NotMigrated) as exc:
        _fail(exc)
        return
    finally:
        db.dispose()
    console = Console(highlight=False)
    for row in report.rows:
        reason = f": {row.reason}" if row.reason else ""
        console.print(
            f"Zeile {row.row}: {_OUTCOME_DE[row.outcome]} – {row.title or '(ohne Titel)'}{reason}"
        )
    if report.unused_columns:
        console.print(f"Nicht zugeordnete Spalten: {', '.join(report.unused_columns)}")
    console.print(
        f"{'Probelauf (nichts geschrieben): ' if dry_run else ''}{report.added} neu, "
        f"{report.changed} geändert, {report.unchanged} unverändert, {report.refused} abgelehnt "
        f"(Quelle {report.source}, Spalten per {report.how})."
    )


@funding_app.command("feed-add")
def feed_add(
    name: str = typer.Argument(..., help="Short name (a-z, 0-9, - and _)."),
    url: str = typer.Argument(..., help="The RSS or Atom feed's address."),
    level: str = typer.Option(
        ..., help="Level of its programmes: eu, bund, land, kommune, privat."
    ),
    provider: str = typer.Option("", help="Funder named by the feed."),
) -> None:
    """Register an RSS/Atom feed of funding news (polled hourly by the job)."""
    from pydantic import ValidationError

    from domstadt import funding_service
    from domstadt.core.auth.permissions import system_actor
    from domstadt.core.config import get_settings
    from domstadt.core.db import Database
    from domstadt.core.errors import DomainError
    from domstadt.funding.schemas import FeedCreate

    try:
        data = FeedCreate(name=name, url=url, level=level, provider=provider)
    except ValidationError as exc:
        _fail("; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors()))
        return
    db = Database(get_settings().database_url)
    try:
        with db.session() as session:
            funding_service.feed_create(session, actor=system_actor("funding"), data=data)
    except DomainError as exc:
        _fail(exc)
    finally:
        db.dispose()
    typer.echo(f"Feed {name} angelegt.")


@funding_app.command("poll")
def poll(name: str = typer.Option("", help="Only this feed.")) -> None:
    """Poll the funding feeds now."""
    from domstadt.core.errors import DomainError
    from domstadt.funding.tasks import run_poll

    try:
        results = run_poll(name=name or None)
    except DomainError as exc:
        _fail(exc)
        return
    for feed, result in results.items():
        typer.echo(f"{feed}: {result if isinstance(result, str) else _summary(result)}")


def _summary(report: dict[str, object]) -> str:
    return (
        f"{report['added']} neu, {report['changed']} geändert, {report['unchanged']} unverändert, "
        f"{report['refused']} abgelehnt"
    )


@funding_app.command("rematch")
def rematch() -> None:
    """Re-match every measure now (the nightly job)."""
    from domstadt.funding.tasks import run_rematch

    counts = run_rematch()
    typer.echo(
        f"{counts['measures']} Maßnahmen abgeglichen, {counts['without_programme']} ohne passendes "
        "Programm."
    )


def register(app: typer.Typer) -> None:
    """Add the funding commands and register the periodic jobs with huey."""
    import domstadt.funding.tasks  # noqa: F401  (registers the huey tasks)

    app.add_typer(funding_app, name="funding")
