"""Domain errors: each knows its HTTP status and carries a message a person can act on.

``web/errors.py`` maps them to HTTP once; standard APIs wrap them in their own envelopes.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    status_code = 400
    code = "error"

    def __init__(self, message: str, *, field: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        """The error as JSON-ready data (no stack trace, no internals)."""
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            out["field"] = self.field
        if self.details is not None:
            out["details"] = self.details
        return out


class Invalid(DomainError):
    """Input breaks a rule; ``field`` names what to fix."""

    status_code = 422
    code = "invalid"


class InvalidFields(Invalid):
    """Several inputs break rules at once (a form): ``errors`` holds one :class:`Invalid` per
    problem, each naming its field, so a page can show all of them next to their fields."""

    def __init__(self, errors: list[Invalid]) -> None:
        count = len(errors)
        message = (
            errors[0].message
            if count == 1
            else f"{count} Angaben sind zu korrigieren: " + " ".join(e.message for e in errors)
        )
        super().__init__(
            message,
            field=errors[0].field if errors else None,
            details=[e.to_dict() for e in errors],
        )
        self.errors = errors


class Problems:
    """Collects the :class:`Invalid` errors of one form instead of stopping at the first."""

    def __init__(self) -> None:
        self.items: list[Invalid] = []

    def take(self, default: T, parse: Callable[..., T], *args: Any) -> T:
        """``parse(*args)``, or ``default`` with the error noted."""
        try:
            return parse(*args)
        except InvalidFields as exc:
            self.items.extend(exc.errors)
        except Invalid as exc:
            self.items.append(exc)
        return default

    def raise_any(self) -> None:
        """Raise every noted problem at once."""
        if self.items:
            raise InvalidFields(self.items)


class NotFound(DomainError):
    """The entity does not exist (or the actor may not know it exists)."""

    status_code = 404
    code = "not_found"


class Forbidden(DomainError):
    """The actor is known but lacks the permission."""

    status_code = 403
    code = "forbidden"


class Unauthenticated(DomainError):
    """No valid session or token was given."""

    status_code = 401
    code = "unauthenticated"


class Conflict(DomainError):
    """The write clashes with existing data (duplicate key, stale version, cycle)."""

    status_code = 409
    code = "conflict"


class TooManyRequests(DomainError):
    """Rate or brute-force limit reached; retry later."""

    status_code = 429
    code = "too_many_requests"


class Unavailable(DomainError):
    """A shared resource (database lock, connection pool, DataStore slots) is busy or down;
    nothing was written, and the same request may succeed after ``retry_after`` seconds."""

    status_code = 503
    code = "unavailable"

    def __init__(self, message: str, *, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class InsufficientStorage(DomainError):
    """The server's disk (or its file size limit or quota) is exhausted; what was being
    written was removed again."""

    status_code = 507
    code = "insufficient_storage"


DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})


def is_disk_full(exc: BaseException) -> bool:
    """True when ``exc`` is a write refused for lack of space, quota or file size limit."""
    return isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS
