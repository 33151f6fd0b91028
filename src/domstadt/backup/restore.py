"""Restoring an archive: check everything first, unpack into a staging directory inside the
data directory, then put the files and the database into place, undoing the file swap when
the database cannot be restored.

Order of checks, all before the installation is touched: the manifest's own checksum and
format, the database kind, the schema revision (newer than the code: refused), paths that
would land on the database or the backups, a non-empty target (refused unless forced), free
space, then every member's size and SHA-256 while unpacking; SQLite copies are also checked
table by table against the manifest before they replace the live database."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.exc import OperationalError

from domstadt.backup import postgres, sqlite
from domstadt.backup.archive import open_archive, unpack
from domstadt.backup.checksum import compare, table_sums, tables_with_rows
from domstadt.backup.create import data_dir_of
from domstadt.backup.errors import ArchiveInvalid, BackupFailed, disk_full, is_disk_full
from domstadt.backup.files import WORK_PREFIX, DataDir, FileSwap
from domstadt.backup.manifest import FILES_PREFIX, Manifest
from domstadt.core.db import Database
from domstadt.core.errors import Conflict
from domstadt.core.migrate import alembic_config, head_revision


@dataclass(frozen=True)
class Restored:
    """What a restore put into place."""

    manifest: Manifest
    needs_upgrade: bool
    replaced: list[str]


def check_revision(db: Database, revision: str | None) -> bool:
    """True when the archive's schema is older than the code's (then `db upgrade` follows);
    refuse one the code does not know (made by a newer Domstadt)."""
    head = head_revision(db)
    if revision is None:
        raise ArchiveInvalid("Die Datenbank im Backup war nie migriert; es gibt nichts zu tun.")
    try:
        known = ScriptDirectory.from_config(alembic_config(db.url)).get_revision(revision)
    except CommandError:
        known = None
    if known is None:
        raise ArchiveInvalid(
            f"Das Backup hat die Datenbank-Revision {revision}, die diese Version von Domstadt "
            f"nicht kennt (sie kennt bis {head}): es stammt von einer neueren Version. "
            "Installieren Sie mindestens die Version, die das Backup erstellt hat."
        )
    return known.revision != head


def occupied(db: Database, data_dir: DataDir) -> list[str]:
    """What the target installation already holds (empty list: nothing)."""
    found = []
    sqlite_file = sqlite.database_file(db.url)
    try:
        if sqlite_file is not None and not sqlite_file.exists():
            tables = []  # not even created yet (and not created by looking)
        else:
            with db.engine.connect() as connection:
                tables = tables_with_rows(connection)
    except OperationalError as exc:
        raise BackupFailed(
            f"Die Zieldatenbank ist nicht erreichbar ({exc.orig}). Legen Sie sie an "
            "(PostgreSQL: createdb) und prüfen Sie DOMSTADT_DATABASE_URL."
        ) from None
    if tables:
        found.append(f"die Datenbank hat Daten in {len(tables)} Tabellen (z. B. {tables[0]})")
    if data_dir.has_files():
        found.append(f"das Datenverzeichnis {data_dir.root} enthält Dateien")
    return found


def _check_paths(manifest: Manifest, data_dir: DataDir) -> None:
    for entry in manifest.files:
        path = data_dir.root
        for part in entry.path.split("/"):
            path = path / part
            if data_dir.is_excluded(path):
                raise ArchiveInvalid(
                    f"Das Archiv enthält {entry.path!r}; dieser Pfad ist hier der Datenbank, "
                    "dem Job-Speicher oder den Backups vorbehalten. Nichts wurde verändert."
                )


def _check_space(manifest: Manifest, root: Path) -> None:
    needed = manifest.total_bytes
    if manifest.database.kind == "sqlite":
        needed += manifest.database.size  # the staged copy and the restored database
    free = shutil.disk_usage(root).free
    if free < needed:
        raise BackupFailed(
            f"Zu wenig Platz in {root}: die Wiederherstellung braucht etwa "
            f"{needed // 2**20} MB, frei sind {free // 2**20} MB. Nichts wurde verändert."
        )


def _sink(staging: Path, manifest: Manifest) -> Callable[[str], IO[bytes]]:
    root = staging.resolve()

    def open_target(name: str) -> IO[bytes]:
        if name == manifest.database.member:
            path = staging / name
        else:
            path = staging / "files" / name.removeprefix(FILES_PREFIX)
        if not path.resolve().is_relative_to(root):
            raise ArchiveInvalid(f"{name!r} zeigt aus dem Zielverzeichnis hinaus.")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
            return os.fdopen(os.open(path, flags, 0o666), "wb", buffering=0)
        except OSError as exc:
            if is_disk_full(exc):
                raise disk_full(str(staging)) from None
            raise ArchiveInvalid(f"{name!r} lässt sich nicht anlegen ({exc}).") from None

    return open_target


def _stage(archive: Path, manifest: Manifest, tar: object, staging: Path) -> None:
    unpack(archive, manifest, tar, _sink(staging, manifest))  # type: ignore[arg-type]
    for entry in manifest.files:
        os.utime(staging / "files" / entry.path, (entry.mtime, entry.mtime))
    if manifest.database.kind == "sqlite":
        copy = staging / manifest.database.member
        sqlite.check_file(copy)
        with sqlite.read_only(copy) as connection:
            problems = compare(manifest.tables, table_sums(connection))
        if problems:
            raise ArchiveInvalid(
                "Die Datenbank im Archiv passt nicht zum Manifest: " + "; ".join(problems[:5])
            )


def _restore_database(db: Database, manifest: Manifest, staged: Path) -> None:
    db.dispose()  # no pooled connection keeps the old state open
    if manifest.database.kind == "sqlite":
        target = sqlite.database_file(db.url)
        if target is None:
            raise BackupFailed(
                "In eine SQLite-Datenbank im Arbeitsspeicher lässt sich nichts wiederherstellen."
            )
        sqlite.restore(staged, target)
    else:
        postgres.restore(db.url, staged, manifest.tables)
    db.dispose()


def restore_archive(db: Database, data_root: Path, archive: Path, *, force: bool) -> Restored:
    """Put the archive's database and files in place of the installation's."""
    data_dir = data_dir_of(db, data_root)
    with open_archive(archive) as (manifest, tar):
        if manifest.database.kind != db.dialect:
            raise ArchiveInvalid(
                f"Das Backup enthält eine {manifest.database.kind}-Datenbank, diese Installation "
                f"nutzt {db.dialect}. Ein Wechsel der Datenbank geht nicht über Backups."
            )
        needs_upgrade = check_revision(db, manifest.alembic_revision)
        _check_paths(manifest, data_dir)
        replaced = occupied(db, data_dir)
        if replaced and not force:
            raise Conflict(
                "Die Installation ist nicht leer: " + "; ".join(replaced) + ". Mit --force "
                "wird alles durch das Backup ersetzt."
            )
        data_dir.root.mkdir(parents=True, exist_ok=True)
        _check_space(manifest, data_dir.root)
        staging = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}restore-", dir=data_dir.root))
        try:
            _stage(archive, manifest, tar, staging)
            swap = FileSwap(data_dir, staging / "files", staging / "old")
            try:
                swap.swap()
                _restore_database(db, manifest, staging / manifest.database.member)
            except BaseException:
                swap.rollback()
                raise
            swap.commit()
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return Restored(manifest=manifest, needs_upgrade=needs_upgrade, replaced=replaced)


def verify_after(db: Database, manifest: Manifest) -> list[str]:
    """Differences between the restored database and the manifest (empty: none)."""
    with db.engine.connect() as connection:
        return compare(manifest.tables, table_sums(connection))
