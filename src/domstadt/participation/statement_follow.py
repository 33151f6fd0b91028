"""What followers of a problem statement see (kind ``problem_statement``): the pitch deadline
passing and the jury's ranking appearing (by the clock), schedule changes, the pitch event
being set up, and the pitches the department selected. Registered by ``follow`` into the
subscriptions' registry; changes are read from the audit log and the rows' own dates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core.audit import AuditEntry
from domstadt.participation.audit_follow import AuditFollowable
from domstadt.participation.events.models import Event
from domstadt.participation.moderation.hidden import hidden_ids
from domstadt.participation.pitches.models import Pitch, PitchStatus, ProblemStatement
from domstadt.subscriptions.followables import FollowChange, FollowTarget

DATE_DE = {"deadline": "Einreichungsfrist", "review_ends": "Ende der Jury-Bewertung"}
CLOCK_DE = {
    "deadline": "Die Einreichungsfrist ist abgelaufen; die Jury bewertet jetzt die Pitches.",
    "review_ends": "Die Jurywertung ist veröffentlicht.",
}


class ProblemStatementFollowable(AuditFollowable):
    """A problem statement: deadline and review passing, schedule, pitch event, selections."""

    kind = "problem_statement"
    label = "Fragestellung"

    def target(self, session: Session, target_id: int) -> FollowTarget | None:
        """The statement (statements are public)."""
        row = session.get(ProblemStatement, target_id)
        if row is None:
            return None
        path, api = f"/fragestellungen/{row.id}", f"/api/v1/problem-statements/{row.id}"
        return FollowTarget(self.kind, row.id, row.title, path, api)

    def changes(
        self, session: Session, target_id: int, since: dt.datetime, until: dt.datetime
    ) -> list[FollowChange]:
        """Dates passing, edits of the schedule, the pitch event and selected pitches."""
        row = session.get(ProblemStatement, target_id)
        if row is None:
            return []
        path = f"/fragestellungen/{row.id}"
        found = [
            FollowChange(
                at=getattr(row, name),
                event=f"problem_statement.{name}",
                text=text,
                path=path,
                changes=[{"field": "phase", "before": None, "after": name}],
            )
            for name, text in CLOCK_DE.items()
            if since < getattr(row, name) <= until
        ]
        entries = self._audit(
            session,
            "problem_statement",
            [str(row.id)],
            ("problem_statement.update", "problem_statement.pitch_event"),
            (since, until),
        )
        for entry in entries:
            change = self._edit(session, entry, path)
            if change is not None:
                found.append(change)
        found += self._selected(session, row, (since, until))
        return sorted(found, key=lambda c: c.at)

    def _edit(self, session: Session, entry: AuditEntry, path: str) -> FollowChange | None:
        after = entry.after or {}
        if entry.action == "problem_statement.pitch_event":
            event = session.get(Event, after.get("event_id") or 0)
            if event is None or event.hidden_at is not None:
                return None
            return FollowChange(
                at=entry.at,
                event="problem_statement.pitch_event",
                text=f"Pitch-Event angesetzt: »{event.title}« am {self._local(event.starts_at)} "
                "(Kölner Zeit).",
                path=f"/veranstaltungen/{event.id}",
                data={"event": {"id": event.id, "title": event.title}},
            )
        moved = self.changed_fields(entry, DATE_DE)
        if not moved:
            return None
        schedule = "; ".join(
            f"{DATE_DE[c['field']]}: {self._local(self._date(c['after']) or entry.at)}"
            for c in moved
        )
        return FollowChange(
            at=entry.at,
            event="problem_statement.schedule",
            text=f"Zeitplan geändert – {schedule}.",
            path=path,
            changes=moved,
        )

    def _selected(
        self, session: Session, row: ProblemStatement, window: tuple[dt.datetime, dt.datetime]
    ) -> list[FollowChange]:
        pitches = {
            str(p.id): p for p in session.scalars(select(Pitch).where(Pitch.statement_id == row.id))
        }
        hidden = hidden_ids(session, "pitch", [int(i) for i in pitches])
        found = []
        for entry in self._audit(session, "pitch", list(pitches), ("pitch.decide",), window):
            pitch = pitches[entry.entity_id]
            if (entry.after or {}).get("status") != PitchStatus.SELECTED or pitch.id in hidden:
                continue
            found.append(
                FollowChange(
                    at=entry.at,
                    event="problem_statement.selected",
                    text=f"Ausgewählt: »{pitch.title}« von {pitch.organisation_name}.",
                    path=f"/fragestellungen/{row.id}",
                    changes=[
                        {
                            "field": "pitch_status",
                            "before": (entry.before or {}).get("status"),
                            "after": PitchStatus.SELECTED.value,
                        }
                    ],
                    data={"pitch": {"id": pitch.id, "title": pitch.title}},
                )
            )
        return found
