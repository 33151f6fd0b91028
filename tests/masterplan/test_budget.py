"""Budget pools, allocations and over-allocation as an admin and an editor meet them."""

from __future__ import annotations

from starlette.testclient import TestClient

from domstadt.core.auth.models import Role
from domstadt.core.db import Database
from tests.conftest import make_token, make_user
from tests.masterplan.conftest import add_measure

POOL = {
    "slug": "innovation",
    "name": "Digital- und Innovationsbudget",
    "years": [{"year": 2026, "amount": "1000000"}],
}


def test_allocations_what_is_left_and_over_allocation(
    client: TestClient, plan: Database, editor_token: str
) -> None:
    make_user(plan, "ada@example.org", Role.ADMIN)
    admin = {"Authorization": f"Bearer {make_token(plan, 'ada@example.org')}"}
    editor = {"Authorization": f"Bearer {editor_token}"}
    a = add_measure(plan, code="DV-1", title="E-Akte")
    b = add_measure(plan, code="DV-2", title="Chatbot")
    assert client.post("/api/v1/budget/pools", json=POOL, headers=editor).status_code == 403
    assert client.post("/api/v1/budget/pools", json=POOL, headers=admin).status_code == 200
    first = {
        "pool": "innovation",
        "measure_id": a.id,
        "year": 2026,
        "planned": "700000",
        "approved": "600000",
        "spent": "100000",
    }
    assert client.put("/api/v1/budget/allocations", json=first, headers=editor).status_code == 200
    over = client.put(
        "/api/v1/budget/allocations",
        headers=editor,
        json={**first, "measure_id": b.id, "approved": "500000", "spent": "0"},
    )
    assert over.status_code == 409
    error = over.json()["error"]
    assert error["field"] == "approved" and "Überbuchung" in error["message"]
    assert "400.000,00 €" in error["message"]  # what is still free
    overview = client.get("/api/v1/budget").json()["pools"][0]
    assert overview["years"][0]["left"] == 400000.0
    assert len(overview["allocations"]) == 1
    spent = client.put(
        "/api/v1/budget/allocations", headers=editor, json={**first, "spent": "900000"}
    )
    assert spent.status_code == 422 and spent.json()["error"]["field"] == "spent"
    shrink = client.post(
        "/api/v1/budget/pools",
        headers=admin,
        json={**POOL, "years": [{"year": 2026, "amount": "500000"}]},
    )
    assert shrink.status_code == 409
    page = client.get("/masterplan/budget").text
    assert (
        "Digital- und Innovationsbudget" in page and "400.000\xa0€" in page
    )  # a no-break space keeps amount and sign together
    assert "Digital- und Innovationsbudget" in client.get(f"/massnahmen/{a.id}").text
    assert client.get(f"/api/v1/measures/{a.id}/budget").json()[0]["approved"] == 600000.0
