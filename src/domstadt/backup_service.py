"""Backup operations (issue 16): create an archive of the database and the data directory,
restore one into an installation, verify and list archives. The engine is
``domstadt.backup``; operators reach these through `domstadt backup …`.

A backup is audited in the live database after it succeeded (the archive holds the state
before that entry). A restore is audited in the restored database after every check passed,
when its schema is current (an older one is audited by nothing: `domstadt db upgrade` comes
first)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel

from domstadt.backup.archive import SUFFIX, open_archive, unpack
from domstadt.backup.create import create_archive
from domstadt.backup.errors import ArchiveInvalid, BackupFailed
from domstadt.backup.files import DEFAULT_BACKUP_DIR
from domstadt.backup.manifest import Manifest
from domstadt.backup.restore import restore_archive, verify_after
from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, requires
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.core.migrate import current_revision, head_revision


class BackupInfo(BaseModel):
    """An archive and what its manifest says; ``problem`` is set for an unreadable one."""

    path: Path
    size: int
    created_at: dt.datetime | None = None
    database: str = ""
    alembic_revision: str | None = None
    domstadt_version: str = ""
    tables: int = 0
    rows: int = 0
    files: int = 0
    file_bytes: int = 0
    problem: str = ""

    @classmethod
    def of(cls, path: Path, manifest: Manifest) -> BackupInfo:
        """The info of ``path`` holding ``manifest``."""
        return cls(
            path=path,
            size=path.stat().st_size,
            created_at=manifest.created_at,
            database=manifest.database.kind,
            alembic_revision=manifest.alembic_revision,
            domstadt_version=manifest.domstadt_version,
            tables=len(manifest.tables),
            rows=manifest.total_rows,
            files=len(manifest.files),
            file_bytes=sum(f.size for f in manifest.files),
        )


class RestorePublic(BaseModel):
    """A finished restore: what came back, what it replaced, whether `db upgrade` follows."""

    backup: BackupInfo
    replaced: list[str]
    needs_upgrade: bool
    head_revision: str | None


def _default_directory(settings: Settings) -> Path:
    """Where archives go without ``--to``: ``<data_dir>/backups``."""
    return settings.data_dir / DEFAULT_BACKUP_DIR


@requires(Permission.SYSTEM_BACKUP)
def backup_create(
    db: Database, *, actor: Actor, settings: Settings, target_dir: Path | None = None
) -> BackupInfo:
    """Write an archive of the database and the data directory into ``target_dir`` (default
    ``<data_dir>/backups``); nothing half-written is left behind on failure."""
    created = create_archive(db, settings.data_dir, target_dir or _default_directory(settings))
    info = BackupInfo.of(created.path, created.manifest)
    _audit(db, actor, "backup.create", info)
    return info


@requires(Permission.SYSTEM_BACKUP)
def backup_restore(
    db: Database, *, actor: Actor, settings: Settings, archive: Path, force: bool = False
) -> RestorePublic:
    """Replace the installation's database and data files by the archive's, after checking
    the archive completely; a non-empty installation is only replaced with ``force``."""
    restored = restore_archive(db, settings.data_dir, archive, force=force)
    info = BackupInfo.of(archive, restored.manifest)
    if restored.manifest.database.kind == "postgresql":
        problems = verify_after(db, restored.manifest)
        if problems:
            raise BackupFailed(
                "Die Datenbank wurde wiederhergestellt, weicht aber vom Manifest ab: "
                + "; ".join(problems[:5])
            )
    if not restored.needs_upgrade:
        _audit(db, actor, "backup.restore", info, replaced=restored.replaced)
    return RestorePublic(
        backup=info,
        replaced=restored.replaced,
        needs_upgrade=restored.needs_upgrade,
        head_revision=head_revision(db),
    )


@requires(Permission.SYSTEM_BACKUP)
def backup_verify(*, actor: Actor, archive: Path) -> BackupInfo:
    """Read the whole archive and check the manifest and every member's size and SHA-256."""
    with open_archive(archive) as (manifest, tar):
        unpack(archive, manifest, tar, lambda _name: None)
    return BackupInfo.of(archive, manifest)


@requires(Permission.SYSTEM_BACKUP)
def backup_list(
    *, actor: Actor, settings: Settings, directory: Path | None = None
) -> list[BackupInfo]:
    """The archives in ``directory`` (default ``<data_dir>/backups``), newest first, from
    their manifests (members are not checked here; see :func:`backup_verify`)."""
    folder = directory or _default_directory(settings)
    found = []
    for path in sorted(folder.glob(f"*{SUFFIX}"), reverse=True) if folder.is_dir() else []:
        try:
            with open_archive(path) as (manifest, _tar):
                found.append(BackupInfo.of(path, manifest))
        except ArchiveInvalid as exc:
            found.append(BackupInfo(path=path, size=path.stat().st_size, problem=exc.message))
    return found


def _audit(db: Database, actor: Actor, action: str, info: BackupInfo, **extra: object) -> None:
    """Record the operation when the schema is current (an old one may lack the log)."""
    if current_revision(db) != head_revision(db):
        return
    after = {
        "file": info.path.name,
        "tables": info.tables,
        "rows": info.rows,
        "files": info.files,
        "created_at": info.created_at,
        **extra,
    }
    with db.session() as session:
        audit.record(
            session,
            actor=actor,
            action=action,
            entity_type="backup",
            entity_id=info.path.name,
            after=after,
        )
