"""Status reports on a schedule (S1.3, issue 16): editors with the right to freeze reports
set a cadence (monthly, quarterly, half-yearly, yearly) and the job worker freezes each report
when it is due, titled after the period it closes. Engine: ``report_schedule``."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, public, requires
from domstadt.core.db import utcnow
from domstadt.core.errors import Invalid
from domstadt.masterplan import report_service
from domstadt.masterplan.measure_present import today
from domstadt.masterplan.models import ReportSchedule
from domstadt.masterplan.report_schedule import MONTHS, next_period_start, period_title
from domstadt.masterplan.report_service import ReportPublic


class ScheduleSet(BaseModel):
    """The JSON body (and form, and CLI arguments) of a schedule change; ``off`` ends it."""

    model_config = ConfigDict(extra="forbid")

    cadence: Literal["monthly", "quarterly", "half-yearly", "yearly", "off"]
    first_due: dt.date | None = None
    """The day the first report is frozen; default: the start of the next period."""


class SchedulePublic(BaseModel):
    """The schedule in force: its cadence, the next due date and that report's title."""

    cadence: str
    next_due: dt.date
    next_title: str
    last_report_id: int | None
    updated_at: dt.datetime
    updated_by: str


def _public(row: ReportSchedule) -> SchedulePublic:
    return SchedulePublic(
        cadence=row.cadence,
        next_due=row.next_due,
        next_title=period_title(row.cadence, row.next_due),
        last_report_id=row.last_report_id,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def _row(session: Session) -> ReportSchedule | None:
    return session.scalar(select(ReportSchedule).order_by(ReportSchedule.id).limit(1))


@public("the report schedule is published with the reports")
def report_schedule_get(session: Session, *, actor: Actor) -> SchedulePublic | None:
    """The schedule in force, or None when reports are only made by hand."""
    row = _row(session)
    return _public(row) if row else None


@requires(Permission.DEPARTMENT_MANAGE)
def report_schedule_set(
    session: Session, *, actor: Actor, data: ScheduleSet
) -> SchedulePublic | None:
    """Set or end the schedule (the same right as freezing a report by hand)."""
    row = _row(session)
    before = _public(row).model_dump(mode="json") if row else None
    if data.cadence == "off":
        if row:
            session.delete(row)
        after = None
    else:
        on = today()
        if data.first_due is not None and data.first_due <= on:
            raise Invalid(
                f"Der erste Bericht muss nach heute ({on:%d.%m.%Y}) fällig sein, nicht am "
                f"{data.first_due:%d.%m.%Y}.",
                field="first_due",
            )
        due = data.first_due or next_period_start(data.cadence, on)
        row = row or ReportSchedule(updated_by=actor.label)
        row.cadence, row.next_due = data.cadence, due
        row.updated_at, row.updated_by = utcnow(), actor.label
        session.add(row)
        session.flush()
        after = _public(row).model_dump(mode="json")
    audit.record(
        session,
        actor=actor,
        action="status_report_schedule.set",
        entity_type="status_report_schedule",
        entity_id=row.id if row else 0,
        before=before,
        after=after,
    )
    return SchedulePublic.model_validate(after) if after else None


@requires(Permission.DEPARTMENT_MANAGE)
def reports_due_freeze(
    session: Session, *, actor: Actor, on: dt.date | None = None
) -> ReportPublic | None:
    """Freeze the scheduled report when it is due (None otherwise). Periods missed while no
    worker ran give one catch-up report, not one per period. Safe to run in several processes
    at once: the due date moves by a compare-and-set, and only the process that moved it
    freezes the report."""
    on = on or today()
    row = _row(session)
    if row is None or row.next_due > on or row.cadence not in MONTHS:
        return None
    due = row.next_due
    moved = session.execute(
        update(ReportSchedule)
        .where(ReportSchedule.id == row.id, ReportSchedule.next_due == due)
        .values(next_due=next_period_start(row.cadence, on))
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        return None  # another process froze it
    report = report_service.report_create(
        session, actor=actor, title=period_title(row.cadence, due)
    )
    session.execute(
        update(ReportSchedule)
        .where(ReportSchedule.id == row.id)
        .values(last_report_id=report.id)
        .execution_options(synchronize_session=False)
    )
    session.expire(row)
    return report
