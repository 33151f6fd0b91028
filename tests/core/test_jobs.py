"""Background jobs run through huey on its SQLite store and, when available, on Redis."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from domstadt.core.auth.models import LoginThrottle
from domstadt.core.config import Settings
from domstadt.core.db import Database, utcnow
from domstadt.core.jobs import backend_name, make_huey, purge_login_throttle

REDIS_URL = os.environ.get("DOMSTADT_TEST_REDIS_URL", "")


@pytest.mark.parametrize(
    "backend",
    [
        "sqlite",
        pytest.param(
            "redis",
            marks=pytest.mark.skipif(
                not REDIS_URL, reason="DOMSTADT_TEST_REDIS_URL not set: Redis job store skipped"
            ),
        ),
    ],
)
def test_enqueued_task_is_executed_by_a_worker(tmp_path: Path, backend: str) -> None:
    settings = Settings(data_dir=tmp_path, redis_url=REDIS_URL if backend == "redis" else "")
    queue = make_huey(settings)
    queue.flush()
    assert backend_name(queue) == backend

    @queue.task()
    def add(a: int, b: int) -> int:
        return a + b

    pending = add(2, 3)
    assert queue.pending_count() == 1
    task = queue.dequeue()
    assert task is not None
    queue.execute(task)
    assert pending.get() == 5
    queue.flush()


def test_purge_forgets_only_stale_unlocked_counters(db: Database) -> None:
    now = utcnow()
    with db.session() as s:
        s.add_all(
            [
                LoginThrottle(
                    key="email:old", failures=2, first_failure_at=now - dt.timedelta(hours=3)
                ),
                LoginThrottle(key="email:new", failures=2, first_failure_at=now),
                LoginThrottle(
                    key="email:locked",
                    failures=5,
                    first_failure_at=now - dt.timedelta(hours=3),
                    locked_until=now + dt.timedelta(minutes=5),
                ),
            ]
        )
    assert purge_login_throttle(db, dt.timedelta(hours=2)) == 1
    with db.session() as s:
        assert {r.key for r in s.query(LoginThrottle)} == {"email:new", "email:locked"}


def test_purge_forgets_only_sessions_that_ended_long_ago(db: Database) -> None:
    from domstadt.core.auth.models import SignInSession
    from domstadt.core.jobs import purge_sign_in_sessions
    from tests.conftest import make_user

    user = make_user(db, "ada@example.org")
    now, long_ago = utcnow(), utcnow() - dt.timedelta(days=8)
    with db.session() as s:
        s.add_all(
            [
                SignInSession(user_id=user.id, key_hash="live", last_seen_at=now),
                SignInSession(user_id=user.id, key_hash="idle", last_seen_at=long_ago),
                SignInSession(
                    user_id=user.id, key_hash="ended", last_seen_at=now, revoked_at=long_ago
                ),
                SignInSession(user_id=user.id, key_hash="just ended", revoked_at=now),
            ]
        )
    assert purge_sign_in_sessions(db, dt.timedelta(days=7)) == 2
    with db.session() as s:
        assert {r.key_hash for r in s.query(SignInSession)} == {"live", "just ended"}
