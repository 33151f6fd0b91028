"""No e-mail address of staff on public pages (issue 13): a measure's history, its JSON twin
and the Atom feed show the editor's name and department, also for rows stored before as
``Name <mail>``; the audit log keeps the address for admins."""

from __future__ import annotations

from sqlalchemy import select, update
from starlette.testclient import TestClient

from domstadt.core.audit import AuditEntry
from domstadt.core.db import Database
from domstadt.masterplan.models import MeasureVersion
from tests.masterplan.conftest import add_measure

EMAIL = "erik@stadt-koeln.example"


def test_history_shows_name_and_department_never_the_address(
    client: TestClient, plan: Database, editor_token: str
) -> None:
    m = add_measure(plan, code="DV-09", title="Digitale Akte")
    headers = {"Authorization": f"Bearer {editor_token}"}
    changed = client.patch(f"/api/v1/measures/{m.id}", json={"title": "E-Akte"}, headers=headers)
    assert changed.status_code == 200, changed.text
    with plan.session() as session:  # a row written before the rule, in the audit's style
        session.execute(
            update(MeasureVersion)
            .where(MeasureVersion.version == 1)
            .values(actor_label="Old Editor <old.editor@stadt-koeln.example>")
        )
    page = client.get(f"/massnahmen/{m.id}").text  # anonymous
    assert "Erik (Stabsstelle Digitalisierung)" in page
    assert "Old Editor" in page
    history = client.get(f"/api/v1/measures/{m.id}/history").json()
    assert [v["actor_label"] for v in history] == [
        "Erik (Stabsstelle Digitalisierung)",
        "Old Editor",
    ]
    feed = client.get(f"/feeds/measures/{m.id}.atom")
    assert feed.status_code == 200 and "<name>Erik" in feed.text
    for shown in (page, str(history), feed.text):
        assert "@stadt-koeln.example" not in shown
        assert "&lt;old" not in shown
    with plan.session() as session:  # the audit log (admins only) still knows who exactly
        labels = session.scalars(select(AuditEntry.actor_label)).all()
    assert any(EMAIL in label for label in labels)
