"""What followers of participation see: challenges (phase changes, schedule, results and
winners), events (cancellation, changes of time and place), organisations (their new
public events and submissions), problem statements (``statement_follow``) and lab sessions
(``lab_follow``). Registered
into the subscriptions' registry of followable kinds when imported; changes are read from
the audit log and the rows' own dates. The pages ask ``following`` whether the signed-in
person follows already."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core.audit import AuditEntry
from domstadt.core.auth.models import Organisation
from domstadt.core.auth.permissions import Actor
from domstadt.participation.challenges.models import Challenge, Submission, SubmissionStatus
from domstadt.participation.challenges.phases import Phase, phase_at
from domstadt.participation.events.models import Event
from domstadt.participation.lab_follow import LabSessionFollowable
from domstadt.participation.statement_follow import ProblemStatementFollowable
from domstadt.subscriptions import follow_service
from domstadt.subscriptions.followables import FollowChange, FollowTarget, register

BERLIN = ZoneInfo("Europe/Berlin")
PHASE_DE = {
    Phase.ANNOUNCEMENT: "Ankündigung",
    Phase.SUBMISSION: "Einreichung",
    Phase.REVIEW: "Jury-Bewertung",
    Phase.VOTE: "Öffentliche Abstimmung",
    Phase.RESULTS: "Ergebnisse",
}
RESULT_DE = {
    SubmissionStatus.SHORTLISTED: "in der engeren Wahl",
    SubmissionStatus.FINALIST: "im Finale",
    SubmissionStatus.WINNER: "Gewinner",
}
DATES = ("submission_opens", "review_opens", "vote_opens", "results_at")
DATE_DE = {
    "submission_opens": "Einreichung ab",
    "review_opens": "Einreichungsschluss",
    "vote_opens": "Abstimmung ab",
    "results_at": "Ergebnisse am",
}
EVENT_FIELDS_DE = {
    "title": "Titel",
    "starts_at": "Beginn",
    "ends_at": "Ende",
    "place": "Ort",
    "address": "Adresse",
    "online_url": "Online",
}


def local(at: dt.datetime) -> str:
    """A time as Cologne sees it: ``12.03.2027 18:00``."""
    return at.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M")


def _audit(
    session: Session,
    entity_type: str,
    entity_ids: list[str],
    actions: tuple[str, ...],
    window: tuple[dt.datetime, dt.datetime],
) -> list[AuditEntry]:
    if not entity_ids:
        return []
    return list(
        session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.entity_type == entity_type,
                AuditEntry.entity_id.in_(entity_ids),
                AuditEntry.action.in_(actions),
                AuditEntry.at > window[0],
                AuditEntry.at <= window[1],
            )
            .order_by(AuditEntry.at, AuditEntry.id)
        )
    )


def _date(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _phase_with(dates: dict[str, Any], at: dt.datetime) -> Phase | None:
    parsed = {name: _date(dates.get(name)) for name in DATES}
    if any(v is None for v in parsed.values()):
        return None
    return phase_at(at, **parsed)  # type: ignore[arg-type]


class ChallengeFollowable:
    """A challenge: phases beginning, schedule changes, shortlist, finalists and winners."""

    kind = "challenge"
    label = "Wettbewerb"

    def target(self, session: Session, target_id: int) -> FollowTarget | None:
        """The challenge (challenges are public)."""
        row = session.get(Challenge, target_id)
        if row is None:
            return None
        path = f"/wettbewerbe/{row.id}"
        return FollowTarget(self.kind, row.id, row.title, path, f"/api/v1/challenges/{row.id}")

    def changes(
        self, session: Session, target_id: int, since: dt.datetime, until: dt.datetime
    ) -> list[FollowChange]:
        """Schedule edits, phases that began by the clock, and published decisions."""
        row = session.get(Challenge, target_id)
        if row is None:
            return []
        edits = self._edits(session, row, (since, until))
        edited_to = {c.changes[0]["after"] for c in edits if c.event == "challenge.phase"}
        by_clock = self._phases(row, since, until)
        found = [c for c in by_clock if c.changes[0]["after"] not in edited_to]
        found += edits + self._results(session, row, (since, until))
        return sorted(found, key=lambda c: c.at)

    def _phases(self, row: Challenge, since: dt.datetime, until: dt.datetime) -> list[FollowChange]:
        order = [Phase.ANNOUNCEMENT, Phase.SUBMISSION, Phase.REVIEW, Phase.VOTE, Phase.RESULTS]
        found = []
        for name, before, after in zip(DATES, order, order[1:], strict=False):
            at = getattr(row, name)
            if since < at <= until:
                found.append(self._phase_change(row, at, before, after, ""))
        return found

    def _phase_change(
        self, row: Challenge, at: dt.datetime, before: Phase, after: Phase, why: str
    ) -> FollowChange:
        text = (
            "Die Ergebnisse sind veröffentlicht."
            if after == Phase.RESULTS
            else f"Neue Phase: {PHASE_DE[after]} (vorher: {PHASE_DE[before]})."
        )
        return FollowChange(
            at=at,
            event="challenge.phase",
            text=text + why,
            path=f"/wettbewerbe/{row.id}",
            changes=[{"field": "phase", "before": before.value, "after": after.value}],
        )

    def _edits(
        self, session: Session, row: Challenge, window: tuple[dt.datetime, dt.datetime]
    ) -> list[FollowChange]:
        found = []
        for entry in _audit(session, "challenge", [str(row.id)], ("challenge.update",), window):
            before, after = entry.before or {}, entry.after or {}
            moved: list[dict[str, Any]] = [
                {"field": n, "before": before.get(n), "after": after.get(n)}
                for n in DATES
                if before.get(n) != after.get(n)
            ]
            if not moved:
                continue
            was, now = _phase_with(before, entry.at), _phase_with(after, entry.at)
            schedule = "; ".join(
                f"{DATE_DE[c['field']]}: {local(_date(c['after']) or entry.at)}" for c in moved
            )
            if was is not None and now is not None and was != now:
                found.append(
                    self._phase_change(row, entry.at, was, now, f" Zeitplan geändert – {schedule}.")
                )
                continue
            found.append(
                FollowChange(
                    at=entry.at,
                    event="challenge.schedule",
                    text=f"Zeitplan geändert – {schedule}.",
                    path=f"/wettbewerbe/{row.id}",
                    changes=moved,
                )
            )
        return found

    def _results(
        self, session: Session, row: Challenge, window: tuple[dt.datetime, dt.datetime]
    ) -> list[FollowChange]:
        subs = {
            str(s.id): s
            for s in session.scalars(
                select(Submission).where(
                    Submission.challenge_id == row.id, Submission.hidden_at.is_(None)
                )
            )
        }
        found = []
        for entry in _audit(
            session, "challenge_submission", list(subs), ("submission.status",), window
        ):
            status = (entry.after or {}).get("status")
            sub = subs[entry.entity_id]
            if status not in RESULT_DE:
                continue
            found.append(
                FollowChange(
                    at=entry.at,
                    event="challenge.result",
                    text=f"Ergebnis: »{sub.title}« ist {RESULT_DE[SubmissionStatus(status)]}.",
                    path=f"/wettbewerbe/beitraege/{sub.id}",
                    changes=[
                        {
                            "field": "submission_status",
                            "before": (entry.before or {}).get("status"),
                            "after": status,
                        }
                    ],
                    data={"submission": {"id": sub.id, "title": sub.title}},
                )
            )
        return found


class EventFollowable:
    """An event: cancelled, or its time or place changed."""

    kind = "event"
    label = "Veranstaltung"

    def target(self, session: Session, target_id: int) -> FollowTarget | None:
        """The event unless moderators hid it."""
        row = session.get(Event, target_id)
        if row is None or row.hidden_at is not None:
            return None
        path = f"/veranstaltungen/{row.id}"
        return FollowTarget(self.kind, row.id, row.title, path, f"/api/v1/events/{row.id}")

    def changes(
        self, session: Session, target_id: int, since: dt.datetime, until: dt.datetime
    ) -> list[FollowChange]:
        """Cancellation and edits of time and place, from the audit log."""
        path = f"/veranstaltungen/{target_id}"
        entries = _audit(
            session, "event", [str(target_id)], ("event.cancel", "event.update"), (since, until)
        )
        found = []
        for entry in entries:
            if entry.action == "event.cancel":
                found.append(
                    FollowChange(
                        at=entry.at,
                        event="event.cancelled",
                        text="Die Veranstaltung wurde abgesagt.",
                        path=path,
                        changes=[{"field": "status", "before": "planned", "after": "cancelled"}],
                    )
                )
                continue
            change = _event_edit(entry, path)
            if change is not None:
                found.append(change)
        return found


def _iso(at: dt.datetime) -> str:
    return at.isoformat()


def _shown(field: str, value: Any) -> str:
    when = _date(value) if field in ("starts_at", "ends_at") else None
    return local(when) if when else (str(value) if value else "–")


def _event_edit(entry: AuditEntry, path: str) -> FollowChange | None:
    before, after = entry.before or {}, entry.after or {}
    moved: list[dict[str, Any]] = [
        {"field": n, "before": before.get(n), "after": after.get(n)}
        for n in EVENT_FIELDS_DE
        if before.get(n) != after.get(n)
    ]
    if not moved:
        return None
    text = "; ".join(
        f"{EVENT_FIELDS_DE[c['field']]}: {_shown(c['field'], c['before'])} → "
        f"{_shown(c['field'], c['after'])}"
        for c in moved
    )
    return FollowChange(
        at=entry.at, event="event.changed", text=f"Geändert – {text}.", path=path, changes=moved
    )


class OrganisationFollowable:
    """An organisation: its new (visible) events and its submitted, visible entries."""

    kind = "organisation"
    label = "Organisation"

    def target(self, session: Session, target_id: int) -> FollowTarget | None:
        """The organisation (organisations are listed publicly)."""
        row = session.get(Organisation, target_id)
        if row is None:
            return None
        path = f"/organisationen/{row.id}"
        return FollowTarget(self.kind, row.id, row.name, path, f"/api/v1/organisations/{row.id}")

    def changes(
        self, session: Session, target_id: int, since: dt.datetime, until: dt.datetime
    ) -> list[FollowChange]:
        """New events and new submissions of the organisation, oldest first."""
        events = session.scalars(
            select(Event).where(
                Event.organisation_id == target_id,
                Event.hidden_at.is_(None),
                Event.created_at > since,
                Event.created_at <= until,
            )
        )
        found = [
            FollowChange(
                at=e.created_at,
                event="organisation.event",
                text=f"Neue Veranstaltung: »{e.title}« am {local(e.starts_at)} (Kölner Zeit).",
                path=f"/veranstaltungen/{e.id}",
                data={"event": {"id": e.id, "title": e.title, "starts_at": _iso(e.starts_at)}},
            )
            for e in events
        ]
        found += self._submissions(session, target_id, since, until)
        return sorted(found, key=lambda c: c.at)

    def _submissions(
        self, session: Session, target_id: int, since: dt.datetime, until: dt.datetime
    ) -> list[FollowChange]:
        rows = session.execute(
            select(Submission, Challenge.title)
            .join(Challenge, Challenge.id == Submission.challenge_id)
            .where(
                Submission.organisation_id == target_id,
                Submission.status != SubmissionStatus.DRAFT,
                Submission.hidden_at.is_(None),
                Submission.submitted_at > since,
                Submission.submitted_at <= until,
            )
        ).all()
        return [
            FollowChange(
                at=sub.submitted_at or since,
                event="organisation.submission",
                text=f"Neuer Beitrag: »{sub.title}« zum Wettbewerb »{title}«.",
                path=f"/wettbewerbe/beitraege/{sub.id}",
                data={
                    "submission": {"id": sub.id, "title": sub.title},
                    "challenge": {"id": sub.challenge_id, "title": title},
                },
            )
            for sub, title in rows
        ]


for _followable in (
    ChallengeFollowable(),
    EventFollowable(),
    OrganisationFollowable(),
    ProblemStatementFollowable(_audit, local, _date),
    LabSessionFollowable(_audit, local, _date),
):
    register(_followable)


def following(session: Session, actor: Actor, kind: str, target_id: int) -> bool:
    """Whether the signed-in actor follows this challenge, event, organisation, problem
    statement or lab session: the pages show "Sie folgen" with an unfollow button instead of
    "Folgen"."""
    return follow_service.following(session, actor=actor, kind=kind, target_id=target_id)
