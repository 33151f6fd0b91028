"""Fixtures of the fuzz stage: a seeded database and the bounds every fuzzer runs with."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings
from starlette.testclient import TestClient

from domstadt.core.config import Settings
from domstadt.core.db import Database
from tests.fuzz.seed import Seeded, seed

# The recorded seed and bounds (docs/testing.md); scripts/fuzz.py raises them for long runs.
FUZZ_SEED = int(os.environ.get("DOMSTADT_FUZZ_SEED", "20261205"))
FUZZ_EXAMPLES = int(os.environ.get("DOMSTADT_FUZZ_EXAMPLES", "25"))

FUZZ_SETTINGS = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=False,
    database=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)


@pytest.fixture
def seeded(db: Database, settings: Settings, client: TestClient) -> Seeded:
    """The fuzz database (see ``tests/fuzz/seed.py``)."""
    return seed(db, settings, client)


def report(failures: dict[str, BaseException]) -> str:
    """One paragraph per failing target, with the seed that reproduces it."""
    parts = [f"{len(failures)} fuzz target(s) failed (DOMSTADT_FUZZ_SEED={FUZZ_SEED}):"]
    parts += [f"--- {label}\n{exc}" for label, exc in failures.items()]
    return "\n".join(parts)
