"""Limits on mail-sending requests (sign-up, resend, password reset): per address and per
client address within an hour, counted in the ``login_throttle`` table (keys ``mail:…``) in
their own transaction, so a refused request still counts. Keeps the platform from being used
to flood someone's inbox and slows down bulk sign-ups."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domstadt.core.auth.models import LoginThrottle
from domstadt.core.auth.throttle import client_key
from domstadt.core.config import get_settings
from domstadt.core.db import utcnow
from domstadt.core.errors import TooManyRequests

WINDOW = dt.timedelta(hours=1)
TOO_MANY = (
    "Zu viele Anfragen für diese E-Mail-Adresse oder von Ihrer Adresse. "
    "Bitte versuchen Sie es in {minutes} Minuten erneut."
)


def hit(session: Session, *, email: str, client: str) -> None:
    """Count one request; raise TooManyRequests (with ``retry_after``) once the address or the
    client has used up its hourly allowance."""
    settings = get_settings()
    limits = {
        f"mail:address:{email.strip().lower()}": settings.signup_max_per_address,
        f"mail:client:{client_key(client)}": settings.signup_max_per_client,
    }
    for _ in range(3):
        try:
            with Session(session.get_bind()) as own, own.begin():
                waits = [_count(own, key, limit) for key, limit in limits.items()]
            break
        except IntegrityError:
            continue
    else:
        return
    wait = max(waits)
    if wait > 0:
        error = TooManyRequests(TOO_MANY.format(minutes=max(1, -(-wait // 60))))
        error.retry_after = wait  # type: ignore[attr-defined]
        raise error


def _count(session: Session, key: str, limit: int) -> int:
    """Count a request under ``key``; seconds to wait when over ``limit``, else 0."""
    now = utcnow()
    row = session.get(LoginThrottle, key)
    if row is None or now - row.first_failure_at > WINDOW:
        if row is not None:
            session.delete(row)
            session.flush()
        row = LoginThrottle(key=key, failures=0, first_failure_at=now)
        session.add(row)
    row.failures += 1
    if row.failures <= limit:
        return 0
    return max(1, int((row.first_failure_at + WINDOW - now).total_seconds()))
