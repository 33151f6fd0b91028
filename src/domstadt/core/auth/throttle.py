"""Brute-force protection for sign-in, after OWASP's Authentication Cheat Sheet: lock the
source of the guessing, never the account itself, so an attacker cannot lock its owner out.

- **account and client address**: ``DOMSTADT_LOGIN_MAX_FAILURES`` (5) failures within an hour
  lock that pair for ``DOMSTADT_LOGIN_LOCKOUT_SECONDS`` (15 minutes): one source cannot go on
  guessing one account;
- **client address**: ``DOMSTADT_LOGIN_MAX_FAILURES_PER_CLIENT`` (30) failures within an hour,
  over any accounts, lock the address the same way: one source cannot spray passwords;
- **account**: never locked. From ``LOGIN_MAX_FAILURES`` failures on (from any addresses)
  every further attempt on it waits before its password is checked: 1, 2, 4 … at most 10 s
  (``DOMSTADT_LOGIN_SLOWDOWN_SECONDS`` is the first step), success or not, so the wait tells
  nothing. The owner's correct password is accepted from another address, only later.

Counters live in the database, so every web process sees the same state, and are written in
their own transaction (the failed sign-in itself rolls back). Unknown e-mail addresses are
counted like known ones: neither lock nor wait tells which accounts exist. IPv6 addresses
count per /64 network, the range one subscriber gets.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domstadt.core.auth.models import LoginThrottle
from domstadt.core.config import get_settings
from domstadt.core.db import utcnow
from domstadt.core.errors import TooManyRequests

WINDOW = dt.timedelta(hours=1)
MAX_DELAY_SECONDS = 10.0
LOCKED = (
    "Zu viele fehlgeschlagene Anmeldeversuche von Ihrer Adresse. "
    "Bitte versuchen Sie es in {minutes} Minuten erneut."
)


def client_key(address: str) -> str:
    """The counted form of a client address: IPv6 as its /64 network, IPv4 as it is."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@dataclass(frozen=True)
class Attempt:
    """The counter keys of one sign-in attempt."""

    email: str
    client: str

    @classmethod
    def of(cls, email: str, client: str) -> Attempt:
        """The attempt of ``email`` (normalised as stored) from the client address ``client``."""
        return cls(email.strip().lower(), client_key(client))

    @property
    def account(self) -> str:
        """Failures on the account from anywhere: they slow it down, never lock it."""
        return f"account:{self.email}"

    @property
    def pair(self) -> str:
        """Failures on the account from this client: they lock this pair."""
        return f"pair:{self.email}|{self.client}"

    @property
    def source(self) -> str:
        """Failures from this client on any account: they lock the client."""
        return f"client:{self.client}"


def ensure_not_locked(session: Session, attempt: Attempt) -> None:
    """Raise TooManyRequests while the pair or the client address is locked."""
    now = utcnow()
    for key in (attempt.pair, attempt.source):
        row = session.get(LoginThrottle, key)
        if row and row.locked_until and row.locked_until > now:
            minutes = max(1, int((row.locked_until - now).total_seconds() // 60) + 1)
            raise TooManyRequests(LOCKED.format(minutes=minutes))


def delay_seconds(session: Session, attempt: Attempt) -> float:
    """How long this attempt waits before its password is checked (0 for a quiet account)."""
    settings = get_settings()
    row = session.get(LoginThrottle, attempt.account)
    if row is None or utcnow() - row.first_failure_at > WINDOW:
        return 0.0
    return slowdown(row.failures, settings.login_max_failures, settings.login_slowdown_seconds)


def slowdown(failures: int, threshold: int, first_step: float) -> float:
    """``first_step`` doubled for every failure past ``threshold - 1``, at most 10 s."""
    if failures < threshold or first_step <= 0:
        return 0.0
    return min(MAX_DELAY_SECONDS, first_step * 2 ** min(failures - threshold, 16))


def record_failure(session: Session, attempt: Attempt) -> None:
    """Count a failed attempt in its own transaction, so the count survives the caller's
    rollback; lock the pair or the client address once it reaches its maximum."""
    settings = get_settings()
    limits = {
        attempt.account: None,
        attempt.pair: settings.login_max_failures,
        attempt.source: settings.login_max_failures_per_client,
    }
    for _ in range(3):  # a concurrent failure may create the same counter first
        try:
            with Session(session.get_bind()) as own, own.begin():
                for key, limit in limits.items():
                    _count_failure(own, key, limit)
            return
        except IntegrityError:
            continue


def _count_failure(session: Session, key: str, limit: int | None) -> None:
    now = utcnow()
    row = session.get(LoginThrottle, key)
    if row is None or now - row.first_failure_at > WINDOW:
        if row is not None:
            session.delete(row)
            session.flush()
        row = LoginThrottle(key=key, failures=0, first_failure_at=now)
        session.add(row)
    row.failures += 1
    if limit is not None and row.failures >= limit:
        row.locked_until = now + dt.timedelta(seconds=get_settings().login_lockout_seconds)


def clear(session: Session, attempt: Attempt) -> None:
    """After a successful sign-in, forget the account's and this pair's failures (the client
    address keeps its count: signing in to an own account must not reset a sprayer's)."""
    for key in (attempt.account, attempt.pair):
        row = session.get(LoginThrottle, key)
        if row is not None:
            session.delete(row)
