"""The archive file: a gzip-compressed tar, written as a stream and read as a stream.

Members, in order: ``manifest.json``, the database (``database.sqlite3`` or
``database.pgdump``), then ``files/<path>`` for each file of the data directory. Writing goes
to a hidden temporary file in the target directory that is synced and renamed into place only
when complete; any error removes it. Reading accepts only regular-file members whose name,
size and SHA-256 the manifest lists, and writes them only below a staging directory."""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import io
import os
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, BinaryIO

from domstadt.backup.errors import ArchiveInvalid, BackupFailed, disk_full, is_disk_full
from domstadt.backup.files import CHUNK, WORK_PREFIX
from domstadt.backup.manifest import MANIFEST_MEMBER, MAX_MANIFEST_BYTES, Manifest

SUFFIX = ".tar.gz"
COMPRESS_LEVEL = 1
"""gzip level 1: the demo's 61 MB become 10 MB in under a second (level 6: 8.7 MB, twice the
time); the PostgreSQL dump and Parquet files are compressed already."""
NOTHING = " Es wurde nichts wiederhergestellt."
READ_ERRORS = (tarfile.TarError, EOFError, zlib.error, OSError)


def archive_name(now: dt.datetime) -> str:
    """The file name of an archive made at ``now``."""
    return f"domstadt-backup-{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}{SUFFIX}"


class _HashingReader(io.RawIOBase):
    """Reads ``handle`` and hashes what was read."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.sha = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.sha.update(data)
        return data


class ArchiveWriter:
    """Stream members into a temporary file; :meth:`commit` renames it into place."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        fd, name = tempfile.mkstemp(prefix=f"{WORK_PREFIX}backup-", suffix=".part", dir=directory)
        self.temporary = Path(name)
        self._raw = os.fdopen(fd, "wb")
        self._gzip = gzip.GzipFile(
            filename="", mode="wb", fileobj=self._raw, compresslevel=COMPRESS_LEVEL
        )
        self._tar = tarfile.open(  # noqa: SIM115 - closed by commit() or abort()
            fileobj=self._gzip, mode="w|", format=tarfile.PAX_FORMAT
        )

    def _info(self, name: str, size: int, mtime: float) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, mtime, 0o600
        return info

    def add_bytes(self, name: str, data: bytes, mtime: float) -> None:
        """Add a member holding ``data``."""
        self._tar.addfile(self._info(name, len(data), mtime), io.BytesIO(data))

    def add_file(self, name: str, path: Path, *, size: int, sha256: str, mtime: float) -> None:
        """Add ``path`` as member ``name``; refuse when it no longer has the manifest's size and
        checksum (it changed while the backup ran)."""
        with path.open("rb") as handle:
            reader = _HashingReader(handle)
            try:
                self._tar.addfile(self._info(name, size, mtime), reader)
                grew = bool(handle.read(1))
            except OSError as exc:
                if exc.errno is not None:  # writing failed (a full disk among others)
                    raise
                grew = True  # tarfile's "unexpected end of data": shorter than measured
        if grew or reader.sha.hexdigest() != sha256:
            raise BackupFailed(
                f"Die Datei {path} hat sich während der Sicherung geändert. "
                "Bitte das Backup erneut starten (am besten ohne gleichzeitige Uploads)."
            )

    def commit(self, final: Path) -> Path:
        """Finish the archive, sync it and rename it to ``final`` (no partial file is visible
        under that name at any time)."""
        self._tar.close()
        self._gzip.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        os.replace(self.temporary, final)
        _sync_directory(self.directory)
        return final

    def abort(self) -> None:
        """Close quietly and delete the temporary file."""
        for closer in (self._tar.close, self._gzip.close, self._raw.close):
            with contextlib.suppress(Exception):
                closer()
        self.temporary.unlink(missing_ok=True)


def _sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def free_name(directory: Path, name: str) -> Path:
    """``directory / name``, or with ``-2``, ``-3``, … before the suffix when it exists."""
    candidate = directory / name
    number = 2
    while candidate.exists():
        candidate = directory / f"{name.removesuffix(SUFFIX)}-{number}{SUFFIX}"
        number += 1
    return candidate


def _damaged(archive: Path, exc: BaseException) -> ArchiveInvalid:
    return ArchiveInvalid(
        f"Das Archiv {archive} ist beschädigt oder unvollständig ({type(exc).__name__}: {exc}). "
        f"{NOTHING.strip()}"
    )


