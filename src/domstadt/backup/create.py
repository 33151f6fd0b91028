"""Making an archive: dump the database, list and hash the data files, write the manifest and
every member into a temporary file, and rename it into place only when it is complete."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

import domstadt
from domstadt.backup import postgres, sqlite
from domstadt.backup.archive import ArchiveWriter, archive_name, free_name
from domstadt.backup.checksum import table_sums
from domstadt.backup.errors import BackupFailed, disk_full, is_disk_full
from domstadt.backup.files import WORK_PREFIX, DataDir, digest, entries
from domstadt.backup.manifest import (
    DATABASE_MEMBERS,
    MANIFEST_MEMBER,
    DatabaseEntry,
    Manifest,
    TableSum,
)
from domstadt.core.db import Database


@dataclass(frozen=True)
class Created:
    """A finished archive and what it holds."""

    path: Path
    size: int
    manifest: Manifest


def data_dir_of(db: Database, root: Path, *, extra: tuple[Path, ...] = ()) -> DataDir:
    """The data directory ``root`` as seen by backups of ``db``."""
    return DataDir.of(root, database_file=sqlite.database_file(db.url), extra=extra)


def _dump(db: Database, work: Path) -> tuple[DatabaseEntry, dict[str, TableSum], str | None]:
    kind = "sqlite" if db.dialect == "sqlite" else "postgresql"
    target = work / DATABASE_MEMBERS[kind]
    if kind == "sqlite":
        source = sqlite.database_file(db.url)
        if source is None:
            raise BackupFailed("Eine SQLite-Datenbank im Arbeitsspeicher lässt sich nicht sichern.")
        sqlite.snapshot(source, target, shown=work.parent)
        with sqlite.read_only(target) as connection:
            sums = table_sums(connection)
            revision = sqlite.alembic_revision(connection)
        version = sqlite3.sqlite_version
    else:
        sums, revision, version = postgres.dump(db.engine, db.url, target)
    size, sha = digest(target)
    entry = DatabaseEntry(
        kind=kind, member=target.name, size=size, sha256=sha, server_version=version
    )
    return entry, sums, revision


def create_archive(db: Database, data_root: Path, target_dir: Path) -> Created:
    """Write a complete archive of ``db`` and the data directory into ``target_dir``.

    On any error (a full disk included) the temporary files are removed and a
    :class:`BackupFailed` names the cause; no file under the archive's name ever exists half
    written."""
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}work-", dir=target_dir))
    except OSError as exc:
        raise BackupFailed(
            f"Das Zielverzeichnis {target_dir} ist nicht beschreibbar ({exc})."
        ) from None
    writer: ArchiveWriter | None = None
    try:
        now = dt.datetime.now(dt.UTC)
        database, sums, revision = _dump(db, work)
        files = entries(data_dir_of(db, data_root, extra=(target_dir,)))
        manifest = Manifest(
            created_at=now,
            domstadt_version=domstadt.__version__,
            alembic_revision=revision,
            database=database,
            tables=sums,
            files=[entry for entry, _ in files],
        )
        writer = ArchiveWriter(target_dir)
        stamp = now.timestamp()
        writer.add_bytes(MANIFEST_MEMBER, manifest.to_bytes(), stamp)
        writer.add_file(
            database.member,
            work / database.member,
            size=database.size,
            sha256=database.sha256,
            mtime=stamp,
        )
        for entry, path in files:
            writer.add_file(
                entry.member, path, size=entry.size, sha256=entry.sha256, mtime=entry.mtime
            )
        final = writer.commit(free_name(target_dir, archive_name(now)))
    except BaseException as exc:
        if writer is not None:
            writer.abort()
        if is_disk_full(exc):
            raise disk_full(str(target_dir)) from None
        if isinstance(exc, OSError):
            raise BackupFailed(f"Das Backup ist gescheitert: {exc}") from None
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Created(path=final, size=final.stat().st_size, manifest=manifest)
