"""`domstadt backup create | restore | verify | list` (operators, acting as the system)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer

T = TypeVar("T")

backup_app = typer.Typer(
    help="Backups of the database and the data directory, and restoring them.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the ``backup`` group to the root command."""
    app.add_typer(backup_app, name="backup")


def _err(message: str) -> None:
    from rich.console import Console

    Console(stderr=True, highlight=False).print(message)


def _run(job: Callable[[Any, Any], T]) -> T:
    """Run ``job(database, settings)``; a DomainError ends with its message and exit code 1,
    Ctrl-C with 130 (temporary files are removed either way)."""
    from domstadt.core.config import get_settings
    from domstadt.core.db import Database
    from domstadt.core.errors import DomainError

    settings = get_settings()
    db = Database(settings.database_url)
    try:
        return job(db, settings)
    except DomainError as exc:
        _err(f"[bold red]Fehler:[/] {exc.message}")
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        _err("Abgebrochen (Strg+C); unvollständige Dateien wurden entfernt.")
        raise typer.Exit(130) from None
    finally:
        db.dispose()


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB".replace(".", ",")


def _count(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _summary(info: Any) -> str:
    return (
        f"{info.database}, Revision {info.alembic_revision}, {info.tables} Tabellen mit "
        f"{_count(info.rows)} Zeilen, {_count(info.files)} Dateien ({_megabytes(info.file_bytes)})"
    )


@backup_app.command("create")
def backup_create(
    to: Path | None = typer.Option(
        None, "--to", help="Target directory (default: <data_dir>/backups)"
    ),
) -> None:
    """Back up the database and the data directory into one archive; its path is printed
    alone on the last line."""
    from domstadt import backup_service
    from domstadt.core.auth.permissions import system_actor

    _err("Backup läuft …")
    info = _run(
        lambda db, settings: backup_service.backup_create(
            db, actor=system_actor("backup"), settings=settings, target_dir=to
        )
    )
    _err(f"Backup geschrieben ({_megabytes(info.size)}): {_summary(info)}.")
    typer.echo(str(info.path))


@backup_app.command("restore")
def backup_restore(
    archive: Path = typer.Argument(..., help="The archive (domstadt-backup-….tar.gz)"),
    force: bool = typer.Option(
        False, "--force", help="Replace an installation that already holds data"
    ),
) -> None:
    """Restore an archive into this installation (database and data directory) after
    checking it completely; refuses a non-empty installation unless --force."""
    from domstadt import backup_service
    from domstadt.core.auth.permissions import system_actor

    _err(f"Prüfe und stelle wieder her: {archive} …")
    result = _run(
        lambda db, settings: backup_service.backup_restore(
            db, actor=system_actor("backup"), settings=settings, archive=archive, force=force
        )
    )
    if result.replaced:
        _err("Ersetzt: " + "; ".join(result.replaced) + ".")
    typer.echo(f"Wiederhergestellt aus {archive}: {_summary(result.backup)}.")
    if result.needs_upgrade:
        typer.echo(
            f"Das Backup hat die ältere Revision {result.backup.alembic_revision}; "
            f"führen Sie jetzt `domstadt db upgrade` aus (auf {result.head_revision})."
        )


@backup_app.command("verify")
def backup_verify(archive: Path = typer.Argument(..., help="The archive to check")) -> None:
    """Read an archive completely and check its manifest and every checksum."""
    from domstadt import backup_service
    from domstadt.core.auth.permissions import system_actor

    info = _run(
        lambda _db, _settings: backup_service.backup_verify(
            actor=system_actor("backup"), archive=archive
        )
    )
    typer.echo(f"In Ordnung: {archive}: {_summary(info)}.")


@backup_app.command("list")
def backup_list(
    directory: Path | None = typer.Option(
        None, "--dir", help="Directory to list (default: <data_dir>/backups)"
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON"),
) -> None:
    """List the archives in the backup directory, newest first."""
    from rich.console import Console
    from rich.table import Table

    from domstadt import backup_service
    from domstadt.core.auth.permissions import system_actor

    items = _run(
        lambda _db, settings: backup_service.backup_list(
            actor=system_actor("backup"), settings=settings, directory=directory
        )
    )
    if as_json:
        typer.echo(json.dumps([i.model_dump(mode="json") for i in items], ensure_ascii=False))
        return
    table = Table("Erstellt (UTC)", "Datei", "Größe", "Datenbank", "Revision", "Zeilen", "Dateien")
    for i in items:
        when = i.created_at.strftime("%Y-%m-%d %H:%M:%S") if i.created_at else "–"
        table.add_row(
            when,
            i.path.name,
            _megabytes(i.size),
            i.database or i.problem,
            i.alembic_revision or "",
            f"{i.rows}",
            f"{i.files}",
        )
    Console().print(table if items else "Keine Backups gefunden.")
