"""What the followable kinds read from the audit log share: the audit window query ``follow``
hands them, Cologne's local time, and the list of public fields an edit changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy.orm import Session

from domstadt.core.audit import AuditEntry

AuditWindow = Callable[
    [Session, str, list[str], tuple[str, ...], tuple[dt.datetime, dt.datetime]], list[AuditEntry]
]
"""``follow._audit``: a target's audit entries of some actions within a time window."""


class AuditFollowable:
    """Base of a followable kind whose changes come from the audit log."""

    def __init__(
        self,
        audit_entries: AuditWindow,
        local: Callable[[dt.datetime], str],
        parse_date: Callable[[Any], dt.datetime | None],
    ) -> None:
        """Takes the helpers ``follow`` shares with its kinds: the audit window query, a time
        in Cologne (``12.03.2027 18:00``) and an ISO date of an audit entry."""
        self._audit, self._local, self._date = audit_entries, local, parse_date

    @staticmethod
    def changed_fields(entry: AuditEntry, names: Iterable[str]) -> list[dict[str, Any]]:
        """``{"field", "before", "after"}`` for each of ``names`` the audited edit changed."""
        before, after = entry.before or {}, entry.after or {}
        return [
            {"field": n, "before": before.get(n), "after": after.get(n)}
            for n in names
            if before.get(n) != after.get(n)
        ]