@contextlib.contextmanager
def open_archive(archive: Path) -> Iterator[tuple[Manifest, tarfile.TarFile]]:
    """The archive's checked manifest and the tar stream positioned after it."""
    if not archive.is_file():
        raise ArchiveInvalid(f"Das Archiv {archive} gibt es nicht.")
    with archive.open("rb") as raw:
        try:
            tar = tarfile.open(fileobj=raw, mode="r|gz")  # noqa: SIM115 - closed below
            first = tar.next()
            if first is None or first.name != MANIFEST_MEMBER or not first.isreg():
                raise ArchiveInvalid(
                    f"{archive} ist kein Domstadt-Backup: das Manifest fehlt am Anfang."
                )
            if first.size > MAX_MANIFEST_BYTES:
                raise ArchiveInvalid("Das Manifest des Archivs ist unplausibel groß.")
            data = _read_all(tar, first)
        except READ_ERRORS as exc:
            raise _damaged(archive, exc) from None
        manifest = Manifest.from_bytes(data)
        with tar:
            yield manifest, tar


def _read_all(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    handle = tar.extractfile(member)
    if handle is None:
        raise ArchiveInvalid(f"Das Archiv enthält mit {member.name!r} keine reguläre Datei.")
    return handle.read()


Sink = Callable[[str], IO[bytes] | None]
"""Where a member's content goes: an open file for its name, or None to only check it."""


def unpack(archive: Path, manifest: Manifest, tar: tarfile.TarFile, sink: Sink) -> None:
    """Read every member after the manifest, check name, type, size and SHA-256 against the
    manifest, and write the content to ``sink(name)``. Anything unlisted, missing, repeated,
    not a regular file or of another checksum is refused."""
    expected = {manifest.database.member: (manifest.database.size, manifest.database.sha256)}
    expected.update({f.member: (f.size, f.sha256) for f in manifest.files})
    seen: set[str] = set()
    try:
        while (member := tar.next()) is not None:
            _check_member(member, expected, seen)
            handle = tar.extractfile(member)
            if handle is None:  # pragma: no cover - isreg() was checked
                raise ArchiveInvalid(f"{member.name!r} ist keine reguläre Datei.")
            sha = _copy(handle, member.name, sink)
            if sha != expected[member.name][1]:
                raise ArchiveInvalid(
                    f"Die Prüfsumme von {member.name!r} im Archiv stimmt nicht mit dem Manifest "
                    f"überein: das Archiv ist beschädigt.{NOTHING}"
                )
    except READ_ERRORS as exc:
        raise _damaged(archive, exc) from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise ArchiveInvalid(
            f"Dem Archiv fehlen {len(missing)} Dateien, die das Manifest nennt "
            f"(zuerst {missing[0]!r}): es ist unvollständig.{NOTHING}"
        )


def _check_member(
    member: tarfile.TarInfo, expected: dict[str, tuple[int, str]], seen: set[str]
) -> None:
    if member.name not in expected:
        raise ArchiveInvalid(
            f"Das Archiv enthält {member.name!r}, das nicht im Manifest steht; "
            f"es wird nicht entpackt.{NOTHING}"
        )
    if not member.isreg():
        raise ArchiveInvalid(
            f"Das Archiv enthält {member.name!r} als Verknüpfung oder Sonderdatei; "
            f"es wird nicht entpackt.{NOTHING}"
        )
    if member.name in seen:
        raise ArchiveInvalid(f"Das Archiv enthält {member.name!r} mehrmals.{NOTHING}")
    if member.size != expected[member.name][0]:
        raise ArchiveInvalid(
            f"{member.name!r} hat im Archiv {member.size} Bytes, laut Manifest "
            f"{expected[member.name][0]}: das Archiv ist beschädigt.{NOTHING}"
        )
    seen.add(member.name)


def _copy(handle: IO[bytes], name: str, sink: Sink) -> str:
    sha = hashlib.sha256()
    target = sink(name)
    try:
        while chunk := handle.read(CHUNK):
            sha.update(chunk)
            if target is not None:
                _write(target, chunk)
    finally:
        if target is not None:
            _close(target)
    return sha.hexdigest()


def _close(target: IO[bytes]) -> None:
    try:
        target.close()
    except OSError as exc:
        if is_disk_full(exc):
            raise disk_full(str(getattr(target, "name", "das Staging-Verzeichnis"))) from None
        raise BackupFailed(f"Schreiben beim Entpacken fehlgeschlagen: {exc}") from None


def _write(target: IO[bytes], chunk: bytes) -> None:
    try:
        target.write(chunk)
    except OSError as exc:
        if is_disk_full(exc):
            raise disk_full(str(getattr(target, "name", "das Staging-Verzeichnis"))) from None
        raise BackupFailed(f"Schreiben beim Entpacken fehlgeschlagen: {exc}") from None
