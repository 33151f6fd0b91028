"""A pytest plugin loaded (``-p``) into the PREVIOUS release's test run by
tests/core/test_cross_release.py; copied beside that release's code, never collected here.

Its test databases are migrated by the NEW release's code (``upgrade`` runs the new
``domstadt.core.migrate.upgrade`` in a subprocess), as during a rolling release, where the new
release migrates and the old one keeps serving. A previous release that predates the migration
policy (its ``ensure_migrated`` refuses any newer schema) gets the new ``ensure_migrated``,
reading the previous release's own revision files: the rule every release from now on carries.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from domstadt.core import migrate as old_migrate

NEW_SRC = Path(os.environ["DOMSTADT_CROSS_RELEASE_NEW_SRC"])
NEW_HEAD = os.environ["DOMSTADT_CROSS_RELEASE_NEW_HEAD"]
LOG = Path(os.environ["DOMSTADT_CROSS_RELEASE_LOG"])
MIGRATE = """
import sys
from domstadt.core.db import Database
from domstadt.core.migrate import current_revision, upgrade
db = Database(sys.argv[1])
upgrade(db)
print(current_revision(db))
"""


def upgrade_with_new_code(db: Any, revision: str = "head") -> None:
    """Migrate ``db`` to the new release's head with the new release's code."""
    assert revision == "head", f"the previous release asked for revision {revision}"
    env = {**os.environ, "PYTHONPATH": str(NEW_SRC)}
    done = subprocess.run(
        [sys.executable, "-c", MIGRATE, db.url],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    reached = done.stdout.strip().splitlines()[-1]
    assert reached == NEW_HEAD, f"migrated to {reached}, not {NEW_HEAD}"
    if db.url.startswith("postgresql"):
        RECORDED[:] = _policy_rows(db.url)
    with LOG.open("a", encoding="utf-8") as log:
        log.write(f"{db.url.split(':', 1)[0].split('+')[0]} {reached}\n")


RECORDED: list[tuple[Any, ...]] = []
"""The schema_policy row the new release wrote into the PostgreSQL test database."""


def _policy_rows(url: str, restore: bool = False) -> list[tuple[Any, ...]]:
    """The schema_policy rows at ``url``; with ``restore``, put RECORDED back when empty."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.begin() as conn:
            rows = [tuple(r) for r in conn.execute(text("SELECT * FROM schema_policy"))]
            if restore and not rows:
                insert = "INSERT INTO schema_policy VALUES (:a, :b, :c)"
                conn.execute(text(insert), dict(zip("abc", RECORDED[0], strict=True)))
            return rows
    finally:
        engine.dispose()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Put back the schema_policy row (which a running installation keeps) that the previous
    release's test fixture empties with every other table after each PostgreSQL test."""
    url = os.environ.get("DOMSTADT_TEST_DATABASE_URL", "")
    if url and RECORDED and "[postgresql]" in item.nodeid:
        _policy_rows(url, restore=True)


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


old_migrate.upgrade = upgrade_with_new_code  # type: ignore[assignment]
if not hasattr(old_migrate, "schema_status"):  # the previous release predates the policy
    _load("domstadt.core.migration_policy", NEW_SRC / "domstadt/core/migration_policy.py")
    policy = _load("domstadt_new_migrate", NEW_SRC / "domstadt/core/migrate.py")
    old_migrate.ensure_migrated = policy.ensure_migrated  # type: ignore[assignment]
