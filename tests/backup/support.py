"""Helpers of the backup tests: installations (a data directory and a database URL), the
`domstadt` command in a real process or in this one, and an independent fingerprint of an
installation (raw rows of every table ordered by primary key, every file's SHA-256)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner

from domstadt.core.config import get_settings
from domstadt.core.db import normalise_url

PG_URL = os.environ.get("DOMSTADT_TEST_DATABASE_URL", "")
LEFT_OUT = ("jobs.sqlite3", "backups")


@dataclass(frozen=True)
class Installation:
    """A data directory and the database URL of one Domstadt installation."""

    data_dir: Path
    url: str

    @property
    def env(self) -> dict[str, str]:
        """The environment of `domstadt` commands run against this installation."""
        return {
            "DOMSTADT_DATA_DIR": str(self.data_dir),
            "DOMSTADT_DATABASE_URL": self.url,
            "DOMSTADT_ENVIRONMENT": "test",
            "COLUMNS": "200",
        }


def sqlite_installation(root: Path) -> Installation:
    """An installation with its SQLite file inside its data directory."""
    return Installation(root, f"sqlite:///{root / 'domstadt.sqlite3'}")


def run(inst: Installation, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """`python -m domstadt ARGS` as an operator runs it: a real process."""
    result = subprocess.run(
        [sys.executable, "-m", "domstadt", *args],
        env={**os.environ, **inst.env},
        text=True,
        capture_output=True,
        timeout=300,
    )
    if check and result.returncode != 0:
        pytest.fail(f"domstadt {' '.join(args)}: {result.returncode}\n{result.stderr}")
    return result


@dataclass(frozen=True)
class Outcome:
    """Exit code and output of an in-process command."""

    code: int
    stdout: str
    stderr: str


def invoke(inst: Installation, *args: str) -> Outcome:
    """The `domstadt` command in this process (faster; same code path below the parser)."""
    from domstadt.cli import app

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, list(args), env=inst.env, catch_exceptions=False)
    finally:
        get_settings.cache_clear()
    return Outcome(result.exit_code, result.stdout, result.stderr)


def _admin() -> psycopg.Connection:
    base = make_url(PG_URL).set(drivername="postgresql", database="postgres")
    return psycopg.connect(base.render_as_string(hide_password=False), autocommit=True)


@contextmanager
def pg_database(suffix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database named after the test database; dropped afterwards
    (dropping waits for a checkpoint: create one per module, empty it between tests with
    :func:`empty_schema`)."""
    name = f"{make_url(PG_URL).database}_{suffix}"
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with _admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def empty_schema(url: str) -> None:
    """Make ``url`` an empty database again (as after createdb)."""
    engine = create_engine(normalise_url(url), poolclass=NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def add_person(url: str, email: str) -> None:
    """Create an account through the service layer (the installation holds data then)."""
    from domstadt.core.auth import service as auth
    from domstadt.core.auth.permissions import system_actor
    from domstadt.core.auth.schemas import UserCreate
    from domstadt.core.db import Database

    database = Database(url)
    try:
        with database.session() as session:
            auth.user_create(
                session,
                actor=system_actor("tests"),
                data=UserCreate(email=email, name="Eigene Daten", password="a-long-password"),
            )
    finally:
        database.dispose()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """Rows and SHA-256 of every table's raw driver values, ordered by primary key (or by
    every column): independent of the checksums of ``domstadt.backup``."""
    engine = create_engine(normalise_url(url), poolclass=NullPool)
    found = {}
    try:
        with engine.connect() as conn:
            info = inspect(conn)
            for name in info.get_table_names():
                key = info.get_pk_constraint(name)["constrained_columns"] or [
                    c["name"] for c in info.get_columns(name)
                ]
                order = ", ".join(_quote(k) for k in key)
                rows = conn.exec_driver_sql(f"SELECT * FROM {_quote(name)} ORDER BY {order}")
                sha, count = hashlib.sha256(), 0
                for row in rows:
                    sha.update(repr(tuple(row)).encode())
                    count += 1
                found[name] = (count, sha.hexdigest())
    finally:
        engine.dispose()
    return found


def file_digests(inst: Installation) -> dict[str, str]:
    """SHA-256 of every data file (not the database, the job store or the backups)."""
    found = {}
    for path in sorted(inst.data_dir.rglob("*")):
        relative = path.relative_to(inst.data_dir).as_posix()
        if path.is_dir() or relative.split("/")[0] in LEFT_OUT or ".sqlite3" in path.name:
            continue
        found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def archive_of(result: subprocess.CompletedProcess[str] | Outcome) -> Path:
    """The archive path `backup create` printed alone on its last line."""
    path = Path(result.stdout.strip().splitlines()[-1])
    assert path.is_file(), result.stdout
    return path


Change = Callable[[tarfile.TarInfo, bytes | None], list[tuple[tarfile.TarInfo, bytes | None]]]


def rewrite(archive: Path, out: Path, change: Change) -> Path:
    """A copy of ``archive`` whose members went through ``change`` (which returns the
    members to write instead: none, the same, altered or more)."""
    with tarfile.open(archive, "r:gz") as src, tarfile.open(out, "w:gz", compresslevel=1) as dst:
        for member in src:
            handle = src.extractfile(member) if member.isreg() else None
            data = handle.read() if handle else None
            for info, content in change(member, data):
                if content is not None:
                    info.size = len(content)
                dst.addfile(info, io.BytesIO(content) if content is not None else None)
    return out


def sealed(body: dict[str, Any]) -> bytes:
    """A manifest ``body`` with a checksum that matches it, as a forger would write it."""
    body = {k: v for k, v in body.items() if k != "checksum"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    body["checksum"] = hashlib.sha256(canonical.encode()).hexdigest()
    return json.dumps(body).encode()


def with_manifest(archive: Path, out: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of ``archive`` whose manifest went through ``edit`` and was sealed again."""

    def change(
        info: tarfile.TarInfo, data: bytes | None
    ) -> list[tuple[tarfile.TarInfo, bytes | None]]:
        if info.name == "manifest.json" and data is not None:
            body = json.loads(data)
            edit(body)
            return [(info, sealed(body))]
        return [(info, data)]

    return rewrite(archive, out, change)


def leftovers(*folders: Path) -> list[Path]:
    """Working files of backups or restores left behind (names starting with .domstadt-)."""
    return [p for folder in folders if folder.exists() for p in folder.rglob(".domstadt-*")]
