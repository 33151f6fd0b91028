"""CLI of the best-practice library: `domstadt practices import FILE [--mapping M.json]
[--source NAME] [--licence TEXT] [--dry-run]` and `domstadt practices import-reference-cases`
(the AI screening's reference cases as practices of source ``reference_cases``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from domstadt.funding.schemas import ImportReport

practices_app = typer.Typer(help="Best-practice library: import practices.", no_args_is_help=True)

_OUTCOME_DE = {"added": "neu", "changed": "geändert", "unchanged": "unverändert",
               "refused": "abgelehnt"}  # fmt: skip


def _fail(message: object) -> None:
    from rich.console import Console

    Console(stderr=True).print(f"[bold red]Fehler:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def _run(call: object) -> ImportReport | None:
    """Run ``call(session, actor)`` in a migrated database; errors end the command."""
    from domstadt.core.auth.permissions import system_actor
    from domstadt.core.config import get_settings
    from domstadt.core.db import Database, NotMigrated
    from domstadt.core.errors import DomainError
    from domstadt.core.migrate import ensure_migrated

    db = Database(get_settings().database_url)
    try:
        ensure_migrated(db)
        with db.session() as session:
            return call(session, system_actor("practices-import"))  # type: ignore[operator]
    except (DomainError, NotMigrated) as exc:
        _fail(exc)
        return None
    finally:
        db.dispose()


def _print(report: ImportReport) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    for row in report.rows:
        reason = f": {row.reason}" if row.reason else ""
        console.print(
            f"Zeile {row.row}: {_OUTCOME_DE[row.outcome]} – {row.title or '(ohne Titel)'}{reason}"
        )
    if report.unused_columns:
        console.print(f"Nicht zugeordnete Spalten: {', '.join(report.unused_columns)}")
    console.print(
        f"{'Probelauf (nichts geschrieben): ' if report.dry_run else ''}{report.added} neu, "
        f"{report.changed} geändert, {report.unchanged} unverändert, {report.refused} abgelehnt "
        f"(Quelle {report.source}, Spalten per {report.how})."
    )


@practices_app.command("import")
def import_file(
    file: Path = typer.Argument(..., help="CSV, XLSX or JSON file of practices."),
    mapping: Path | None = typer.Option(None, help="JSON object: our field → the file's column."),
    source: str = typer.Option("", help="Source name (default: the file name without ending)."),
    licence: str = typer.Option("", help="Licence for rows without one (e.g. CC-BY-4.0)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Report only, write nothing."),
) -> None:
    """Import practices; prints per row what was added, changed, unchanged or refused."""
    from domstadt.funding import practice_service

    try:
        content = file.read_bytes()
        mapping_text = mapping.read_text(encoding="utf-8") if mapping else None
    except OSError as exc:
        _fail(f"{exc.filename} kann nicht gelesen werden ({exc.strerror}).")
        return
    report = _run(
        lambda session, actor: practice_service.import_file(
            session, actor=actor, content=content, filename=file.name,
            source=source or file.stem, mapping_text=mapping_text,
            defaults={"licence": licence} if licence else None, dry_run=dry_run,
        )
    )  # fmt: skip
    if report is not None:
        _print(report)


@practices_app.command("import-reference-cases")
def import_reference_cases(
    dry_run: bool = typer.Option(False, "--dry-run", help="Report only, write nothing."),
) -> None:
    """Import the AI screening's reference cases as practices (source reference_cases)."""
    from domstadt.funding import practice_service

    report = _run(
        lambda session, actor: practice_service.import_reference_cases(
            session, actor=actor, dry_run=dry_run
        )
    )
    if report is not None:
        _print(report)


def register(app: typer.Typer) -> None:
    """Add the practices commands."""
    app.add_typer(practices_app, name="practices")
