"""SQLite: a consistent copy through the online backup API, and putting one into place.

The copy is taken with ``Connection.backup`` (readers and writers of the live database go
on; the copy is one point in time) and switched to a rollback journal so it is one
self-contained file. Restoring copies the checked file into the target the same way: one
write transaction on the target, so it holds either the old or the new data."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from domstadt.backup.errors import ArchiveInvalid, BackupFailed, disk_full
from domstadt.core.db import normalise_url

BUSY_SECONDS = 60.0


def database_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for an in-memory database or another engine)."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite" or parsed.database in {None, "", ":memory:"}:
        return None
    return Path(str(parsed.database)).absolute()


def _write_error(exc: sqlite3.Error, where: Path) -> Exception:
    text_value = str(exc).lower()
    if "full" in text_value:
        return disk_full(str(where))
    if "i/o" in text_value:
        return BackupFailed(
            f"Schreibfehler in {where} ({exc}): ist der Datenträger voll oder die "
            "Dateigrößen-Grenze erreicht? Es blieb keine unvollständige Datei zurück."
        )
    return BackupFailed(f"SQLite-Fehler bei {where}: {exc}")


def snapshot(source: Path, target: Path, *, shown: Path) -> None:
    """Copy the live database ``source`` into the new file ``target`` (errors name the
    directory ``shown``, the one the operator chose)."""
    if not source.is_file():
        raise BackupFailed(f"Die SQLite-Datenbank {source} gibt es nicht.")
    try:
        with (
            closing(sqlite3.connect(source, timeout=BUSY_SECONDS)) as live,
            closing(sqlite3.connect(target)) as copy,
        ):
            live.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        raise _write_error(exc, shown) from None


@contextmanager
def read_only(path: Path) -> Iterator[Connection]:
    """A SQLAlchemy connection that only reads ``path`` (a copy; nothing is written to it)."""
    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def alembic_revision(connection: Connection) -> str | None:
    """The schema revision stored in the database, or None when it was never migrated."""
    if connection.dialect.has_table(connection, "alembic_version"):
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None


def check_file(path: Path) -> None:
    """Refuse a staged copy that SQLite does not read as a sound database."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as copy:
            result = copy.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError as exc:
        raise ArchiveInvalid(f"Die Datenbank im Archiv ist nicht lesbar ({exc}).") from None
    if not result or result[0] != "ok":
        raise ArchiveInvalid(f"Die Datenbank im Archiv ist beschädigt ({result}).")


def restore(staged: Path, target: Path) -> None:
    """Replace the content of ``target`` (created if missing) by the checked copy ``staged``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with (
            closing(sqlite3.connect(f"file:{staged}?mode=ro", uri=True)) as copy,
            closing(sqlite3.connect(target, timeout=BUSY_SECONDS)) as live,
        ):
            copy.backup(live)
            live.execute("PRAGMA journal_mode=WAL")
            live.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as exc:
        raise _write_error(exc, target) from None
