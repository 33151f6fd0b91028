"""Faults of backups (issue 16): a full disk while writing an archive leaves no partial file
and says so; hostile or foreign archives are refused before anything is written; only
operators may back up; table checksums are the same on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from domstadt import backup_service
from domstadt.backup.checksum import canonical_row, reflect, table_sum
from domstadt.core.audit import AuditEntry
from domstadt.core.auth.models import Role
from domstadt.core.auth.permissions import Actor, system_actor
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.core.errors import Forbidden
from domstadt.core.migrate import upgrade
from tests.backup.support import (
    Installation,
    add_person,
    archive_of,
    invoke,
    leftovers,
    rewrite,
    sqlite_installation,
    with_manifest,
)

# --- a full disk ---------------------------------------------------------------------------

LIMITED = """
import resource, signal, sys
from domstadt.cli import main
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes fail with EFBIG instead of killing us
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
sys.argv = ["domstadt", "backup", "create", "--to", sys.argv[2]]
main()
"""


@pytest.mark.parametrize(
    ("limit", "phase"), [(20_000, "database copy"), (2_000_000, "archive of the files")]
)
def test_a_full_disk_leaves_no_partial_archive(
    db: Database, tmp_path: Path, limit: int, phase: str
) -> None:
    """The file size limit (RLIMIT_FSIZE) stands in for a full disk: first while the database
    is copied, then while a 3 MB file goes into the archive."""
    inst = Installation(tmp_path / "data", db.url)
    big = inst.data_dir / "catalog" / "files" / "gross" / "zufall.bin"
    big.parent.mkdir(parents=True)
    big.write_bytes(os.urandom(3_000_000))
    target = tmp_path / "ziel"
    result = subprocess.run(
        [sys.executable, "-c", LIMITED, str(limit), str(target)],
        env={**os.environ, **inst.env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    message = " ".join(result.stderr.split())
    assert result.returncode == 1, message
    assert "Traceback" not in result.stderr
    assert "Kein Speicherplatz" in message or "Dateigrößen-Grenze" in message, message
    assert "keine unvollständige Datei" in message
    assert list(target.iterdir()) == []  # no archive, no temporary file, no working folder


# --- hostile and foreign archives ----------------------------------------------------------


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small, sound SQLite archive (an account and one file)."""
    inst = sqlite_installation(tmp_path_factory.mktemp("quelle"))
    database = Database(inst.url)
    upgrade(database)
    database.dispose()
    add_person(inst.url, "quelle@example.org")
    note = inst.data_dir / "notiz.txt"
    note.write_text("harmlos", encoding="utf-8")
    return archive_of(invoke(inst, "backup", "create"))


Members = list[tuple[tarfile.TarInfo, bytes | None]]


def _extra_member(name: str) -> Callable[[tarfile.TarInfo, bytes | None], Members]:
    def change(info: tarfile.TarInfo, data: bytes | None) -> Members:
        if info.name != "manifest.json":
            return [(info, data)]
        return [(info, data), (tarfile.TarInfo(name), b"boese")]

    return change


def _as_link(kind: bytes) -> Callable[[tarfile.TarInfo, bytes | None], Members]:
    def change(info: tarfile.TarInfo, data: bytes | None) -> Members:
        if info.name != "files/notiz.txt":
            return [(info, data)]
        link = tarfile.TarInfo(info.name)
        link.type, link.linkname = kind, "/etc/passwd"
        return [(link, None)]

    return change


def _listing(path: str) -> Callable[[dict[str, Any]], None]:
    def edit(body: dict[str, Any]) -> None:
        body["files"][0]["path"] = path

    return edit


def _rename_member(old: str, new: str) -> Callable[[tarfile.TarInfo, bytes | None], Members]:
    def change(info: tarfile.TarInfo, data: bytes | None) -> Members:
        if info.name == old:
            info.name = new
        return [(info, data)]

    return change


def _plain_tar(_archive: Path, out: Path) -> Path:
    with tarfile.open(out, "w:gz") as tar:
        info = tarfile.TarInfo("etc/cron.d/evil")
        info.size = 5
        tar.addfile(info, io.BytesIO(b"boese"))
    return out


def _manifest_byte(archive: Path, out: Path) -> Path:
    def change(info: tarfile.TarInfo, data: bytes | None) -> Members:
        if info.name == "manifest.json" and data:
            return [(info, data.replace(b'"rows": 1', b'"rows": 2', 1))]
        return [(info, data)]

    return rewrite(archive, out, change)


