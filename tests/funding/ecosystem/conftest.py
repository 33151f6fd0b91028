"""Fixtures of the ecosystem tests: ``db`` is a database with the demo departments, people,
masterplan and ecosystem loaded through the services (as ``domstadt demo load`` does).

Loading takes half a minute on a small machine, so it happens once per run: into a SQLite
template that each test copies, and into a PostgreSQL template database that each test module
gets a copy of (``CREATE DATABASE … TEMPLATE``, dropped after the module). The modules that
use it run on one xdist worker (``pytestmark`` in each), so the demo is loaded once."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.demo import core, ecosystem, masterplan
from tests.conftest import BACKENDS, PG_URL, _truncate_all
from tests.parallel import _admin


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


@pytest.fixture(scope="session")
def pg_demo_template(pg_database: Database) -> Iterator[str]:
    """The name of a PostgreSQL database with the demo loaded (a template for copies)."""
    name = f"{make_url(PG_URL).database}_ecosystem_demo"
    _drop(name)
    pg_database.dispose()  # a template must have no open connections
    with _admin(PG_URL) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(PG_URL).database}"')
    database = Database(_url(name))
    _truncate_all(database)
    load_demo(database)
    database.dispose()
    yield name
    _drop(name)


@pytest.fixture(scope="module")
def pg_demo(pg_demo_template: str) -> Iterator[Database]:
    """A copy of the demo database for this module, dropped after it."""
    name = f"{pg_demo_template}_copy"
    _drop(name)
    with _admin(PG_URL) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{pg_demo_template}"')
    database = Database(_url(name))
    yield database
    database.dispose()
    _drop(name)


def _url(name: str) -> str:
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def _drop(name: str) -> None:
    with _admin(PG_URL) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
