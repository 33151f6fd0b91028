"""Which database errors mean "busy or down, try again" (503 with ``Retry-After``), not a bug.

A lock or statement timeout, SQLite's write lock held past the busy timeout, an exhausted
connection pool, a refused or lost connection: the request's transaction was rolled back, and
the same request may succeed in a few seconds. Every other error stays what it is (a 500).
"""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from domstadt.core.errors import Unavailable

BUSY = "Die Datenbank ist gerade mit anderen Änderungen beschäftigt"
SLOW = "Die Anfrage hat das Zeitlimit der Datenbank überschritten"
DOWN = "Die Datenbank ist gerade nicht erreichbar"
NOTHING_SAVED = "; nichts wurde gespeichert. Bitte in einigen Sekunden erneut versuchen."

SQLSTATES = {
    "55P03": BUSY,  # lock_not_available (lock_timeout)
    "40001": BUSY,  # serialization_failure
    "40P01": BUSY,  # deadlock_detected
    "57014": SLOW,  # query_canceled (statement_timeout)
    "53300": DOWN,  # too_many_connections
    "57P01": DOWN,  # admin_shutdown
    "57P02": DOWN,  # crash_shutdown
    "57P03": DOWN,  # cannot_connect_now
}
"""PostgreSQL error codes that say "try again"; class 08 (connection exception) too."""


def _reason(exc: BaseException) -> str | None:
    """Which of BUSY, SLOW, DOWN ``exc`` is, or None for any other error."""
    if isinstance(exc, PoolTimeout):
        return DOWN
    if not isinstance(exc, DBAPIError):
        return None
    if exc.connection_invalidated:
        return DOWN
    orig = exc.orig
    if isinstance(orig, sqlite3.OperationalError):
        code = getattr(orig, "sqlite_errorcode", 0) & 0xFF
        return BUSY if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) else None
    sqlstate = getattr(orig, "sqlstate", "") or ""
    if sqlstate in SQLSTATES:
        return SQLSTATES[sqlstate]
    if sqlstate.startswith("08") or (not sqlstate and type(orig).__name__ == "OperationalError"):
        return DOWN  # psycopg: connection refused or lost (no SQLSTATE)
    return None


def unavailable(exc: BaseException, retry_after: int) -> Unavailable | None:
    """The 503 error for a database that is busy or down, or None for any other error."""
    reason = _reason(exc)
    if reason is None:
        return None
    return Unavailable(reason + NOTHING_SAVED, retry_after=retry_after)


def describe(exc: BaseException) -> str:
    """A one-line reason for logs and probes: the driver's first line, without the statement,
    its parameters or the connection URL."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip()
    first = text.splitlines()[0] if text else ""
    return f"{type(orig).__name__}: {first}"[:300]
