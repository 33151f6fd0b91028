"""Fixtures of the ecosystem tests: ``db`` is a database with the demo departments, people,
masterplan and ecosystem loaded through the services (as ``domstadt demo load`` does).

Loading takes half a minute on a small machine, so it happens once: into a SQLite template
that each test copies, and on PostgreSQL once per test module (emptied after the module)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.demo import core, ecosystem, masterplan
from tests.conftest import BACKENDS, _truncate_all


def load_demo(db: Database) -> None:
    """The demo steps the directory builds on, then the ecosystem's own."""
    actor = system_actor("demo")
    for step in (core.load, masterplan.load, ecosystem.load):
        with db.session() as session:
            step(session, actor)


@pytest.fixture(scope="session")
def demo_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the demo loaded."""
    path = tmp_path_factory.mktemp("ecosystem") / "demo.sqlite3"
    shutil.copyfile(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    load_demo(db)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture(scope="module")
def pg_demo(request: pytest.FixtureRequest) -> Iterator[Database]:
    """The PostgreSQL test database with the demo, emptied after the module."""
    database: Database = request.getfixturevalue("pg_database")
    load_demo(database)
    yield database
    _truncate_all(database)


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The demo database on each backend (overrides the empty one of tests/conftest.py)."""
    if request.param == "sqlite":
        target = tmp_path / "demo.sqlite3"
        shutil.copyfile(request.getfixturevalue("demo_template"), target)
        database = Database(f"sqlite:///{target}")
        yield database
        database.dispose()
        return
    yield request.getfixturevalue("pg_demo")


@pytest.fixture
def demo(db: Database) -> Database:
    """The demo database (a name for what the tests read)."""
    return db
