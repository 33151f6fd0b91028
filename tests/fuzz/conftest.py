"""Fixtures of the fuzz stage: a seeded database and the bounds every fuzzer runs with."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from starlette.testclient import TestClient

from domstadt.core.config import Settings
from domstadt.core.db import Database
from tests.conftest import TEST_SECRET
from tests.demo_snapshot import replace_sqlite
from tests.fuzz.seed import Seeded, seed

# The recorded seed and bounds (docs/testing.md); scripts/fuzz.py raises them for long runs.
FUZZ_SEED = int(os.environ.get("DOMSTADT_FUZZ_SEED", "20261205"))
FUZZ_EXAMPLES = int(os.environ.get("DOMSTADT_FUZZ_EXAMPLES", "15"))

FUZZ_SETTINGS = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=False,
    database=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)


@dataclass
class SeededFile:
    """A seeded SQLite file with its data directory (uploaded and DataStore files)."""

    path: Path
    data_dir: Path
    seeded: Seeded


@pytest.fixture(scope="session")
def seeded_sqlite(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> SeededFile:
    """Seed one SQLite database for the whole run (seeding costs seconds; a copy does not)."""
    from domstadt.web.app import create_app

    folder = tmp_path_factory.mktemp("fuzz-seed")
    path = folder / "seeded.sqlite3"
    shutil.copyfile(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    template_settings = Settings(
        environment="test",
        data_dir=folder / "data",
        database_url=database.url,
        secret_key=TEST_SECRET,
    )  # type: ignore[arg-type]
    with TestClient(create_app(template_settings, database)) as template_client:
        made = seed(database, template_settings, template_client)
    with database.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return SeededFile(path, folder / "data", made)


@pytest.fixture
def seeded(
    request: pytest.FixtureRequest, db: Database, settings: Settings, client: TestClient
) -> Seeded:
    """The fuzz database (``tests/fuzz/seed.py``): on SQLite a copy of the session's seeded
    file and data directory, on PostgreSQL seeded for the test."""
    if db.dialect != "sqlite":
        return seed(db, settings, client)
    template: SeededFile = request.getfixturevalue("seeded_sqlite")
    replace_sqlite(db, template.path)
    shutil.copytree(template.data_dir, settings.data_dir, dirs_exist_ok=True)
    return template.seeded


def report(failures: dict[str, BaseException]) -> str:
    """One paragraph per failing target, with the seed that reproduces it."""
    parts = [f"{len(failures)} fuzz target(s) failed (DOMSTADT_FUZZ_SEED={FUZZ_SEED}):"]
    parts += [f"--- {label}\n{exc}" for label, exc in failures.items()]
    return "\n".join(parts)
