"""A status report's CSV is served like every file: an attachment that browsers neither
sniff nor render as a page of our origin (probe issue 14)."""

from __future__ import annotations

from starlette.testclient import TestClient

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.masterplan import report_service
from domstadt.web.downloads import SANDBOX_POLICY
from tests.masterplan.conftest import add_measure


def test_report_csv_is_a_sandboxed_attachment(client: TestClient, plan: Database) -> None:
    add_measure(plan, code="DV-1", title="E-Akte <script>alert(1)</script>")
    with plan.session() as session:
        report = report_service.report_create(session, actor=system_actor("t"))
    response = client.get(f"/berichte/{report.id}.csv")
    assert response.status_code == 200 and "E-Akte <script>" in response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith(
        f'attachment; filename="statusbericht-{report.id}.csv"'
    )
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers.get_list("content-security-policy") == [SANDBOX_POLICY]
