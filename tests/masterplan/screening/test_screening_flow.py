"""The AI screening as editors and the public meet it: propose, review, page, coverage."""

from __future__ import annotations

from starlette.testclient import TestClient

from domstadt.core.auth.models import Role
from domstadt.core.db import Database
from tests.conftest import csrf_of, login, make_token, make_user
from tests.masterplan.conftest import add_measure

ANSWERS = {
    "potential": {"repetitiveness": 4, "case_volume": 4, "clear_rules": 3, "data_availability": 3,
                  "data_volume": 3, "data_quality": 2, "measurable_benefit": 3},
    "risk": {"automation": "assist", "personal_data": "yes", "rights": "moderate"},
    "mitigation": ["audit_trail", "reasons", "fallback"],
    "interacts_with_people": True,
}  # fmt: skip


def test_propose_review_and_publish(client: TestClient, plan: Database) -> None:
    measure = add_measure(
        plan, code="DV-05", title="KI-Assistenz für das Bürgertelefon",
        summary="Ein Chatbot beantwortet Standardfragen zu Bürgerdiensten.",
    )  # fmt: skip
    url = f"/api/v1/measures/{measure.id}/screening"
    empty = client.get(url).json()
    assert empty["screened"] is False and len(empty["similar_cases"]) == 3
    make_user(plan, "erika@stadt-koeln.example", Role.EDITOR, department_code="DIG")
    make_user(plan, "otto@stadt-koeln.example", Role.EDITOR, department_code="69")
    editor = {"Authorization": f"Bearer {make_token(plan, 'erika@stadt-koeln.example')}"}
    other = {"Authorization": f"Bearer {make_token(plan, 'otto@stadt-koeln.example')}"}
    assert client.put(url, json=ANSWERS).status_code == 401
    assert client.put(url, json=ANSWERS, headers=other).status_code == 403
    proposed = client.put(url, json=ANSWERS, headers=editor).json()
    assert proposed["status"] == "proposed"
    assert proposed["proposal"]["ai_act_tier"] == "begrenztes Risiko"
    assert proposed["proposal"]["risk_level"] == "I"
    assert proposed["effective"]["technique"] == proposed["proposal"]["technique"]
    bad = client.put(url, json={"risk": {"automation": "magic"}}, headers=editor)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "risk.automation"
    no_reason = client.post(
        f"{url}/review", json={"decision": "override", "override": {"risk_level": "II"}},
        headers=editor,
    )  # fmt: skip
    assert no_reason.status_code == 422 and "begründen" in no_reason.text
    reviewed = client.post(
        f"{url}/review",
        json={"decision": "override", "override": {"risk_level": "II"},
              "reasons": "Anrufende sind oft ältere Menschen; wir prüfen strenger."},
        headers=editor,
    ).json()  # fmt: skip
    assert reviewed["status"] == "overridden" and reviewed["effective"]["risk_level"] == "II"
    assert reviewed["effective"]["overridden"] == ["risk_level"]
    page = client.get(f"/massnahmen/{measure.id}/ki-pruefung")
    assert page.status_code == 200
    assert "Wiederkehrende, gleichartige Aufgabe" in page.text and "AIA impact30" in page.text
    assert "ältere Menschen" in page.text and "übersteuert" in page.text
    assert client.get("/massnahmen/99999/ki-pruefung").status_code == 404


def test_html_form_and_coverage(client: TestClient, plan: Database) -> None:
    first = add_measure(plan, code="DV-10", title="Digitaler Posteingang")
    add_measure(plan, code="DV-11", title="E-Akte", lead_department="12")
    make_user(plan, "admin@stadt-koeln.example", Role.ADMIN)
    login(client, "admin@stadt-koeln.example")
    path = f"/massnahmen/{first.id}/ki-pruefung"
    token = csrf_of(client, path)
    response = client.post(
        path,
        data={"csrf_token": token, "pot_repetitiveness": "4", "risk_automation": "full",
              "stop_fully_automated_decision": "1", "task": "ocr"},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
    shown = client.get(path).text
    assert "Nicht weiterverfolgen" in shown and "§ 35a VwVfG" in shown
    client.post(f"{path}/review", data={"csrf_token": token, "decision": "confirm"})
    coverage = client.get("/api/v1/screening/coverage").json()
    assert (coverage["measures"], coverage["screened"], coverage["reviewed"]) == (2, 1, 1)
    by_dept = {row["key"]: row for row in coverage["by_department"]}
    assert by_dept["DIG"]["screened"] == 1 and by_dept["12"]["share"] == 0
    assert coverage["by_field"][0]["measures"] == 2
