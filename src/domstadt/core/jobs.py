"""Background jobs with huey: a SQLite store under the data directory, Redis when configured.

Domains declare tasks with ``@huey.task()`` / ``@huey.periodic_task()`` on the instance
returned by :func:`get_huey`; ``domstadt worker`` runs the consumer.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import redis
from huey import Huey, RedisHuey, SqliteHuey, crontab, signals
from huey.api import PeriodicTask, Task
from sqlalchemy import delete
from sqlalchemy.orm import Session

from domstadt.core.auth.models import LoginThrottle, SignInSession
from domstadt.core.config import Settings, get_settings
from domstadt.core.db import Database, utcnow
from domstadt.core.logs import JOB, REQUEST_ID

log = logging.getLogger("domstadt.jobs")

REDIS_CONNECT_SECONDS = 5.0
"""How long queuing a job waits for Redis to accept the connection before it gives up."""
QUEUE_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, sqlite3.Error)
"""What the job store raises when it does not answer (Redis gone, SQLite file locked)."""

REQUEST_ID_ARGUMENT = "_domstadt_request_id"
"""The keyword a queued job carries its request id in; taken off before the job runs."""


def make_huey(settings: Settings) -> Huey:
    """Redis when ``DOMSTADT_REDIS_URL`` is set, else a SQLite file in the data directory;
    every job queued during a request carries that request's id to the worker."""
    if settings.redis_url:
        pool = redis.ConnectionPool.from_url(
            settings.redis_url, socket_connect_timeout=REDIS_CONNECT_SECONDS
        )
        queue: Huey = RedisHuey("domstadt", connection_pool=pool)
    else:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        queue = SqliteHuey("domstadt", filename=str(settings.data_dir / "jobs.sqlite3"))
    carry_request_ids(queue)
    return queue


def carry_request_ids(queue: Huey) -> None:
    """Hooks of ``queue``: a job queued while a request id is known (web request, or a job
    queuing another or retrying) stores it as an extra keyword argument; the worker takes it
    off before the job runs and sets it, with the job's name, in the logging context, so every
    line the job logs names the request that caused it."""

    @queue.signal(signals.SIGNAL_ENQUEUED)
    def _remember(_signal: str, task: Task) -> None:
        rid = getattr(task, "request_id", None) or REQUEST_ID.get()
        if rid and not isinstance(task, PeriodicTask):
            task.kwargs[REQUEST_ID_ARGUMENT] = rid

    @queue.pre_execute()
    def _enter(task: Task) -> None:
        rid = task.kwargs.pop(REQUEST_ID_ARGUMENT, None)
        task.request_id = rid  # kept for a retry, which queues the task again
        REQUEST_ID.set(rid)
        JOB.set(f"{task.name}:{task.id}")

    @queue.post_execute()
    def _leave(_task: Task, _value: object, _exc: BaseException | None) -> None:
        REQUEST_ID.set(None)
        JOB.set(None)


@contextmanager
def job_database(database_url: str | None = None) -> Iterator[Database]:
    """A database of its own for one job run (the configured one unless ``database_url``
    is given); its engine is disposed afterwards, so a worker keeps no idle pools."""
    database = Database(database_url or get_settings().database_url)
    try:
        yield database
    finally:
        database.dispose()


@contextmanager
def job_session(database_url: str | None = None) -> Iterator[Session]:
    """One session (committed at the end, rolled back on an error) in a database of its own
    for one job run."""
    with job_database(database_url) as database, database.session() as session:
        yield session


@lru_cache(maxsize=1)
def get_huey() -> Huey:
    """The process-wide job queue."""
    return make_huey(get_settings())


def enqueue(task: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
    """Queue ``task(*args, **kwargs)``; False, logged as a warning, when the job store does not
    answer (Redis gone): the caller tells the person the job did not start, and nothing else
    of the request fails."""
    try:
        task(*args, **kwargs)
    except QUEUE_DOWN as exc:
        name = getattr(task, "name", None) or getattr(task, "__name__", "job")
        log.warning("job %s not queued, the job store does not answer: %r", name, exc)
        return False
    return True


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
    idle = dt.timedelta(seconds=get_settings().session_max_age_seconds)
    with job_database() as database:
        return purge_login_throttle(database, dt.timedelta(hours=2)) + purge_sign_in_sessions(
            database, max(idle, dt.timedelta(days=7))
        )