HOSTILE: dict[str, tuple[Callable[[Path, Path], Path], str]] = {
    "member climbing out": (
        lambda a, o: rewrite(a, o, _extra_member("../../../evil.txt")),
        "nicht im Manifest",
    ),
    "member with an absolute path": (
        lambda a, o: rewrite(a, o, _extra_member("/tmp/evil.txt")),
        "nicht im Manifest",
    ),
    "listed path climbing out": (
        lambda a, o: rewrite(
            with_manifest(a, o.with_suffix(".m.gz"), _listing("../../evil.txt")),
            o,
            _rename_member("files/notiz.txt", "files/../../evil.txt"),
        ),
        "unzulässigen Dateipfad",
    ),
    "listed absolute path": (
        lambda a, o: with_manifest(a, o, _listing("/etc/evil")),
        "unzulässigen Dateipfad",
    ),
    "symbolic link": (lambda a, o: rewrite(a, o, _as_link(tarfile.SYMTYPE)), "Verknüpfung"),
    "hard link": (lambda a, o: rewrite(a, o, _as_link(tarfile.LNKTYPE)), "Verknüpfung"),
    "path of the job store": (
        lambda a, o: rewrite(
            with_manifest(a, o.with_suffix(".m.gz"), _listing("jobs.sqlite3")),
            o,
            _rename_member("files/notiz.txt", "files/jobs.sqlite3"),
        ),
        "vorbehalten",
    ),
    "tar without manifest": (_plain_tar, "kein Domstadt-Backup"),
    "changed manifest": (_manifest_byte, "Prüfsumme des Manifests"),
    "not an archive": (lambda a, o: o.write_bytes(os.urandom(5000)) and o, "beschädigt"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_archives_are_refused_before_anything_is_written(
    archive: Path, tmp_path: Path, case: str
) -> None:
    make, message = HOSTILE[case]
    hostile = make(archive, tmp_path / "boese.tar.gz")
    target = sqlite_installation(tmp_path / "a" / "b" / "c" / "data")
    result = invoke(target, "backup", "restore", "--force", str(hostile))
    assert result.code == 1
    assert message in " ".join(result.stderr.split())
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".gz"]
    assert written == []
    assert not Path("/tmp/evil.txt").exists()
    assert not leftovers(tmp_path)


# --- who may ---------------------------------------------------------------------------


def test_only_operators_and_admins_may_touch_backups(settings: Settings) -> None:
    editor = Actor(user_id=7, email="e@example.org", role=Role.EDITOR, via="session")
    with pytest.raises(Forbidden):
        backup_service.backup_list(actor=editor, settings=settings)
    admin = Actor(user_id=8, email="a@example.org", role=Role.ADMIN, via="session")
    assert backup_service.backup_list(actor=admin, settings=settings) == []
    assert backup_service.backup_list(actor=system_actor(), settings=settings) == []


# --- checksums -------------------------------------------------------------------------

ROWS = [
    {
        "id": n,
        "at": dt.datetime(2026, 1, 2, 3, 4, 5, n * 1000, tzinfo=dt.UTC),
        "actor_id": None,
        "actor_label": f"Prüferin {n}",
        "action": "test.write",
        "entity_type": "thing",
        "entity_id": str(n),
        "before": None if n % 2 else {"b": [1.5, "ä"], "a": n},
        "after": {"nested": {"z": True, "y": None}, "zahl": 10**n},
    }
    for n in range(1, 6)
]
EXPECTED = "5352771041c18040df7b82a339f4c767c093c47f85a365d539cb97bb9fda0c99"


def _checksum(db: Database, rows: list[dict[str, Any]]) -> tuple[int, str]:
    with db.engine.begin() as conn:
        conn.execute(insert(AuditEntry.__table__), rows)  # type: ignore[arg-type]
    with db.engine.connect() as conn:
        [table] = reflect(conn, ["audit_entry"])
        found = table_sum(conn, table)
    return found.rows, found.checksum


def test_table_checksums_are_the_same_on_both_engines(db: Database) -> None:
    assert _checksum(db, ROWS) == (5, EXPECTED)


def test_table_checksums_ignore_row_order_and_see_every_value(db: Database) -> None:
    reordered = _checksum(db, list(reversed(ROWS)))
    assert reordered == (5, EXPECTED)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE audit_entry SET actor_label = 'Prüferin 0' WHERE id = 3")
    with db.engine.connect() as conn:
        [table] = reflect(conn, ["audit_entry"])
        assert table_sum(conn, table).checksum != EXPECTED


def test_canonical_rows_are_engine_independent() -> None:
    import decimal

    naive = dt.datetime(2026, 5, 1, 12, 0)
    aware = dt.datetime(2026, 5, 1, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert canonical_row((naive,)) == canonical_row((aware.astimezone(dt.UTC),))
    assert canonical_row((decimal.Decimal("12.50"),)) == canonical_row((decimal.Decimal("12.5"),))
    assert canonical_row((b"\x00\xff",)) == canonical_row((memoryview(b"\x00\xff"),))
    assert canonical_row((2**70,)) == b"[1180591620717411303424]"
