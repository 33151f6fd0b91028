"""Own data (GDPR Art. 15/17/20): the export holds my feedback and nothing of others; deleting
the account keeps the feedback, shown as "ehemaliges Konto", and ends every way in."""

from __future__ import annotations

from starlette.testclient import TestClient

from domstadt.core.db import Database
from tests.conftest import PASSWORD, make_token, make_user
from tests.masterplan.conftest import add_measure


def _feedback(client: TestClient, measure_id: int, token: str, comment: str) -> None:
    sent = client.post(
        f"/api/v1/measures/{measure_id}/feedback",
        json={"relevance": 4, "stance": "support", "comment": comment},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert sent.status_code == 201, sent.text


def test_export_then_delete_keeps_contributions_anonymised(
    plan: Database, client: TestClient
) -> None:
    m = add_measure(plan, code="DV-07", title="Digitale Meldung von Schäden")
    make_user(plan, "ayse@example.org", name="Ayşe Yılmaz")
    make_user(plan, "tom@example.org", name="Tom Becker")
    ayse, tom = make_token(plan, "ayse@example.org"), make_token(plan, "tom@example.org")
    _feedback(client, m.id, ayse, "Bitte mit Foto-Upload.")
    _feedback(client, m.id, tom, "Tom findet das gut.")
    mine = {"Authorization": f"Bearer {ayse}"}

    export = client.get("/api/v1/me/export", headers=mine)
    assert export.status_code == 200, export.text
    text = export.text
    assert "ayse@example.org" in text and "Bitte mit Foto-Upload." in text
    assert "Tom findet das gut." not in text and "tom@example.org" not in text
    assert client.get("/api/v1/me/export").status_code == 401

    wrong = client.post("/api/v1/me/delete", json={"password": "falsch"}, headers=mine)
    assert wrong.status_code == 422
    assert client.get("/api/v1/me", headers=mine).status_code == 200  # nothing changed

    deleted = client.post("/api/v1/me/delete", json={"password": PASSWORD}, headers=mine)
    assert deleted.status_code == 204, deleted.text
    assert client.get("/api/v1/me", headers=mine).status_code == 401  # token gone

    items = client.get(f"/api/v1/measures/{m.id}/feedback").json()["items"]
    authors = {i["comment"]: i["author_name"] for i in items}
    assert authors["Bitte mit Foto-Upload."] == "ehemaliges Konto"
    assert authors["Tom findet das gut."] == "Tom Becker"
    page = client.get(f"/massnahmen/{m.id}").text
    assert "Ayşe" not in page and "ehemaliges Konto" in page
