"""Issue 16: status reports frozen on a schedule the editors set (e.g. quarterly), by the job
worker, once per due date even when several workers run."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select, update
from starlette.testclient import TestClient
from typer.testing import CliRunner

from domstadt.core.audit import AuditEntry
from domstadt.core.auth.models import Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.core.errors import Invalid
from domstadt.masterplan import report_schedule_service as schedules
from domstadt.masterplan import tasks
from domstadt.masterplan.models import ReportSchedule, StatusReport
from domstadt.masterplan.report_schedule import next_period_start, period_title
from tests.conftest import csrf_of, login, make_token, make_user
from tests.masterplan.conftest import add_measure

D = dt.date


@pytest.mark.parametrize(
    ("cadence", "after", "start", "title"),
    [
        ("monthly", D(2026, 12, 6), D(2027, 1, 1), "Statusbericht Dezember 2026"),
        ("monthly", D(2026, 1, 31), D(2026, 2, 1), "Statusbericht Januar 2026"),
        ("quarterly", D(2026, 12, 6), D(2027, 1, 1), "Statusbericht 4. Quartal 2026"),
        ("quarterly", D(2026, 3, 31), D(2026, 4, 1), "Statusbericht 1. Quartal 2026"),
        ("quarterly", D(2026, 4, 1), D(2026, 7, 1), "Statusbericht 2. Quartal 2026"),
        ("half-yearly", D(2026, 6, 30), D(2026, 7, 1), "Statusbericht 1. Halbjahr 2026"),
        ("yearly", D(2026, 1, 1), D(2027, 1, 1), "Statusbericht 2026"),
    ],
)
def test_periods_follow_the_calendar(cadence: str, after: D, start: D, title: str) -> None:
    assert next_period_start(cadence, after) == start
    assert period_title(cadence, start) == title


def _due_now(db: Database, cadence: str = "quarterly") -> None:
    """A schedule whose report is due today (set as an editor would, then the clock moved)."""
    with db.session() as session:
        schedules.report_schedule_set(
            session, actor=system_actor("t"), data=schedules.ScheduleSet(cadence=cadence)
        )
        session.execute(update(ReportSchedule).values(next_due=D.today()))


def _reports(db: Database) -> list[StatusReport]:
    with db.session() as session:
        return list(session.scalars(select(StatusReport).order_by(StatusReport.id)))


def test_a_due_report_is_frozen_once_and_the_next_date_moves_on(plan: Database) -> None:
    add_measure(plan, code="DV-1", title="E-Akte")
    actor = system_actor("scheduler")
    with plan.session() as session:
        assert schedules.reports_due_freeze(session, actor=actor) is None  # no schedule
    _due_now(plan)
    with plan.session() as session:
        report = schedules.reports_due_freeze(session, actor=actor)
        again = schedules.reports_due_freeze(session, actor=actor)
    assert report is not None and again is None
    today = D.today()
    assert report.title == period_title("quarterly", today) and report.measure_count == 1
    with plan.session() as session:
        shown = schedules.report_schedule_get(session, actor=actor)
    assert shown is not None and shown.last_report_id == report.id
    assert shown.next_due == next_period_start("quarterly", today) > today
    with plan.session() as session:  # months without a worker: one catch-up report
        session.execute(update(ReportSchedule).values(next_due=today - dt.timedelta(days=200)))
    with plan.session() as session:
        late = schedules.reports_due_freeze(session, actor=actor)
    assert late is not None and len(_reports(plan)) == 2


def test_several_workers_freeze_the_due_report_once(plan: Database, settings: Settings) -> None:
    _due_now(plan)
    results: list[object] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def worker() -> None:
        start.wait()
        try:
            results.append(tasks.run_due(settings))
        except BaseException as exc:  # a failure must fail the test, not vanish in a thread
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert len([r for r in results if r]) == 1 and len(_reports(plan)) == 1


def test_the_schedule_is_checked_and_audited(plan: Database) -> None:
    member = make_user(plan, "mia@example.org")
    with plan.session() as session, pytest.raises(Invalid, match="nach heute"):
        schedules.report_schedule_set(
            session,
            actor=system_actor("t"),
            data=schedules.ScheduleSet(cadence="monthly", first_due=D.today()),
        )
    with plan.session() as session:
        set_ = schedules.report_schedule_set(
            session,
            actor=system_actor("t"),
            data=schedules.ScheduleSet(cadence="yearly", first_due=D(2099, 3, 1)),
        )
        ended = schedules.report_schedule_set(
            session, actor=system_actor("t"), data=schedules.ScheduleSet(cadence="off")
        )
    assert set_ is not None and set_.next_due == D(2099, 3, 1) and ended is None
    with plan.session() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity_type == "status_report_schedule")
        ).all()
        assert actions == ["status_report_schedule.set"] * 2
        assert session.scalar(select(func.count()).select_from(ReportSchedule)) == 0
    assert member.role == Role.MEMBER


def test_api_page_and_cli(
    client: TestClient, plan: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert client.get("/api/v1/report-schedule").json() is None
    assert "Kein Zeitplan" in client.get("/berichte").text
    make_user(plan, "ada@example.org", Role.ADMIN)
    make_user(plan, "mia@example.org")
    admin = {"Authorization": f"Bearer {make_token(plan, 'ada@example.org')}"}
    member = {"Authorization": f"Bearer {make_token(plan, 'mia@example.org')}"}
    refused = client.put("/api/v1/report-schedule", json={"cadence": "x"}, headers=member)
    assert refused.status_code == 403
    wrong = client.put("/api/v1/report-schedule", json={"cadence": "weekly"}, headers=admin)
    assert wrong.status_code == 422 and wrong.json()["error"]["details"][0]["field"] == "cadence"
    made = client.put("/api/v1/report-schedule", json={"cadence": "quarterly"}, headers=admin)
    assert made.status_code == 200, made.text
    assert (
        made.json()["next_title"].startswith("Statusbericht ")
        and "Quartal" in made.json()["next_title"]
    )
    assert "Statusbericht" in client.get("/berichte").text
    login(client, "ada@example.org")
    form = {"csrf_token": csrf_of(client, "/berichte"), "cadence": "monthly", "first_due": ""}
    saved = client.post("/berichte/zeitplan", data=form, follow_redirects=True)
    assert saved.status_code == 200 and "Der Zeitplan wurde gespeichert" in saved.text
    assert "monatlich" in saved.text
    form["first_due"] = "2000-01-01"
    bad = client.post("/berichte/zeitplan", data=form)
    assert bad.status_code == 422 and "nach heute" in bad.text
    from domstadt.cli import app
    from domstadt.core import config

    monkeypatch.setenv("DOMSTADT_DATABASE_URL", plan.url)
    monkeypatch.setenv("DOMSTADT_SECRET_KEY", "test-secret-key-that-is-long-enough-0123456789")
    config.get_settings.cache_clear()
    try:
        shown = CliRunner().invoke(app, ["report", "schedule"])
        due = CliRunner().invoke(app, ["report", "due"])
        bad_cli = CliRunner().invoke(app, ["report", "schedule", "weekly"])
    finally:
        config.get_settings.cache_clear()
    assert shown.exit_code == 0 and "Zeitplan monthly" in shown.output, shown.output
    assert due.exit_code == 0 and "Kein Bericht fällig" in due.output
    assert bad_cli.exit_code != 0 and "quarterly" in bad_cli.output
