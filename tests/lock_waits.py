"""Waiting until another session of the test database waits for a lock (PostgreSQL): how a
test knows that a concurrent request really blocks, instead of sleeping and hoping."""

from __future__ import annotations

import time
from concurrent.futures import Future
from typing import Any

from sqlalchemy import text

from domstadt.core.db import Database

WAITING = text(
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
)
"""Sessions of this test database waiting for a lock."""


def until_waiting(db: Database, pending: Future[Any], seconds: float = 20) -> None:
    """Return once a session waits for a lock; fail when ``pending`` (the work that should
    block) finishes first, or after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        with db.engine.connect() as conn:  # a fresh snapshot of pg_stat_activity each time
            if conn.execute(WAITING).scalar():
                return
        assert not pending.done(), f"it did not wait for the lock: {pending.exception()!r}"
        assert time.monotonic() < deadline, "nothing waited for a lock"
        time.sleep(0.01)
