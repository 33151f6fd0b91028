"""Is this process ready to serve? The database answers, its schema is at the code's head
revision (or ahead of it by expand steps only), and Redis (the job queue) answers when one is
configured. Each check is bounded by a short timeout, so a probe gets its answer even from a
database that hangs."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import anyio
import anyio.to_thread
from sqlalchemy import text

from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.core.db_errors import describe
from domstadt.core.migration_policy import SchemaStatus


@dataclass(frozen=True)
class Check:
    """The outcome of one readiness check: ok, what was found or went wrong, its duration."""

    name: str
    ok: bool
    detail: str
    ms: float

    def as_dict(self) -> dict[str, object]:
        """The check as JSON-ready data."""
        return {"ok": self.ok, "detail": self.detail, "ms": self.ms}


@lru_cache(maxsize=1)
def code_head() -> str | None:
    """The newest migration revision this code knows (read once per process)."""
    from alembic.script import ScriptDirectory

    from domstadt.core.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def database_revision(database: Database) -> str:
    """The revision the database's schema is at (raises when the database does not answer)."""
    with database.engine.connect() as connection:
        return str(connection.execute(text("SELECT version_num FROM alembic_version")).scalar())


async def migrations_check(database: Database, database_check: Check, timeout: float) -> Check:
    """Whether this code can serve on the schema the database check found: at the code's head
    revision, or newer by expand steps only (a rolling release, core/migration_policy.py)."""
    head, found = code_head(), database_check.detail
    if not database_check.ok:
        return Check("migrations", False, "unknown: the database does not answer", 0.0)
    if found == head:
        return Check("migrations", True, f"at head {head}", 0.0)
    from domstadt.core.migrate import schema_status

    verdicts: list[SchemaStatus] = []

    def probe() -> str:
        verdicts.append(schema_status(database))
        return verdicts[0].message

    check = await _timed("migrations", probe, timeout)
    if not check.ok:
        return check
    verdict = verdicts[0]
    if verdict.ok:
        detail = f"schema at {found}, ahead of {head} by expand steps only"
    elif verdict.blocking:
        detail = f"schema at {found} is past contract step {verdict.blocking} ({head} is older)"
    else:
        detail = f"schema at {found}, the code needs {head}: run `domstadt db upgrade`"
    return Check("migrations", verdict.ok, detail, check.ms)


def redis_answers(url: str, timeout: float) -> str:
    """'PONG' when Redis at ``url`` answers a ping within ``timeout`` seconds."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        client.ping()
    finally:
        client.close()
    return "PONG"


async def _timed(name: str, probe: Callable[[], str], timeout: float) -> Check:
    """Run ``probe`` in a thread; a failure or a probe still running after ``timeout`` fails."""
    start = time.perf_counter()
    detail, ok = f"no answer within {timeout:g} s", False
    with anyio.move_on_after(timeout):
        try:
            detail = await anyio.to_thread.run_sync(probe, abandon_on_cancel=True)
            ok = True
        except Exception as exc:  # the reason goes to the operator, never credentials
            detail = describe(exc)
    return Check(name, ok, detail, round((time.perf_counter() - start) * 1000, 1))


async def readiness(settings: Settings, database: Database, timeout: float) -> list[Check]:
    """Every check of this process: database, its schema, Redis when configured."""
    database_check = await _timed("database", lambda: database_revision(database), timeout)
    checks = [database_check, await migrations_check(database, database_check, timeout)]
    if settings.redis_url:
        url = settings.redis_url
        checks.append(await _timed("redis", lambda: redis_answers(url, timeout), timeout))
    return checks
