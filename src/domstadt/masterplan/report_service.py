"""Status reports (S1.3): an immutable snapshot of all measures, what changed since the
previous snapshot, and the stalled pilots (S6.1). Reports are only ever added, never changed."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, public, requires
from domstadt.core.csv_cells import csv_text
from domstadt.core.errors import Invalid, NotFound
from domstadt.masterplan.measure_present import SUMMARY_LOAD, is_stalled, today
from domstadt.masterplan.models import Measure, StatusReport

TRACKED = ("title", "status", "progress", "rollout_stage", "lead_department", "planned_end")
"""Fields whose change since the previous report is listed."""

CSV_COLUMNS = (
    "code",
    "title",
    "fields",
    "lead_department",
    "status",
    "progress",
    "rollout_stage",
    "planned_end",
    "stalled",
)


class ReportChange(BaseModel):
    """A measure that is new, gone or changed since the previous report."""

    code: str
    title: str
    kind: str
    changes: dict[str, list[Any]] = {}


class ReportCreate(BaseModel):
    """The JSON body of a new report; an unknown field is refused, not ignored."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field("", max_length=300)


TITLE_TWICE = (
    "Der Titel steht im JSON-Body ({body!r}) und in der Adresse ({query!r}) verschieden; "
    "bitte nur an einer Stelle angeben."
)


def _title(title: str, data: ReportCreate | None) -> str:
    """One title from the query string or the JSON body; two different ones are refused."""
    given = data.title.strip() if data else ""
    if given and title.strip() and given != title.strip():
        raise Invalid(TITLE_TWICE.format(body=given, query=title.strip()), field="title")
    return given or title.strip()


class ReportListItem(BaseModel):
    """A report in the public list."""

    id: int
    title: str
    created_at: dt.datetime
    created_by: str
    measure_count: int
    stalled_count: int
    change_count: int


class ReportPublic(ReportListItem):
    """A report with its frozen rows, changes and stalled pilots."""

    previous_id: int | None
    as_of: dt.date
    status_mix: dict[str, int]
    measures: list[dict[str, Any]]
    changes: list[ReportChange]
    stalled: list[dict[str, Any]]


def _row(m: Measure, on: dt.date) -> dict[str, Any]:
    return {
        "id": m.id,
        "code": m.code,
        "title": m.title,
        "fields": [f.slug for f in m.fields],
        "lead_department": m.lead_department.code,
        "status": m.status,
        "progress": m.progress,
        "rollout_stage": m.rollout_stage,
        "planned_end": m.planned_end.isoformat() if m.planned_end else None,
        "stalled": is_stalled(m.rollout_stage, m.planned_end, on),
    }


def _changes(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    before = {r["code"]: r for r in old}
    after = {r["code"]: r for r in new}
    out: list[dict[str, Any]] = []
    for code, row in after.items():
        if code not in before:
            out.append({"code": code, "title": row["title"], "kind": "new", "changes": {}})
            continue
        diff = {k: [before[code].get(k), row[k]] for k in TRACKED if before[code].get(k) != row[k]}
        if diff:
            out.append({"code": code, "title": row["title"], "kind": "changed", "changes": diff})
    out.extend(
        {"code": c, "title": r["title"], "kind": "removed", "changes": {}}
        for c, r in before.items()
        if c not in after
    )
    return out


@requires(Permission.DEPARTMENT_MANAGE)
def report_create(
    session: Session, *, actor: Actor, title: str = "", data: ReportCreate | None = None
) -> ReportPublic:
    """Freeze the current state of every measure as a new report; the title comes from
    ``title`` (query string, CLI) or ``data`` (JSON body), the same one if both."""
    title = _title(title, data)
    on = today()
    rows = [
        _row(m, on)
        for m in session.scalars(select(Measure).options(*SUMMARY_LOAD).order_by(Measure.code))
    ]
    previous = session.scalar(select(StatusReport).order_by(StatusReport.id.desc()).limit(1))
    changes = _changes(previous.measures if previous else [], rows)
    report = StatusReport(
        title=title or f"Statusbericht Masterplan Digitales Köln, {on:%d.%m.%Y}",
        created_by=actor.label,
        previous_id=previous.id if previous else None,
        measures=rows,
        summary={
            "as_of": on.isoformat(),
            "status_mix": dict(Counter(r["status"] for r in rows)),
            "changes": changes,
            "stalled": [r["code"] for r in rows if r["stalled"]],
        },
    )
    session.add(report)
    session.flush()
    result = _public(report)
    audit.record(
        session,
        actor=actor,
        action="status_report.create",
        entity_type="status_report",
        entity_id=report.id,
        after={"title": report.title, "measures": len(rows), "changes": len(changes)},
    )
    return result


def _item(r: StatusReport) -> ReportListItem:
    return ReportListItem(
        id=r.id,
        title=r.title,
        created_at=r.created_at,
        created_by=r.created_by,
        measure_count=len(r.measures),
        stalled_count=len(r.summary["stalled"]),
        change_count=len(r.summary["changes"]),
    )


def _public(r: StatusReport) -> ReportPublic:
    stalled = set(r.summary["stalled"])
    return ReportPublic(
        **_item(r).model_dump(),
        previous_id=r.previous_id,
        as_of=dt.date.fromisoformat(r.summary["as_of"]),
        status_mix=r.summary["status_mix"],
        measures=r.measures,
        changes=[ReportChange(**c) for c in r.summary["changes"]],
        stalled=[m for m in r.measures if m["code"] in stalled],
    )


@public("status reports are published (S1.3)")
def report_list(session: Session, *, actor: Actor) -> list[ReportListItem]:
    """All reports, newest first."""
    return [
        _item(r) for r in session.scalars(select(StatusReport).order_by(StatusReport.id.desc()))
    ]


@public("status reports are published (S1.3)")
def report_get(session: Session, *, actor: Actor, report_id: int) -> ReportPublic:
    """One frozen report."""
    row = session.get(StatusReport, report_id)
    if row is None:
        raise NotFound(f"Statusbericht {report_id} nicht gefunden.")
    return _public(row)


@public("status reports are published (S1.3)")
def report_csv(session: Session, *, actor: Actor, report_id: int) -> str:
    """The frozen rows of a report as CSV (UTF-8, comma-separated, header row); cells that a
    spreadsheet would run as a formula are quoted (``core.csv_cells``)."""
    report = report_get(session, actor=actor, report_id=report_id)
    rows = []
    for row in report.measures:
        values = {
            **row,
            "fields": " ".join(row["fields"]),
            "stalled": "ja" if row["stalled"] else "",
        }
        rows.append([values[c] for c in CSV_COLUMNS])
    return csv_text(CSV_COLUMNS, rows)
