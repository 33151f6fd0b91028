"""PostgreSQL: ``pg_dump --format=custom`` of one exported snapshot, and a restore that
replaces the whole schema in one transaction.

The dump and the manifest's row counts and checksums see the same snapshot: a repeatable-read
transaction exports it (``pg_export_snapshot``), ``pg_dump --snapshot`` dumps it, and the
checksums are computed in that transaction. A restore pipes ``pg_restore --file=-`` into
``psql`` inside one transaction, preceded by dropping and recreating the ``public`` schema and
followed by a check of every table's row count against the manifest: when anything fails the
transaction rolls back and the database is as it was. The tools are started with argument
lists (no shell); a password goes through ``PGPASSWORD``, never onto a command line."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import IO

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from domstadt.backup.checksum import table_sums
from domstadt.backup.errors import BackupFailed, disk_full
from domstadt.backup.files import CHUNK
from domstadt.backup.manifest import TableSum
from domstadt.backup.sqlite import alembic_revision
from domstadt.core.db import normalise_url

LOCK_WAIT_MS = 60_000
PREAMBLE = b"""SET client_min_messages = warning;
SET lock_timeout = '60s';
DROP SCHEMA IF EXISTS public CASCADE;
CREATE SCHEMA public;
"""
_DISK_FULL = ("No space left", "File too large", "Disk quota exceeded")


def tool(name: str) -> str:
    """The path of a PostgreSQL client program, or a clear error naming the package."""
    found = shutil.which(name)
    if not found:
        raise BackupFailed(
            f"{name} wurde nicht gefunden. Installieren Sie die PostgreSQL-Client-Werkzeuge "
            "(z. B. Paket postgresql-client) in der Hauptversion des Servers."
        )
    return found


def libpq(url: str) -> tuple[str, dict[str, str]]:
    """The connection string for the client programs (no driver, no password) and their
    environment (with ``PGPASSWORD`` when the URL has a password)."""
    parsed = make_url(normalise_url(url))
    conninfo = parsed.set(drivername="postgresql", password=None)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return conninfo.render_as_string(hide_password=False), env


def _tail(stream: IO[bytes]) -> str:
    stream.seek(0)
    lines = stream.read().decode(errors="replace").strip().splitlines()
    return " ".join(lines[-3:]) or "keine Meldung"


def dump(engine: Engine, url: str, target: Path) -> tuple[dict[str, TableSum], str | None, str]:
    """Dump the database into ``target``; return the table sums of the same snapshot, the
    schema revision and the server version."""
    conninfo, env = libpq(url)
    program = tool("pg_dump")
    with engine.connect() as plain, tempfile.TemporaryFile() as errors:
        connection = plain.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            args = [
                program,
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--lock-wait-timeout={LOCK_WAIT_MS}",
                f"--file={target}",
                "--dbname",
                conninfo,
            ]
            code = subprocess.run(
                args,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                check=False,
            ).returncode
            if code != 0:
                message = _tail(errors)
                # killed by SIGXFSZ: the file size limit (ulimit -f) was reached
                if code == -signal.SIGXFSZ or any(marker in message for marker in _DISK_FULL):
                    raise disk_full(str(target.parent))
                raise BackupFailed(f"pg_dump ist gescheitert (Code {code}): {message}")
            sums = table_sums(connection)
            revision = alembic_revision(connection)
            version = str(connection.execute(text("SHOW server_version")).scalar_one())
    return sums, revision, version


def check_sql(tables: dict[str, TableSum]) -> bytes:
    """A block that aborts the restore's transaction when a table's row count differs from
    the manifest (table names are checked by the manifest's validation)."""
    lines = ["DO $domstadt_check$", "DECLARE found bigint;", "BEGIN"]
    for name, expected in sorted(tables.items()):
        lines += [
            f'  SELECT count(*) INTO found FROM public."{name}";',
            f"  IF found <> {int(expected.rows)} THEN RAISE EXCEPTION "
            f"'Tabelle {name}: % Zeilen statt {int(expected.rows)}', found; END IF;",
        ]
    lines += ["END", "$domstadt_check$;", ""]
    return "\n".join(lines).encode()


def restore(url: str, dump_file: Path, tables: dict[str, TableSum]) -> None:
    """Replace the database's ``public`` schema by the dump, in one transaction that commits
    only when pg_restore finished and every row count matches."""
    conninfo, env = libpq(url)
    psql_args = [tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-", "--dbname", conninfo]
    reader_args = [tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(dump_file)]
    with tempfile.TemporaryFile() as psql_errors, tempfile.TemporaryFile() as reader_errors:
        psql = subprocess.Popen(
            psql_args, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=psql_errors
        )
        reader = subprocess.Popen(
            reader_args,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=reader_errors,
        )
        _feed(psql, reader, check_sql(tables))
        psql_code, reader_code = psql.wait(), reader.wait()
        if psql_code != 0:
            raise BackupFailed(
                "Die Wiederherstellung in PostgreSQL ist gescheitert; die Datenbank blieb "
                f"unverändert: {_tail(psql_errors)}"
            )
        if reader_code != 0:
            raise BackupFailed(
                "pg_restore ist gescheitert; die Datenbank blieb unverändert: "
                f"{_tail(reader_errors)}"
            )


def _feed(psql: subprocess.Popen[bytes], reader: subprocess.Popen[bytes], check: bytes) -> None:
    """Send BEGIN, the schema reset, the restore script and, only when pg_restore succeeded,
    the row-count check and COMMIT (psql ending without COMMIT rolls everything back)."""
    assert psql.stdin is not None and reader.stdout is not None
    try:
        psql.stdin.write(b"BEGIN;\n" + PREAMBLE)
        shutil.copyfileobj(reader.stdout, psql.stdin, CHUNK)
        if reader.wait() == 0:
            psql.stdin.write(check + b"COMMIT;\n")
    except BrokenPipeError:
        pass  # psql stopped at an error; its message follows
    finally:
        for stream in (psql.stdin, reader.stdout):
            with contextlib.suppress(BrokenPipeError):
                stream.close()
