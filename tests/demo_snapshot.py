"""One Cologne demo per test run, loaded by the real ``domstadt demo load`` and copied wherever a
test needs the whole demo on SQLite (the command-line, backup, German-output, liveliness and
browser tests). A load takes half a minute or more on a 2-core box; a copy takes milliseconds.

The snapshot is an installation's data directory with its SQLite file inside
(``domstadt.sqlite3``, the default place) and the output of the load command. The first
pytest-xdist worker that asks for it builds it under the run's shared temporary root while a
file lock keeps the other waiting; later requests only copy."""

from __future__ import annotations

import fcntl
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from domstadt.core.db import Database
from tests.backup.support import run, sqlite_installation
from tests.parallel import worker_number

DATABASE = "domstadt.sqlite3"


@dataclass(frozen=True)
class DemoSnapshot:
    """A data directory with the whole demo loaded and the load command's output."""

    data_dir: Path
    load_output: str

    @property
    def database(self) -> Path:
        return self.data_dir / DATABASE

    def copy_installation(self, data_dir: Path, database: str = DATABASE) -> Path:
        """Copy the whole installation into ``data_dir`` (its SQLite file named ``database``);
        return the SQLite file's path."""
        self.copy_files(data_dir)
        target = data_dir / database
        shutil.copyfile(self.database, target)
        return target

    def copy_into(self, db: Database, data_dir: Path) -> None:
        """Make a test's SQLite database and data directory the demo's (see ``replace_sqlite``)."""
        replace_sqlite(db, self.database)
        self.copy_files(data_dir)

    def copy_files(self, data_dir: Path) -> None:
        """Copy only the data directory's files (a test that has its own database file)."""
        shutil.copytree(self.data_dir, data_dir, dirs_exist_ok=True, ignore=_NOT_FILES)


_NOT_FILES = shutil.ignore_patterns(f"{DATABASE}*")


def replace_sqlite(db: Database, source: Path) -> None:
    """Replace the SQLite file behind ``db`` with a copy of ``source``; the engine's pooled
    connections are closed first, so the next one opens the copy."""
    db.dispose()
    target = Path(str(db.engine.url.database))
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)


def _build(folder: Path) -> None:
    data_dir = folder / "snapshot"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    installation = sqlite_installation(data_dir)  # the database at its default place
    run(installation, "db", "upgrade")
    output = run(installation, "demo", "load").stdout
    with sqlite3.connect(data_dir / DATABASE) as conn:  # the copies need no -wal file
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    (folder / "load-output.txt").write_text(output, encoding="utf-8")  # last: marks it complete


@pytest.fixture(scope="session")
def demo_snapshot(tmp_path_factory: pytest.TempPathFactory) -> DemoSnapshot:
    """The run's demo snapshot, built by the first worker that asks."""
    root = tmp_path_factory.getbasetemp()
    if worker_number() is not None:
        root = root.parent  # shared by the workers of this run
    folder = root / "demo-snapshot"
    folder.mkdir(exist_ok=True)
    with (root / "demo-snapshot.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "load-output.txt").exists():
            _build(folder)
    output = (folder / "load-output.txt").read_text(encoding="utf-8")
    return DemoSnapshot(folder / "snapshot", output)
