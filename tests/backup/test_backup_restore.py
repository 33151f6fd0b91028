"""Backups that restore (issue 16): the demo backed up with `domstadt backup create` and
restored into an empty installation comes back table for table and file for file; a
non-empty installation is only replaced with --force; a damaged archive changes nothing.

SQLite gets the whole demo; PostgreSQL a real but smaller load (the demo loaders without the
slow registry, screening and sensor steps) to keep the module near two minutes. The other
cases use a small installation (an account and a few files)."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from domstadt.core.db import Database, normalise_url
from domstadt.core.migrate import upgrade
from tests.backup.support import (
    PG_URL,
    Installation,
    add_person,
    archive_of,
    empty_schema,
    file_digests,
    invoke,
    leftovers,
    pg_database,
    rewrite,
    run,
    sqlite_installation,
    table_fingerprints,
    with_manifest,
)
from tests.demo_snapshot import DemoSnapshot

pytestmark = pytest.mark.slow
needs_pg = pytest.mark.skipif(not PG_URL, reason="DOMSTADT_TEST_DATABASE_URL not set")
SMALL_DEMO = ("core", "masterplan", "feedback", "challenges", "events", "pitches", "reports",
              "catalog", "open_data", "funding")  # fmt: skip


@dataclass(frozen=True)
class Source:
    """An installation with data, its state before the backup, and the backup."""

    inst: Installation
    archive: Path
    tables: dict[str, tuple[int, str]]
    files: dict[str, str]


def _back_up(inst: Installation, *, in_process: bool = False) -> Source:
    tables, files = table_fingerprints(inst.url), file_digests(inst)
    created = invoke(inst, "backup", "create") if in_process else run(inst, "backup", "create")
    return Source(inst, archive_of(created), tables, files)


def _with_data(inst: Installation, email: str = "eigen@example.org") -> None:
    """A migrated installation holding an account and a file of its own."""
    database = Database(inst.url)
    upgrade(database)
    database.dispose()
    add_person(inst.url, email)
    own = inst.data_dir / "catalog" / "files" / "eigen" / "notiz.txt"
    own.parent.mkdir(parents=True)
    own.write_text(f"Datei von {email}", encoding="utf-8")
    (own.parent / "zufall.bin").write_bytes(os.urandom(300_000))


@pytest.fixture(scope="module")
def sqlite_demo(tmp_path_factory: pytest.TempPathFactory, demo_snapshot: DemoSnapshot) -> Source:
    """The whole Cologne demo on SQLite (a copy of the run's installation loaded by `domstadt
    demo load`, tests/demo_snapshot.py), backed up through the CLI."""
    inst = sqlite_installation(tmp_path_factory.mktemp("sqlite-demo"))
    demo_snapshot.copy_installation(inst.data_dir)
    return _back_up(inst)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Source:
    """A small SQLite installation (an account, two files), backed up."""
    inst = sqlite_installation(tmp_path_factory.mktemp("small"))
    _with_data(inst, "quelle@example.org")
    return _back_up(inst, in_process=True)


@pytest.fixture(scope="module")
def pg_target() -> Iterator[str]:
    """A PostgreSQL database to restore into, emptied by each test."""
    if not PG_URL:
        pytest.skip("DOMSTADT_TEST_DATABASE_URL not set")
    with pg_database("bdst") as url:
        yield url


@pytest.fixture(scope="module")
def pg_source(tmp_path_factory: pytest.TempPathFactory, pg_target: str) -> Iterator[Source]:
    """The smaller demo in the session's PostgreSQL test database, backed up through the
    CLI; emptied again afterwards (other modules expect it migrated and empty)."""
    database = Database(PG_URL)
    inst = Installation(tmp_path_factory.mktemp("pg-demo"), PG_URL)
    try:
        empty_schema(PG_URL)
        upgrade(database)
        script = (
            "import domstadt.cli as c\n"
            "from domstadt.core.auth.permissions import system_actor\n"
            "from domstadt.demo.loader import LOADERS\n"
            "with c.database().session() as s:\n"
            "    for name, load in LOADERS:\n"
            f"        if name in {SMALL_DEMO!r}: load(s, system_actor('demo'))\n"
        )
        subprocess.run([sys.executable, "-c", script], env={**os.environ, **inst.env}, check=True)
        yield _back_up(inst)
    finally:
        empty_schema(PG_URL)
        upgrade(database)
        database.dispose()


def _take_restore_entry(url: str) -> None:
    """Assert the restore left exactly one audit entry and remove it, so the rest can be
    compared with the state that was backed up."""
    engine = create_engine(normalise_url(url), poolclass=NullPool)
    with engine.begin() as conn:
        sql = "FROM audit_entry WHERE action = 'backup.restore'"
        assert conn.execute(text(f"SELECT count(*) {sql}")).scalar() == 1
        conn.execute(text(f"DELETE {sql}"))
    engine.dispose()


def _assert_same(source: Source, target: Installation) -> None:
    _take_restore_entry(target.url)
    restored = table_fingerprints(target.url)
    assert set(restored) == set(source.tables)
    differing = [t for t in source.tables if restored[t] != source.tables[t]]
    assert not differing, differing
    assert file_digests(target) == source.files
    assert not leftovers(target.data_dir)


def _state(inst: Installation) -> tuple[object, object]:
    return table_fingerprints(inst.url), file_digests(inst)


def test_the_sqlite_demo_comes_back_whole_in_an_empty_installation(
    sqlite_demo: Source, tmp_path: Path
) -> None:
    archive = sqlite_demo.archive
    assert archive.parent == sqlite_demo.inst.data_dir / "backups"
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # it holds personal data
    assert not leftovers(archive.parent)
    rows = sqlite_demo.tables
    assert rows["sta_observation"][0] > 200_000 and rows["measure"][0] > 20
    assert len(sqlite_demo.files) > 40  # uploads and normalised files, DataStore Parquet
    assert any(name.endswith(".parquet") for name in sqlite_demo.files)

    target = sqlite_installation(tmp_path / "new")
    result = run(target, "backup", "restore", str(archive))
    assert "Wiederhergestellt" in result.stdout
    assert re.search(r"\d+ Tabellen mit \d{1,3}(\.\d{3})+ Zeilen", result.stdout), result.stdout
    _assert_same(sqlite_demo, target)


def test_backups_are_listed_verified_and_audited(sqlite_demo: Source) -> None:
    listed = invoke(sqlite_demo.inst, "backup", "list")
    assert listed.code == 0 and sqlite_demo.archive.name in listed.stdout
    verified = invoke(sqlite_demo.inst, "backup", "verify", str(sqlite_demo.archive))
    assert verified.code == 0 and "In Ordnung" in verified.stdout
    engine = create_engine(sqlite_demo.inst.url, poolclass=NullPool)
    with engine.connect() as conn:
        entry = conn.execute(
            text("SELECT entity_id FROM audit_entry WHERE action = 'backup.create'")
        ).scalar_one()
    engine.dispose()
    assert entry == sqlite_demo.archive.name


def test_a_non_empty_installation_is_replaced_only_with_force(
    small: Source, tmp_path: Path
) -> None:
    target = sqlite_installation(tmp_path / "busy")
    _with_data(target)
    before = _state(target)

    refused = invoke(target, "backup", "restore", str(small.archive))
    assert refused.code == 1
    assert "nicht leer" in refused.stderr and "--force" in refused.stderr
    assert _state(target) == before

    forced = invoke(target, "backup", "restore", "--force", str(small.archive))
    assert forced.code == 0, forced.stderr
    assert "Ersetzt" in forced.stderr
    _assert_same(small, target)
    assert "quelle@example.org" in invoke(target, "user", "list").stdout


def _flip_byte_in_stream(archive: Path, out: Path) -> Path:
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    out.write_bytes(bytes(data))
    return out


def _change_a_data_file(archive: Path, out: Path) -> Path:
    def change(info, data):  # type: ignore[no-untyped-def]
        if info.name == "files/catalog/files/eigen/notiz.txt":
            return [(info, b"X" + data[1:])]
        return [(info, data)]

    return rewrite(archive, out, change)


def _cut_off(archive: Path, out: Path) -> Path:
    out.write_bytes(archive.read_bytes()[: archive.stat().st_size * 2 // 3])
    return out


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_flip_byte_in_stream, "beschädigt"),
        (_change_a_data_file, "Prüfsumme von 'files/catalog/files/eigen/notiz.txt'"),
        (_cut_off, "unvollständig"),
    ],
)
def test_a_damaged_archive_changes_nothing_even_with_force(
    small: Source, tmp_path: Path, damage: object, message: str
) -> None:
    broken = damage(small.archive, tmp_path / "kaputt.tar.gz")  # type: ignore[operator]
    target = sqlite_installation(tmp_path / "busy")
    _with_data(target)
    before = _state(target)

    result = invoke(target, "backup", "restore", "--force", str(broken))
    assert result.code == 1
    flat = " ".join(result.stderr.split())
    assert message in flat and "nichts wiederhergestellt" in flat
    assert _state(target) == before
    assert not leftovers(target.data_dir)
    assert invoke(target, "backup", "verify", str(broken)).code == 1


def test_an_archive_of_a_newer_domstadt_is_refused(small: Source, tmp_path: Path) -> None:
    def newer(body: dict) -> None:  # type: ignore[type-arg]
        body["alembic_revision"] = "0099_zukunft"

    future = with_manifest(small.archive, tmp_path / "neu.tar.gz", newer)
    target = sqlite_installation(tmp_path / "new")
    result = invoke(target, "backup", "restore", str(future))
    assert result.code == 1 and "neueren Version" in result.stderr
    assert not (target.data_dir / "domstadt.sqlite3").exists()


def test_an_older_backup_is_restored_and_then_upgraded(tmp_path: Path) -> None:
    old = sqlite_installation(tmp_path / "old")
    database = Database(old.url)
    upgrade(database, "0031_practices")
    database.dispose()
    archive = archive_of(invoke(old, "backup", "create"))

    target = sqlite_installation(tmp_path / "new")
    restored = invoke(target, "backup", "restore", str(archive))
    assert restored.code == 0, restored.stderr
    assert "domstadt db upgrade" in restored.stdout and "0031_practices" in restored.stdout
    assert invoke(target, "db", "upgrade").code == 0
    current = re.search(r"Datenbank: (\S+); Code: (\S+)", invoke(target, "db", "current").stdout)
    assert current and current[1] == current[2] != "0031_practices"  # at the code's head now


@needs_pg
def test_postgresql_data_comes_back_whole_in_an_empty_database(
    pg_source: Source, pg_target: str, tmp_path: Path
) -> None:
    assert pg_source.tables["funding_programme"][0] > 600
    assert any(name.endswith(".parquet") for name in pg_source.files)
    empty_schema(pg_target)
    target = Installation(tmp_path / "new", pg_target)
    result = run(target, "backup", "restore", str(pg_source.archive))
    assert "Wiederhergestellt" in result.stdout, result.stderr
    _assert_same(pg_source, target)


@needs_pg
def test_postgresql_rolls_back_a_restore_that_fails_inside(
    pg_source: Source, pg_target: str, tmp_path: Path
) -> None:
    """The archive's members are sound but its manifest (sealed again) claims one measure
    more: the row check inside the restore's transaction fails, the old data stays."""

    def one_more(body: dict) -> None:  # type: ignore[type-arg]
        body["tables"]["measure"]["rows"] += 1

    forged = with_manifest(pg_source.archive, tmp_path / "forged.tar.gz", one_more)
    empty_schema(pg_target)
    target = Installation(tmp_path / "busy", pg_target)
    _with_data(target)
    before = _state(target)
    result = invoke(target, "backup", "restore", "--force", str(forged))
    assert result.code == 1
    flat = " ".join(result.stderr.split())
    assert "Tabelle measure" in flat and "unverändert" in flat
    assert _state(target) == before
    assert not leftovers(target.data_dir)


@needs_pg
def test_an_archive_of_the_other_engine_is_refused(
    small: Source, pg_target: str, tmp_path: Path
) -> None:
    empty_schema(pg_target)
    target = Installation(tmp_path / "pg", pg_target)
    result = invoke(target, "backup", "restore", str(small.archive))
    assert result.code == 1 and "sqlite-Datenbank" in result.stderr
