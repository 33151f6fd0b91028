"""Brute-force protection for sign-in: failures counted per e-mail and per client address.

Counters live in the database so every web process sees the same state. Unknown e-mail
addresses are counted like known ones, so the lock reveals nothing about which accounts exist.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from domstadt.core.auth.models import LoginThrottle
from domstadt.core.config import get_settings
from domstadt.core.db import utcnow
from domstadt.core.errors import TooManyRequests

WINDOW = dt.timedelta(hours=1)


def keys_for(email: str, client: str) -> list[str]:
    """Throttle keys: the normalised e-mail and the client address."""
    return [f"email:{email.strip().lower()}", f"client:{client}"]


def ensure_not_locked(session: Session, keys: list[str]) -> None:
    """Raise TooManyRequests while any key is locked."""
    now = utcnow()
    for key in keys:
        row = session.get(LoginThrottle, key)
        if row and row.locked_until and row.locked_until > now:
            minutes = max(1, int((row.locked_until - now).total_seconds() // 60) + 1)
            raise TooManyRequests(
                "Zu viele fehlgeschlagene Anmeldeversuche. "
                f"Bitte versuchen Sie es in {minutes} Minuten erneut."
            )


def record_failure(session: Session, keys: list[str]) -> None:
    """Count a failed attempt in its own transaction, so the count survives the caller's
    rollback; lock a key once it reaches the configured maximum."""
    with Session(session.get_bind()) as own, own.begin():
        _count_failure(own, keys)


def _count_failure(session: Session, keys: list[str]) -> None:
    settings = get_settings()
    now = utcnow()
    for key in keys:
        row = session.get(LoginThrottle, key)
        if row is None or now - row.first_failure_at > WINDOW:
            if row is not None:
                session.delete(row)
                session.flush()
            row = LoginThrottle(key=key, failures=0, first_failure_at=now)
            session.add(row)
        row.failures += 1
        if row.failures >= settings.login_max_failures:
            row.locked_until = now + dt.timedelta(seconds=settings.login_lockout_seconds)


def clear(session: Session, keys: list[str]) -> None:
    """Forget the failures of the e-mail key after a successful sign-in."""
    row = session.get(LoginThrottle, keys[0])
    if row is not None:
        session.delete(row)
