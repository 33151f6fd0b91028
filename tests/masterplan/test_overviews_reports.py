"""Department pages, the dashboard with stalled pilots, and frozen status reports."""

from __future__ import annotations

import csv
import io

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.masterplan import report_service
from tests.masterplan.conftest import add_measure


def _measures(plan: Database) -> None:
    add_measure(
        plan,
        code="SC-1",
        title="Parksensoren Ehrenfeld",
        lead_department="69",
        fields=["smart-city"],
        rollout_stage="pilot",
        status="in_operation",
        planned_start="2024-01-01",
        planned_end="2024-12-31",
        partner_departments=["DIG"],
    )
    add_measure(plan, code="DV-1", title="E-Akte", status="in_implementation")


def test_department_page_and_dashboard_flag_stalled_pilots(
    client: TestClient, plan: Database
) -> None:
    _measures(plan)
    dept = client.get("/api/v1/departments/VIII/measures").json()
    assert [m["code"] for m in dept["lead"]] == ["SC-1"]
    assert [m["code"] for m in dept["stalled"]] == ["SC-1"]
    assert dept["mix"]["status"]["in_operation"] == 1
    partner = client.get("/api/v1/departments/DIG/measures").json()
    assert [m["code"] for m in partner["partner"]] == ["SC-1"]
    page = client.get("/massnahmen/dienststellen/69").text
    assert "Stockender Pilot" in page and "Parksensoren Ehrenfeld" in page
    assert client.get("/massnahmen/dienststellen/XX").status_code == 404
    board = client.get("/api/v1/masterplan/dashboard").json()
    assert [m["code"] for m in board["stalled"]] == ["SC-1"]
    assert board["mix"]["total"] == 2
    assert "Stockende Piloten" in client.get("/masterplan/dashboard").text


def test_reports_freeze_a_snapshot_and_show_changes(
    client: TestClient, plan: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _measures(plan)
    from domstadt.cli import app
    from domstadt.core import config

    monkeypatch.setenv("DOMSTADT_DATABASE_URL", plan.url)
    monkeypatch.setenv("DOMSTADT_SECRET_KEY", "test-secret-key-that-is-long-enough-0123456789")
    config.get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["report", "create", "--title", "Bericht Q1"])
    finally:
        config.get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "2 Maßnahmen" in result.output
    add_measure(plan, code="DO-1", title="Datenplattform", fields=["datenoekonomie"])
    with plan.session() as session:
        second = report_service.report_create(session, actor=system_actor("t"))
    assert [(c.code, c.kind) for c in second.changes] == [("DO-1", "new")]
    assert [m["code"] for m in second.stalled] == ["SC-1"]
    listing = client.get("/berichte").text
    assert "Bericht Q1" in listing
    page = client.get(f"/berichte/{second.id}").text
    assert "Datenplattform" in page and "neu" in page and "Stockende Piloten" in page
    rows = list(csv.DictReader(io.StringIO(client.get(f"/berichte/{second.id}.csv").text)))
    assert [r["code"] for r in rows] == ["DO-1", "DV-1", "SC-1"]
    assert rows[2]["stalled"] == "ja"
    printed = client.get(f"/berichte/{second.id}/druck").text
    assert "print.css" in printed and "<nav" not in printed
    first = client.get(f"/api/v1/reports/{second.previous_id}").json()
    assert first["title"] == "Bericht Q1" and len(first["measures"]) == 2
    assert client.patch(f"/api/v1/reports/{second.id}", json={}).status_code == 405
