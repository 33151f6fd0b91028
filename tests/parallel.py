"""Running the suite on several cores (pytest-xdist): each worker gets its own PostgreSQL
database (``<name>_gw0``, ``<name>_gw1``, …, created on first use and dropped at the end) and
its own Redis database number, by rewriting the test environment variables before any test
module reads them. Tests that share an outside resource every worker would see (the MQTT
broker, one live demo server for the browser tests) run on one worker (``xdist_group``), and so
do the tests of a module that builds a fixture once per module."""

from __future__ import annotations

import os
import re

import psycopg
import pytest
from sqlalchemy.engine import make_url

SHARED = "shared-broker-and-browser"
"""The group of tests that run one after another on one worker (``--dist loadgroup``)."""
_SHARED_FILES = re.compile(
    r"tests/(e2e/|sensors/test_mqtt|sensors/test_multidatastream_ingest|demo/test_simulate"
    r"|demo/test_console)"
)


def worker_number() -> int | None:
    """0, 1, … under pytest-xdist; None in a plain run."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker.removeprefix("gw")) if worker.startswith("gw") else None


def _admin(url: str) -> psycopg.Connection:
    base = make_url(url).set(drivername="postgresql", database="postgres")
    return psycopg.connect(base.render_as_string(hide_password=False), autocommit=True)


def isolate_worker() -> None:
    """Point this worker's test variables at its own PostgreSQL and Redis databases."""
    number = worker_number()
    if number is None:
        return
    pg = os.environ.get("DOMSTADT_TEST_DATABASE_URL", "")
    if pg:
        url = make_url(pg)
        name = f"{url.database}_gw{number}"
        with _admin(pg) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DOMSTADT_TEST_DATABASE_URL_SHARED"] = pg
        os.environ["DOMSTADT_TEST_DATABASE_URL"] = url.set(database=name).render_as_string(
            hide_password=False
        )
    redis = os.environ.get("DOMSTADT_TEST_REDIS_URL", "")
    if redis:
        url = make_url(redis)
        index = int(url.database or 0) + 1 + number
        os.environ["DOMSTADT_TEST_REDIS_URL"] = url.set(database=str(index)).render_as_string(
            hide_password=False
        )


def drop_worker_database() -> None:
    """Drop this worker's own PostgreSQL database at the end of its session."""
    pg = os.environ.get("DOMSTADT_TEST_DATABASE_URL", "")
    if worker_number() is None or not pg or not os.environ.get("DOMSTADT_TEST_DATABASE_URL_SHARED"):
        return
    with _admin(pg) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{make_url(pg).database}" WITH (FORCE)')


def _uses_module_fixture(item: pytest.Item) -> bool:
    """True when ``item`` uses a fixture built once per module (often a loaded demo)."""
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs.values() if info else ()
    return any(d.scope in ("module", "package") for defs in definitions for d in defs)


def group_shared_tests(items: list[pytest.Item]) -> None:
    """Keep the tests that use the shared broker or a browser on one worker, and the tests of
    a module with a module-wide fixture together (else each worker builds it again). A module
    that names its own ``xdist_group`` keeps it."""
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue  # the module named its group (modules that share a session fixture)
        if item.get_closest_marker("browser") or _SHARED_FILES.search(item.nodeid):
            item.add_marker(pytest.mark.xdist_group(SHARED))
        elif _uses_module_fixture(item):
            item.add_marker(pytest.mark.xdist_group(f"module:{item.nodeid.split('::')[0]}"))


_groups_lost = ""
"""Why this worker cannot run grouped tests (set by ``check_groups_honoured``)."""


def check_groups_honoured(session: pytest.Session) -> None:
    """Notice when pytest-xdist would ignore the groups: it passes a test's group to its
    scheduler as a ``@group`` suffix of the node id, which pytest 9.2 no longer lets it write
    (pytest-xdist#1386; pyproject.toml keeps pytest below 9.2), and which it writes only when
    our hook has marked the tests before its own runs. Unnoticed, the suite still passes, only
    slower (module fixtures built on both workers) and with the shared broker and browser used
    by two workers at once; noticed, every grouped test fails with the reason."""
    global _groups_lost
    if worker_number() is None or not getattr(session.config.option, "loadgroup", False):
        return  # a plain run, or workers without --dist loadgroup: nothing is grouped
    grouped = [i.nodeid for i in session.items if i.get_closest_marker("xdist_group")]
    lost = [nodeid for nodeid in grouped if "@" not in nodeid.rsplit("]", 1)[-1]]
    if lost:
        _groups_lost = (
            f"pytest-xdist ignores the test groups ({len(lost)} tests, e.g. {lost[0]}): "
            "install the pytest and pytest-xdist versions pyproject.toml names "
            "(pytest-xdist#1386), and keep tests/conftest.py's grouping hook first"
        )


def refuse_when_groups_lost() -> None:
    """Fail the test at setup when this worker's groups are lost (``check_groups_honoured``)."""
    if _groups_lost:
        pytest.fail(_groups_lost, pytrace=False)
