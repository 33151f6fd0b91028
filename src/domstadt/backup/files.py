"""The data directory's files: which belong in a backup, their checksums, and swapping a
restored set into place.

Left out: the SQLite database and its journals (archived through the backup API), the job
queue's store (``jobs.sqlite3``: pending jobs are transient), the backups directory and our
own working files (names starting with ``.domstadt-``). Symbolic links are not followed."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from domstadt.backup.manifest import FileEntry

WORK_PREFIX = ".domstadt-"
DEFAULT_BACKUP_DIR = "backups"
JOBS_STORE = "jobs.sqlite3"
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")
CHUNK = 1024 * 1024


@dataclass
class DataDir:
    """The data directory with the paths a backup leaves out."""

    root: Path
    excluded: set[Path] = field(default_factory=set)

    @classmethod
    def of(cls, root: Path, *, database_file: Path | None, extra: Iterable[Path] = ()) -> DataDir:
        """``root`` leaving out the database file, the job store and the backups directory."""
        root = root.absolute()
        excluded = {root / DEFAULT_BACKUP_DIR}
        excluded.update(Path(f"{root / JOBS_STORE}{s}") for s in SQLITE_SUFFIXES)
        if database_file is not None:
            excluded.update(Path(f"{database_file.absolute()}{s}") for s in SQLITE_SUFFIXES)
        excluded.update(p.absolute() for p in extra)
        return cls(root, {_real(p) for p in excluded})

    def is_excluded(self, path: Path) -> bool:
        """True for a path the backup leaves out (``path`` lies under ``root``)."""
        return path.name.startswith(WORK_PREFIX) or _real(path) in self.excluded

    def walk(self) -> Iterator[tuple[str, Path]]:
        """Every file to back up as (relative POSIX path, absolute path), sorted."""
        if not self.root.is_dir():
            return
        for top, dirs, files in os.walk(self.root, followlinks=False):
            here = Path(top)
            dirs[:] = sorted(d for d in dirs if not self.is_excluded(here / d))
            for name in sorted(files):
                path = here / name
                if self.is_excluded(path) or path.is_symlink() or not path.is_file():
                    continue
                yield path.relative_to(self.root).as_posix(), path

    def top_entries(self) -> list[Path]:
        """The entries directly under ``root`` that a restore replaces."""
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.iterdir() if not self.is_excluded(p))

    def has_files(self) -> bool:
        """True when the directory holds any file a backup would contain."""
        return next(self.walk(), None) is not None


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def digest(path: Path) -> tuple[int, str]:
    """Size and SHA-256 of a file, read in chunks."""
    sha = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            sha.update(chunk)
            size += len(chunk)
    return size, sha.hexdigest()


def entries(data_dir: DataDir) -> list[tuple[FileEntry, Path]]:
    """Manifest entries of every file to back up, with their absolute paths."""
    found = []
    for relative, path in data_dir.walk():
        mtime = path.stat().st_mtime
        size, sha = digest(path)
        found.append((FileEntry(path=relative, size=size, sha256=sha, mtime=mtime), path))
    return found


class FileSwap:
    """Replace the data directory's entries by a staged set, reversibly until committed.

    The live entries move aside into ``aside``, the staged ones move in (renames within one
    file system); :meth:`rollback` puts the old ones back, :meth:`commit` deletes them."""

    def __init__(self, data_dir: DataDir, staged: Path, aside: Path) -> None:
        self.data_dir, self.staged, self.aside = data_dir, staged, aside
        self.moved_aside: list[str] = []
        self.moved_in: list[str] = []

    def swap(self) -> None:
        """Move the old entries aside and the staged ones in."""
        self.aside.mkdir(parents=True, exist_ok=True)
        for entry in self.data_dir.top_entries():
            entry.rename(self.aside / entry.name)
            self.moved_aside.append(entry.name)
        if self.staged.is_dir():
            for entry in sorted(self.staged.iterdir()):
                entry.rename(self.data_dir.root / entry.name)
                self.moved_in.append(entry.name)

    def rollback(self) -> None:
        """Undo :meth:`swap` as far as it got."""
        for name in reversed(self.moved_in):
            target = self.data_dir.root / name
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            else:
                target.unlink(missing_ok=True)
        for name in reversed(self.moved_aside):
            (self.aside / name).rename(self.data_dir.root / name)
        self.moved_in, self.moved_aside = [], []

    def commit(self) -> None:
        """Forget the old entries."""
        shutil.rmtree(self.aside, ignore_errors=True)
