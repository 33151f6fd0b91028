"""Background jobs with huey: a SQLite store under the data directory, Redis when configured.

Domains declare tasks with ``@huey.task()`` / ``@huey.periodic_task()`` on the instance
returned by :func:`get_huey`; ``domstadt worker`` runs the consumer.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from huey import Huey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import delete

from domstadt.core.auth.models import LoginThrottle, SignInSession
from domstadt.core.config import Settings, get_settings
from domstadt.core.db import Database, utcnow


def make_huey(settings: Settings) -> Huey:
    """Redis when ``DOMSTADT_REDIS_URL`` is set, else a SQLite file in the data directory."""
    if settings.redis_url:
        return RedisHuey("domstadt", url=settings.redis_url)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("domstadt", filename=str(settings.data_dir / "jobs.sqlite3"))


@lru_cache(maxsize=1)
def get_huey() -> Huey:
    """The process-wide job queue."""
    return make_huey(get_settings())


def backend_name(queue: Huey) -> str:
    """'redis' or 'sqlite', for logs and health output."""
    return "redis" if isinstance(queue, RedisHuey) else "sqlite"


def purge_login_throttle(database: Database, older_than: dt.timedelta) -> int:
    """Delete sign-in failure counters that are past their window and unlocked."""
    cutoff = utcnow() - older_than
    with database.session() as session:
        result = session.execute(
            delete(LoginThrottle).where(
                LoginThrottle.first_failure_at < cutoff,
                (LoginThrottle.locked_until.is_(None)) | (LoginThrottle.locked_until < utcnow()),
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)


def purge_sign_in_sessions(database: Database, older_than: dt.timedelta) -> int:
    """Delete sign-in sessions that ended (signed out, revoked) or went idle longer ago than
    ``older_than``; live ones stay."""
    cutoff = utcnow() - older_than
    with database.session() as session:
        result = session.execute(
            delete(SignInSession).where(
                (SignInSession.revoked_at < cutoff) | (SignInSession.last_seen_at < cutoff)
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)


huey = get_huey()


@huey.periodic_task(crontab(minute="17"))
def hourly_housekeeping() -> int:
    """Hourly: forget stale sign-in failure counters and sessions that ended a week ago."""
    settings = get_settings()
    database = Database(settings.database_url)
    idle = dt.timedelta(seconds=settings.session_max_age_seconds)
    return purge_login_throttle(database, dt.timedelta(hours=2)) + purge_sign_in_sessions(
        database, max(idle, dt.timedelta(days=7))
    )
