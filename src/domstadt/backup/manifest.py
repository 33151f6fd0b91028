"""The manifest of a backup archive: what is inside and how to check it.

It is the archive's first member. It carries its own SHA-256 (over its canonical JSON
without that field), so a changed byte anywhere in it is noticed before anything is restored.
Paths and table names are checked here, so nothing from an archive reaches the file system
or SQL unchecked."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from domstadt.backup.errors import ArchiveInvalid

FORMAT = "domstadt-backup"
FORMAT_VERSION = 1
MANIFEST_MEMBER = "manifest.json"
FILES_PREFIX = "files/"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MAX_MANIFEST_BYTES = 64 * 1024 * 1024

DatabaseKind = Literal["sqlite", "postgresql"]
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_TABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def safe_relative_path(path: str) -> str:
    """``path`` when it is a plain relative POSIX path inside a directory; else ArchiveInvalid.

    Refused: absolute paths, ``..``, ``.``, empty parts, backslashes and control characters."""
    parts = path.split("/")
    unsafe = (
        not path
        or path.startswith("/")
        or "\\" in path
        or any(ord(c) < 32 or ord(c) == 127 for c in path)
        or any(part in {"", ".", ".."} for part in parts)
    )
    if unsafe:
        raise ArchiveInvalid(f"Das Archiv nennt einen unzulässigen Dateipfad: {path!r}.")
    return path


class TableSum(BaseModel):
    """Rows of one table and the checksum over them (see ``checksum.py``)."""

    model_config = ConfigDict(extra="forbid")

    rows: int = Field(ge=0)
    checksum: str = Field(pattern=_SHA256.pattern)


class FileEntry(BaseModel):
    """One file of the data directory, by its path relative to it."""

    model_config = ConfigDict(extra="forbid")

    path: str
    size: int = Field(ge=0)
    sha256: str = Field(pattern=_SHA256.pattern)
    mtime: float

    @field_validator("path")
    @classmethod
    def _safe(cls, value: str) -> str:
        return safe_relative_path(value)

    @property
    def member(self) -> str:
        """The file's name inside the archive."""
        return FILES_PREFIX + self.path


class DatabaseEntry(BaseModel):
    """The database dump inside the archive."""

    model_config = ConfigDict(extra="forbid")

    kind: DatabaseKind
    member: str
    size: int = Field(ge=0)
    sha256: str = Field(pattern=_SHA256.pattern)
    server_version: str = ""


class Manifest(BaseModel):
    """Everything a restore checks before it touches the installation."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["domstadt-backup"] = "domstadt-backup"
    format_version: int = FORMAT_VERSION
    created_at: dt.datetime
    domstadt_version: str
    alembic_revision: str | None
    database: DatabaseEntry
    tables: dict[str, TableSum]
    files: list[FileEntry]

    @field_validator("tables")
    @classmethod
    def _table_names(cls, value: dict[str, TableSum]) -> dict[str, TableSum]:
        for name in value:
            if not _TABLE.match(name):
                raise ValueError(f"unzulässiger Tabellenname {name!r}")
        return value

    @property
    def total_bytes(self) -> int:
        """Bytes the archive's members take once unpacked."""
        return self.database.size + sum(f.size for f in self.files)

    @property
    def total_rows(self) -> int:
        """Rows in all tables."""
        return sum(t.rows for t in self.tables.values())

    def to_bytes(self) -> bytes:
        """The manifest as JSON with its own checksum."""
        body = self.model_dump(mode="json")
        body["checksum"] = _digest(body)
        return json.dumps(body, indent=1, sort_keys=True, ensure_ascii=False).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> Manifest:
        """Parse and check a manifest read from an archive."""
        try:
            body = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ArchiveInvalid(
                f"Das Manifest des Archivs ist kein gültiges JSON ({exc})."
            ) from None
        if not isinstance(body, dict) or body.get("format") != FORMAT:
            raise ArchiveInvalid("Das Archiv ist kein Domstadt-Backup (Manifest fehlt oder fremd).")
        if body.get("format_version") != FORMAT_VERSION:
            raise ArchiveInvalid(
                f"Das Backup hat das Format {body.get('format_version')!r}; diese Version von "
                f"Domstadt liest Format {FORMAT_VERSION}."
            )
        stated = body.pop("checksum", None)
        if stated != _digest(body):
            raise ArchiveInvalid(
                "Die Prüfsumme des Manifests stimmt nicht: das Archiv ist beschädigt."
            )
        try:
            manifest = cls.model_validate(body)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ArchiveInvalid(f"Das Manifest ist ungültig ({where}: {first['msg']}).") from None
        manifest.check_members()
        return manifest

    def check_members(self) -> None:
        """Refuse a database member of the wrong name and duplicate file paths."""
        if self.database.member != DATABASE_MEMBERS[self.database.kind]:
            raise ArchiveInvalid(
                f"Das Manifest nennt die Datenbank {self.database.member!r}; erwartet ist "
                f"{DATABASE_MEMBERS[self.database.kind]!r}."
            )
        paths = [f.path for f in self.files]
        if len(set(paths)) != len(paths):
            raise ArchiveInvalid("Das Manifest nennt eine Datei mehrmals.")


def _digest(body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
