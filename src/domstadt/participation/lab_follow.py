"""What followers of a lab session or UX test see (kind ``lab_session``): its date, place,
seats or title changed (``lab.update``) and the session called off (``lab.cancel``), read
from the audit log. Registered by ``follow`` into the subscriptions' registry, so the digest
(e-mail) and webhooks carry them like the changes of an event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from domstadt.core.audit import AuditEntry
from domstadt.participation.audit_follow import AuditFollowable
from domstadt.participation.labs.models import LabSession
from domstadt.subscriptions.followables import FollowChange, FollowTarget

FIELDS_DE = {"title": "Titel", "starts_at": "Beginn", "place": "Ort", "capacity": "Plätze"}
"""The public facts of a session whose change followers are told, with their German name."""


class LabSessionFollowable(AuditFollowable):
    """A lab session: changes of title, start, place or seats; cancellation."""

    kind = "lab_session"
    label = "Labortermin"

    def target(self, session: Session, target_id: int) -> FollowTarget | None:
        """The session unless moderators hid it."""
        row = session.get(LabSession, target_id)
        if row is None or row.hidden_at is not None:
            return None
        path, api = f"/labore/{row.id}", f"/api/v1/ux-tests/{row.id}"
        return FollowTarget(self.kind, row.id, row.title, path, api)

    def changes(
        self, session: Session, target_id: int, since: dt.datetime, until: dt.datetime
    ) -> list[FollowChange]:
        """Edits of the public facts and the cancellation, oldest first."""
        if self.target(session, target_id) is None:
            return []
        path = f"/labore/{target_id}"
        entries = self._audit(
            session,
            "lab_session",
            [str(target_id)],
            ("lab.update", "lab.cancel"),
            (since, until),
        )
        found = []
        for entry in entries:
            change = self._cancel(entry, path) if entry.action == "lab.cancel" else None
            found.append(change or self._edit(entry, path))
        return [c for c in found if c is not None]

    def _cancel(self, entry: AuditEntry, path: str) -> FollowChange:
        reason = str((entry.after or {}).get("reason", ""))
        return FollowChange(
            at=entry.at,
            event="lab_session.cancelled",
            text=f"Der Labortermin wurde abgesagt. Grund: {reason}",
            path=path,
            changes=[{"field": "status", "before": "planned", "after": "cancelled"}],
            data={"reason": reason},
        )

    def _edit(self, entry: AuditEntry, path: str) -> FollowChange | None:
        moved = self.changed_fields(entry, FIELDS_DE)
        if not moved:
            return None
        text = "; ".join(
            f"{FIELDS_DE[c['field']]}: {self._shown(c['field'], c['before'])} → "
            f"{self._shown(c['field'], c['after'])}"
            for c in moved
        )
        return FollowChange(
            at=entry.at,
            event="lab_session.changed",
            text=f"Geändert – {text}.",
            path=path,
            changes=moved,
        )

    def _shown(self, field: str, value: Any) -> str:
        if field == "starts_at":
            when = self._date(value)
            return f"{self._local(when)} (Kölner Zeit)" if when else "–"
        if field == "capacity":
            return "ohne Begrenzung" if value is None else str(value)
        return str(value) if value else "–"
