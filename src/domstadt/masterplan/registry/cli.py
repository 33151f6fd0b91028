"""`domstadt initiatives …`: import files of initiatives (with a dry run) and find similar ones."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import get_settings
from domstadt.core.db import Database, NotMigrated
from domstadt.core.errors import DomainError
from domstadt.masterplan.registry import import_service, review_service
from domstadt.masterplan.registry.import_service import ImportReport

initiatives_app = typer.Typer(help="Initiatives registry (S6.2).", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


@contextmanager
def _database() -> Iterator[Database]:
    """The configured, migrated database; its connections are closed afterwards."""
    from domstadt.core.migrate import ensure_migrated

    db = Database(get_settings().database_url)
    try:
        try:
            ensure_migrated(db)
        except NotMigrated as exc:
            err.print(f"[bold red]Fehler:[/] {exc}")
            raise typer.Exit(1) from None
        yield db
    finally:
        db.dispose()


def _mapping(text: str | None) -> dict[str, str] | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        err.print('[bold red]Fehler:[/] --mapping ist kein JSON, z. B. {"title": "Projektname"}.')
        raise typer.Exit(2) from None
    if not isinstance(value, dict):
        err.print('[bold red]Fehler:[/] --mapping muss ein Objekt sein: {"title": "Spalte"}.')
        raise typer.Exit(2)
    return {str(k): str(v) for k, v in value.items()}


def _print_report(report: ImportReport) -> None:
    delimiter = f", Trennzeichen {report.delimiter!r}" if report.delimiter else ""
    console.print(f"{report.filename}: {report.total_rows} Zeilen, {report.encoding}{delimiter}")
    mapping = Table("Feld", "Spalte in der Datei", title="Zuordnung")
    for target, column in report.mapping.items():
        mapping.add_row(target, column)
    console.print(mapping)
    preview = Table(*report.mapping, title="Erste Zeilen")
    for row in report.preview:
        preview.add_row(*(row[t] for t in report.mapping))
    console.print(preview)
    if report.errors:
        problems = Table("Zeile", "Spalte", "Problem", title="Fehler")
        for e in report.errors:
            problems.add_row(str(e.row), e.column, e.problem)
        console.print(problems)


@initiatives_app.command("import")
def import_file(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV, XLSX or JSON"),
    mapping: str | None = typer.Option(
        None, "--mapping", help='Column mapping as JSON: {"title": "Projektname", …}'
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check only; write nothing"),
) -> None:
    """Import initiatives: all rows or none; problems are listed by row and column."""
    try:
        with _database() as db, db.session() as session:
            report = import_service.initiatives_import(
                session,
                actor=system_actor("import"),
                content=file.read_bytes(),
                filename=file.name,
                mapping=_mapping(mapping),
                dry_run=dry_run,
            )
    except DomainError as exc:
        err.print(f"[bold red]Fehler:[/] {exc.message}")
        raise typer.Exit(1) from None
    _print_report(report)
    if report.errors:
        err.print(f"Nichts importiert: {len(report.errors)} Fehler.")
        raise typer.Exit(1)
    if report.dry_run:
        console.print(
            f"Probelauf: {report.total_rows} Zeilen wären importierbar; nichts gespeichert."
        )
        return
    console.print(
        f"{report.imported} Initiativen importiert, {report.suggestions} mögliche Dubletten "
        "zur Prüfung unter /initiativen/dubletten."
    )


@initiatives_app.command("similar")
def similar(text: str, limit: int = typer.Option(10, "--limit", min=1, max=50)) -> None:
    """Show initiatives and measures similar to TEXT, with the duplicate judgement."""
    with _database() as db, db.session() as session:
        found = review_service.similar_entries(
            session, actor=system_actor("cli"), text=text, limit=limit
        )
    table = Table("Typ", "id", "Titel", "Score", "Dublette", "Unterschiede")
    for item in found.items:
        table.add_row(
            item.type, str(item.id), item.title, f"{item.score:.2f}",
            "ja" if item.duplicate else "nein", "; ".join(item.reasons),
        )  # fmt: skip
    console.print(table)


@initiatives_app.command("rescan")
def rescan() -> None:
    """Recompute the open duplicate suggestions of all initiatives (decided ones stay)."""
    with _database() as db, db.session() as session:
        report = review_service.suggestions_recompute(session, actor=system_actor("cli"))
    console.print(
        f"{report.scanned} Initiativen verglichen: {report.dropped} offene Vorschläge verworfen, "
        f"{report.suggested} mögliche Dubletten zur Prüfung unter /initiativen/dubletten."
    )


def register(app: typer.Typer) -> None:
    """Add `domstadt initiatives` to the root CLI."""
    app.add_typer(initiatives_app, name="initiatives")
