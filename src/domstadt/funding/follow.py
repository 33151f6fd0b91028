"""Deadline alerts of the funding radar through the subscriptions (e-mail digest, webhook):
follow kind ``funding_deadlines`` with a department's id as target, and the digest says
"3 Programme, die zu Ihren Maßnahmen passen, enden in 30 Tagen" when the deadlines of
programmes matched to the department's measures (by the last re-match) come within 30 days.
Registered into the subscriptions' registry of followable kinds when imported."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core.auth.models import Department
from domstadt.funding.models import FundingMatch, FundingProgramme
from domstadt.subscriptions.followables import FollowChange, FollowTarget, register

BERLIN = ZoneInfo("Europe/Berlin")
DAYS = 30
"""How long before a deadline the alert goes out."""


def alert_moment(call_close: dt.date) -> dt.datetime:
    """Midnight in Cologne, :data:`DAYS` days before the deadline, as UTC."""
    day = call_close - dt.timedelta(days=DAYS)
    return dt.datetime.combine(day, dt.time(), BERLIN).astimezone(dt.UTC)


def sentence(count: int) -> str:
    """The digest's German headline for ``count`` programmes."""
    if count == 1:
        return f"1 Programm, das zu Ihren Maßnahmen passt, endet in {DAYS} Tagen"
    return f"{count} Programme, die zu Ihren Maßnahmen passen, enden in {DAYS} Tagen"


class FundingDeadlines:
    """Deadlines of programmes that fit a department's measures."""

    kind = "funding_deadlines"
    label = "Förderfristen für die Maßnahmen eines Amts"

    def target(self, session: Session, target_id: int) -> FollowTarget | None:
        """The department (any department may be followed)."""
        department = session.get(Department, target_id)
        if department is None:
            return None
        return FollowTarget(
            kind=self.kind, id=target_id,
            title=f"Förderfristen für Maßnahmen von {department.name}",
            path="/foerderung/uebersicht", api_path="/api/v1/funding/dashboard",
        )  # fmt: skip

    def changes(
        self, session: Session, target_id: int, since: dt.datetime, until: dt.datetime
    ) -> list[FollowChange]:
        """One change listing every matched programme whose alert moment is in the window."""
        first = (since + dt.timedelta(days=DAYS)).astimezone(BERLIN).date()
        last = (until + dt.timedelta(days=DAYS)).astimezone(BERLIN).date()
        rows = session.execute(
            select(FundingProgramme.id, FundingProgramme.title, FundingProgramme.call_close)
            .join(FundingMatch, FundingMatch.programme_id == FundingProgramme.id)
            .where(
                FundingMatch.target_kind == "measure",
                FundingMatch.department_id == target_id,
                FundingProgramme.call_close.is_not(None),
                FundingProgramme.call_close >= first,
                FundingProgramme.call_close <= last,
                FundingProgramme.status_given != "closed",
            )
            .distinct()
            .order_by(FundingProgramme.call_close, FundingProgramme.id)
        ).all()
        due = [r for r in rows if since < alert_moment(r.call_close) <= until]
        if not due:
            return []
        named = "; ".join(f"{r.title} (Frist {r.call_close:%d.%m.%Y})" for r in due[:10])
        return [
            FollowChange(
                at=max(alert_moment(r.call_close) for r in due),
                event="funding.deadlines",
                text=f"{sentence(len(due))}: {named}",
                path="/foerderung/uebersicht",
                data={
                    "programmes": [
                        {"id": r.id, "title": r.title, "call_close": r.call_close.isoformat(),
                         "path": f"/foerderung/{r.id}"}
                        for r in due
                    ]
                },
            )
        ]  # fmt: skip


register(FundingDeadlines())
