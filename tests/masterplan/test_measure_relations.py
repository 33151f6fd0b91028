"""Relations between measures and the rights they need (issue 14, finding 3): an editor may not
change another department's measure through ``parent`` or ``blocks``, and every change that
reaches another measure through a relation is a version and an audit entry of that measure."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from domstadt.core.auth.models import Role
from domstadt.core.db import Database
from tests.conftest import make_token, make_user
from tests.masterplan.conftest import add_measure


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _measure(client: TestClient, measure_id: int) -> dict[str, Any]:
    return dict(client.get(f"/api/v1/measures/{measure_id}").json())


def _admin(plan: Database) -> str:
    return make_token(plan, make_user(plan, "ada@stadt-koeln.example", Role.ADMIN).email)


def test_the_probe_cannot_move_another_departments_measure(
    client: TestClient, plan: Database, editor_token: str
) -> None:
    other = add_measure(plan, code="SC-02", title="Parksensoren", lead_department="69", progress=20)
    own = add_measure(plan, code="DV-01", title="E-Akte")
    attack = {"parent": "SC-02", "blocks": ["SC-02"], "progress": 100, "weight": 1000}
    response = client.patch(f"/api/v1/measures/{own.id}", json=attack, headers=auth(editor_token))
    assert response.status_code == 403, response.text
    error = response.json()["error"]
    assert "SC-02" in error["message"] and error["field"] in {"parent", "blocks"}
    after = _measure(client, other.id)
    assert after["progress"] == 20 and after["version"] == 1
    assert after["children"] == [] and after["requires"] == []
    assert _measure(client, own.id)["progress"] == 0  # nothing of the write stayed
    blocks_only = client.patch(
        f"/api/v1/measures/{own.id}", json={"blocks": ["SC-02"]}, headers=auth(editor_token)
    )
    assert blocks_only.status_code == 403 and blocks_only.json()["error"]["field"] == "blocks"


def test_leaving_a_parent_of_another_department_is_refused(
    client: TestClient, plan: Database, editor_token: str
) -> None:
    add_measure(plan, code="SC", title="Programm Verkehr", lead_department="69")
    own = add_measure(plan, code="DV-01", title="E-Akte", parent="SC")
    response = client.patch(
        f"/api/v1/measures/{own.id}", json={"parent": None}, headers=auth(editor_token)
    )
    assert response.status_code == 403 and response.json()["error"]["field"] == "parent"
    assert _measure(client, own.id)["parent"]["code"] == "SC"


def test_a_change_through_a_relation_is_a_version_of_the_other_measure(
    client: TestClient, plan: Database
) -> None:
    token = _admin(plan)
    other = add_measure(plan, code="SC-02", title="Parksensoren", lead_department="69", progress=20)
    own = add_measure(plan, code="DV-01", title="E-Akte")
    change = {"parent": "SC-02", "blocks": ["SC-02"], "progress": 100, "weight": 3}
    response = client.patch(f"/api/v1/measures/{own.id}", json=change, headers=auth(token))
    assert response.status_code == 200, response.text
    after = _measure(client, other.id)
    assert after["progress"] == 100 and after["version"] == 2
    history = client.get(f"/api/v1/measures/{other.id}/history").json()
    fields = {c["field"]: c for c in history[0]["changes"]}
    assert fields["children"]["before"] == [] and fields["children"]["after"] == ["DV-01"]
    assert fields["progress_total"]["after"] == 100
    assert fields["requires"]["after"] == ["DV-01"]
    audit = client.get("/api/v1/audit", headers=auth(token)).json()
    entries = audit["items"] if isinstance(audit, dict) else audit
    via = [e for e in entries if e["entity_id"] == str(other.id) and "via" in (e["after"] or {})]
    assert via and via[0]["after"]["via"] == "DV-01" and via[0]["action"] == "measure.update"


def test_requires_needs_no_rights_on_the_prerequisite_but_is_recorded_there(
    client: TestClient, plan: Database, editor_token: str
) -> None:
    other = add_measure(plan, code="NET-1", title="Glasfaser", lead_department="69")
    own = add_measure(plan, code="DV-01", title="E-Akte")
    response = client.patch(
        f"/api/v1/measures/{own.id}", json={"requires": ["NET-1"]}, headers=auth(editor_token)
    )
    assert response.status_code == 200, response.text
    after = _measure(client, other.id)
    assert [b["code"] for b in after["blocks"]] == ["DV-01"] and after["version"] == 2
    change = client.get(f"/api/v1/measures/{other.id}/history").json()[0]["changes"]
    assert {c["field"]: c["after"] for c in change} == {"blocks": ["DV-01"]}


def test_a_child_progress_change_is_a_version_of_every_ancestor(
    client: TestClient, plan: Database, editor_token: str
) -> None:
    top = add_measure(plan, code="P", title="Programm")
    middle = add_measure(plan, code="P-1", title="Projekt", parent="P")
    child = add_measure(plan, code="P-1-1", title="Teilprojekt", parent="P-1", progress=10)
    versions = {m.id: _measure(client, m.id)["version"] for m in (top, middle)}
    response = client.patch(
        f"/api/v1/measures/{child.id}", json={"progress": 60}, headers=auth(editor_token)
    )
    assert response.status_code == 200, response.text
    for m in (top, middle):
        body = _measure(client, m.id)
        assert body["progress"] == 60 and body["version"] == versions[m.id] + 1
        last = client.get(f"/api/v1/measures/{m.id}/history").json()[0]["changes"]
        assert {c["field"]: (c["before"], c["after"]) for c in last} == {"progress_total": (10, 60)}
