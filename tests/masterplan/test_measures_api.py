"""Measures through the JSON API as an outside tool and an editor meet it: writes, rules with
German errors naming the field, nothing written on bad input, versions, roll-up, filters."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from domstadt.core.auth.models import Role
from domstadt.core.db import Database
from domstadt.core.text import similar
from tests.conftest import make_token, make_user
from tests.masterplan.conftest import add_measure

NEW = {
    "code": "DV-01",
    "title": "Digitaler Bewohnerparkausweis",
    "summary": "Bewohnerparkausweise online beantragen und digital erhalten.",
    "lead_department": "DIG",
    "fields": ["digitale-verwaltung"],
    "sectors": ["verwaltung", "mobilitaet"],
    "status": "in_implementation",
    "planned_start": "2025-01-01",
    "planned_end": "2025-12-31",
    "location": {"type": "Point", "coordinates": [6.9583, 50.9413]},
    "kpis": [
        {
            "name": "Online-Anteil",
            "unit": "%",
            "target": 80,
            "values": [{"date": "2025-03-31", "value": 35, "source": "Fachverfahren"}],
        }
    ],
    "milestones": [{"title": "Pilot Innenstadt", "planned_date": "2025-04-01"}],
}


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_editor_creates_and_reads_a_measure(client: TestClient, editor_token: str) -> None:
    response = client.post("/api/v1/measures", json=NEW, headers=auth(editor_token))
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["progress"] == 50  # default of "in implementation"
    assert created["lead_department"]["code"] == "DIG"
    assert [s["code"] for s in created["sectors"]] == ["verwaltung", "mobilitaet"]
    page = client.get(f"/api/v1/measures/{created['id']}").json()
    assert page["kpis"][0]["values"][0]["value"] == 35
    assert page["location"]["type"] == "Point" and page["version"] == 1


def test_anonymous_and_other_departments_may_not_write(
    client: TestClient, plan: Database, editor_token: str
) -> None:
    assert client.post("/api/v1/measures", json=NEW).status_code == 401
    make_user(plan, "mira@stadt-koeln.example", Role.EDITOR, department_code="VIII")
    other = make_token(plan, "mira@stadt-koeln.example")
    refused = client.post("/api/v1/measures", json=NEW, headers=auth(other))
    assert refused.status_code == 403
    assert "eigenen Dezernats" in refused.json()["error"]["message"]
    own = add_measure(plan, code="DV-02", title="E-Akte")
    patch = client.patch(f"/api/v1/measures/{own.id}", json={"progress": 10}, headers=auth(other))
    assert patch.status_code == 403
    assert client.get("/api/v1/measures").json()["total"] == 1


def _refused(client: TestClient, token: str, change: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/v1/measures", json={**NEW, **change}, headers=auth(token))
    assert response.status_code in (409, 422), response.text
    return dict(response.json()["error"])


def test_bad_input_names_the_field_and_writes_nothing(
    client: TestClient, editor_token: str
) -> None:
    cases = [
        ({"progress": 150}, "progress", "zwischen 0 und 100"),
        ({"planned_end": "2024-06-30"}, "planned_end", "vor dem Beginn"),
        ({"lead_department": "XYZ"}, "lead_department", "'XYZ' gibt es nicht"),
        ({"location": {"type": "Point", "coordinates": [600, 50]}}, "location", "GeoJSON"),
        ({"requires": ["NOPE-1"]}, "requires", "NOPE-1"),
    ]
    for change, field, words in cases:
        error = _refused(client, editor_token, change)
        assert error["field"] == field and words in error["message"], error
    assert client.get("/api/v1/measures").json()["total"] == 0
    assert client.get("/feeds/measures.atom").text.count("<entry>") == 0


def test_dependency_cycle_is_refused_with_the_cycle_named(
    client: TestClient, plan: Database, editor_token: str
) -> None:
    a = add_measure(plan, code="A-1", title="Netz")
    add_measure(plan, code="B-1", title="Plattform", requires=["A-1"])
    add_measure(plan, code="C-1", title="App", requires=["B-1"])
    response = client.patch(
        f"/api/v1/measures/{a.id}", json={"requires": ["C-1"]}, headers=auth(editor_token)
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["field"] == "requires"
    assert "A-1 → C-1 → B-1 → A-1" in error["message"]
    assert client.get(f"/api/v1/measures/{a.id}").json()["requires"] == []
    blocks = client.get(f"/api/v1/measures/{a.id}").json()["blocks"]
    assert [b["code"] for b in blocks] == ["B-1"]


def test_duplicate_code_is_a_conflict(client: TestClient, editor_token: str) -> None:
    assert client.post("/api/v1/measures", json=NEW, headers=auth(editor_token)).status_code == 201
    error = _refused(client, editor_token, {"title": "Noch einmal"})
    assert error["field"] == "code" and "DV-01" in error["message"]


def test_every_change_is_a_version_with_before_and_after(
    client: TestClient, editor_token: str
) -> None:
    created = client.post("/api/v1/measures", json=NEW, headers=auth(editor_token)).json()
    url = f"/api/v1/measures/{created['id']}"
    changed = client.patch(
        url,
        json={"status": "in_operation", "title": "Digitaler Bewohnerparkausweis für alle"},
        headers=auth(editor_token),
    )
    assert changed.status_code == 200 and changed.json()["progress"] == 100
    same = client.patch(url, json={"status": "in_operation"}, headers=auth(editor_token))
    assert same.json()["version"] == 2
    history = client.get(url + "/history").json()
    assert [v["version"] for v in history] == [2, 1]
    fields = {c["field"]: c for c in history[0]["changes"]}
    assert fields["status"]["before"] == "in_implementation"
    assert fields["status"]["after"] == "in_operation"
    assert fields["progress"]["before"] == 50 and fields["progress"]["after"] == 100
    assert history[0]["actor_label"].startswith("Erik")


def test_parent_progress_is_the_weighted_roll_up(client: TestClient, plan: Database) -> None:
    parent = add_measure(plan, code="P", title="Programm")
    add_measure(plan, code="P-1", title="Teil eins", parent="P", progress=100, weight=3)
    child = add_measure(plan, code="P-2", title="Teil zwei", parent="P", progress=0, weight=1)
    assert client.get(f"/api/v1/measures/{parent.id}").json()["progress"] == 75
    token = make_token(plan, make_user(plan, "ada@example.org", Role.ADMIN).email)
    client.patch(f"/api/v1/measures/{child.id}", json={"progress": 40}, headers=auth(token))
    body = client.get(f"/api/v1/measures/{parent.id}").json()
    assert body["progress"] == 85 and body["progress_rolled_up"] is True
    loop = client.patch(
        f"/api/v1/measures/{parent.id}", json={"parent": "P-2"}, headers=auth(token)
    )
    assert loop.status_code == 409 and "Kreis" in loop.json()["error"]["message"]


def test_list_filters_search_and_paging(client: TestClient, plan: Database) -> None:
    add_measure(plan, code="DV-1", title="E-Akte für alle Ämter", status="in_implementation")
    add_measure(
        plan,
        code="SC-1",
        title="Parksensoren Ehrenfeld",
        lead_department="69",
        fields=["smart-city"],
        sectors=["mobilitaet"],
        rollout_stage="pilot",
        planned_start="2024-01-01",
        planned_end="2024-12-31",
    )
    add_measure(
        plan,
        code="SC-2",
        title="Verkehrsrechner Ringe",
        lead_department="69",
        fields=["smart-city"],
        sectors=["mobilitaet"],
    )

    def codes(query: str) -> list[str]:
        response = client.get("/api/v1/measures?" + query)
        assert response.status_code == 200, response.text
        return [m["code"] for m in response.json()["items"]]

    assert codes("field=smart-city") == ["SC-1", "SC-2"]
    assert codes("department=VIII") == ["SC-1", "SC-2"]  # the Dezernat includes its Ämter
    assert codes("status=in_implementation") == ["DV-1"]
    assert codes("rollout_stage=pilot&sector=mobilitaet") == ["SC-1"]
    assert codes("stalled=true") == ["SC-1"]
    assert codes("q=Parksensor") == ["SC-1"]
    assert codes("q=Ringe&field=digitale-verwaltung") == []
    second = client.get("/api/v1/measures?per_page=2&page=2").json()
    assert second["total"] == 3 and [m["code"] for m in second["items"]] == ["SC-2"]
    assert client.get("/api/v1/measures?status=fertig").status_code == 422


def test_measures_are_in_the_similarity_index(plan: Database) -> None:
    created = add_measure(
        plan,
        code="U-1",
        title="Bäume pflanzen in Kalk",
        summary="Neue Straßenbäume im Veedel Kalk.",
    )
    with plan.session() as session:
        hits = similar(session, "Straßenbäume in Kalk pflanzen", kinds=["measure"])
    assert hits and hits[0].entity_id == created.id
