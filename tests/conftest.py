"""Shared fixtures: a migrated database per test on SQLite and, when
``DOMSTADT_TEST_DATABASE_URL`` is set, on PostgreSQL too; an app client; account factories."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text
from starlette.testclient import TestClient

from domstadt.core.auth import passwords
from domstadt.core.auth import service as auth
from domstadt.core.auth.models import Role
from domstadt.core.auth.permissions import Actor, system_actor
from domstadt.core.auth.schemas import UserCreate, UserPublic
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.core.migrate import upgrade
from tests import parallel

pytest_plugins = ["tests.browser_fixtures", "tests.demo_snapshot"]

parallel.isolate_worker()  # before any test module reads the test variables

PG_URL = os.environ.get("DOMSTADT_TEST_DATABASE_URL", "")
# Tests that fire many requests must not meet the API rate limits; tests of the limits set
# their own (tests/web/test_rate_limits.py).
for _rate in ("DOMSTADT_RATE_LIMIT_ANONYMOUS", "DOMSTADT_RATE_LIMIT_TOKEN"):
    os.environ.setdefault(_rate, "1000000/minute")
PASSWORD = "correct horse battery staple"
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"

# Accounts made in this process hash their passwords with argon2id at its cheapest, as
# Django's documentation advises for test suites: a hash at the production cost takes about
# 150 ms and the suite makes thousands of accounts. Servers the tests start in their own
# processes keep the production cost, which tests/core/test_password_cost.py checks.
passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
passwords._DUMMY_HASH = passwords._hasher.hash("domstadt-dummy-password-for-equal-timing")

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not PG_URL, reason="DOMSTADT_TEST_DATABASE_URL not set: PostgreSQL variant skipped"
        ),
    ),
]


@pytest.hookimpl(tryfirst=True)  # the groups must be set before pytest-xdist's hook reads them
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    parallel.group_shared_tests(items)


def pytest_collection_finish(session: pytest.Session) -> None:
    parallel.check_groups_honoured(session)


def pytest_runtest_setup(item: pytest.Item) -> None:
    parallel.refuse_when_groups_lost()


def pytest_sessionfinish(session: pytest.Session) -> None:
    parallel.drop_worker_database()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy (fast, fully isolated)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture(scope="session")
def pg_database() -> Iterator[Database]:
    """The PostgreSQL test database, reset and migrated once per run."""
    db = Database(PG_URL)
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    upgrade(db)
    yield db
    db.dispose()


def _truncate_all(db: Database) -> None:
    """Empty every table of the PostgreSQL test database and restart its sequences.

    Only the tables that hold rows are emptied, by DELETE with foreign-key triggers off
    (``session_replication_role = replica``, all of them go anyway): a TRUNCATE of all 100+
    tables after every test cost 0.5–5 s, this costs a few ms. A role that may not switch
    triggers off gets the TRUNCATE. The schema bookkeeping (``alembic_version``,
    ``schema_policy``) and tables of extensions (PostGIS's ``spatial_ref_sys``) stay."""
    with db.engine.begin() as conn:
        names = (
            conn.execute(
                text(
                    "SELECT quote_ident(c.relname) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') "
                    "AND c.relname NOT IN ('alembic_version', 'schema_policy') AND NOT EXISTS ("
                    "SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')"
                )
            )
            .scalars()
            .all()
        )
        if not names:
            return
        probe = " UNION ALL ".join(f"SELECT '{n}' WHERE EXISTS (SELECT 1 FROM {n})" for n in names)
        full = conn.execute(text(probe)).scalars().all()
        superuser = conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
        if not superuser.scalar():
            conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
            return
        if full:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for name in full:
                conn.execute(text(f"DELETE FROM {name}"))
        conn.execute(
            text(
                "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, "
                "start_value, false) FROM pg_sequences "
                "WHERE schemaname = 'public' AND last_value IS NOT NULL"
            )
        )


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "test.sqlite3"
        shutil.copyfile(template, target)
        database = Database(f"sqlite:///{target}")
        yield database
        database.dispose()
        return
    database = request.getfixturevalue("pg_database")
    yield database
    _truncate_all(database)


@pytest.fixture
def settings(db: Database, tmp_path: Path) -> Settings:
    """Test settings pointing at the test database."""
    return Settings(
        environment="test", data_dir=tmp_path / "data", database_url=db.url, secret_key=TEST_SECRET
    )  # type: ignore[arg-type]


@pytest.fixture
def cli_env(db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """The environment a `domstadt` command reads, pointing at the test database (the
    settings cache is cleared before and after, so no other test sees it)."""
    from domstadt.core import config

    monkeypatch.setenv("DOMSTADT_DATABASE_URL", db.url)
    monkeypatch.setenv("DOMSTADT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DOMSTADT_SECRET_KEY", TEST_SECRET)
    config.get_settings.cache_clear()
    yield
    config.get_settings.cache_clear()


@pytest.fixture
def client(settings: Settings, db: Database) -> Iterator[TestClient]:
    """An in-process HTTP client for the app."""
    from domstadt.web.app import create_app

    with TestClient(create_app(settings, db), base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
def system() -> Actor:
    """The operator actor used by the CLI."""
    return system_actor("tests")


def make_user(
    db: Database,
    email: str,
    role: Role = Role.MEMBER,
    department_code: str | None = None,
    name: str | None = None,
) -> UserPublic:
    """Create an account through the service layer."""
    with db.session() as session:
        return auth.user_create(
            session,
            actor=system_actor("tests"),
            data=UserCreate(
                email=email,
                name=name or email.split("@")[0].title(),
                role=role,
                password=PASSWORD,
                department_code=department_code,
            ),
        )


def make_token(db: Database, email: str) -> str:
    """Create an API token for ``email`` and return its secret."""
    with db.session() as session:
        return auth.token_create(
            session, actor=system_actor("tests"), name="test", email=email
        ).token


def login(client: TestClient, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real form (with its CSRF token)."""
    page = client.get("/login")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def csrf_of(client: TestClient, path: str = "/") -> str:
    """The CSRF token embedded in a rendered page."""
    page = client.get(path)
    return page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
