"""Near-duplicate detection through the API and the review queue, as editors use it."""

from __future__ import annotations

from starlette.testclient import TestClient

from domstadt.core.auth.models import Role
from domstadt.core.db import Database
from tests.conftest import csrf_of, login, make_user
from tests.masterplan.conftest import add_measure
from tests.masterplan.registry.conftest import create

PLANT = {"title": "Bäume pflanzen in Kalk", "description": "Neue Straßenbäume für Kalk."}


def test_similar_ranks_paraphrases_first_and_flags_only_them(
    client: TestClient, plan: Database, editor: dict[str, str]
) -> None:
    measure = add_measure(
        plan, code="SC-10", title="Kostenloses WLAN in allen Stadtbibliotheken",
        summary="Freies WLAN für alle Besucher der Bibliotheken.",
    )  # fmt: skip
    fell = create(
        client, editor, title="Bäume fällen in Kalk", description="Kranke Bäume in Kalk fällen."
    )
    porz = create(
        client, editor, title="Bäume pflanzen in Porz", description="Neue Straßenbäume für Porz."
    )
    plant = create(client, editor, **PLANT)
    response = client.get(
        "/api/v1/similar",
        params={"q": "In Kalk werden neue Bäume gepflanzt", "types": "initiative,measure"},
    )
    items = response.json()["items"]
    assert set(items[0]) >= {"type", "id", "title", "score", "duplicate"}
    assert (items[0]["type"], items[0]["id"], items[0]["duplicate"]) == (
        "initiative",
        plant["id"],
        True,
    )
    verdict = {(i["type"], i["id"]): i["duplicate"] for i in items}
    assert verdict[("initiative", fell["id"])] is False
    assert verdict[("initiative", porz["id"])] is False
    assert [i["score"] for i in items] == sorted((i["score"] for i in items), reverse=True)
    wlan = client.get(
        "/api/v1/similar",
        params={"q": "Freies Internet per WLAN in den Bibliotheken der Stadt", "types": "measure"},
    ).json()
    assert wlan["items"][0] == wlan["items"][0] | {
        "type": "measure",
        "id": measure.id,
        "duplicate": True,
    }
    assert client.get("/api/v1/similar", params={"q": "x", "types": "bogus"}).status_code == 422


def test_review_queue_confirm_merges_and_reject_is_remembered(
    client: TestClient, plan: Database, editor: dict[str, str]
) -> None:
    original = create(client, editor, **PLANT)
    copy = create(
        client,
        editor,
        title="Neue Bäume für Kalk",
        description="In Kalk werden neue Straßenbäume gepflanzt.",
    )
    other = create(
        client,
        editor,
        title="Straßenbäume in Kalk pflanzen",
        description="Wir pflanzen in Kalk neue Bäume.",
    )
    queue = client.get("/api/v1/duplicate-suggestions", headers=editor).json()
    pairs = {(s["initiative_id"], s["other_id"]) for s in queue}
    assert (copy["id"], original["id"]) in pairs and (other["id"], original["id"]) in pairs
    make_user(plan, "redaktion@stadt-koeln.example", Role.EDITOR, department_code="DIG")
    login(client, "redaktion@stadt-koeln.example")
    page = client.get("/initiativen/dubletten")
    assert page.status_code == 200 and "Neue Bäume für Kalk" in page.text
    confirm_id = next(
        s["id"]
        for s in queue
        if s["initiative_id"] == copy["id"] and s["other_id"] == original["id"]
    )
    reject_id = next(
        s["id"]
        for s in queue
        if s["initiative_id"] == other["id"] and s["other_id"] == original["id"]
    )
    token = csrf_of(client, "/initiativen/dubletten")
    client.post(f"/initiativen/dubletten/{confirm_id}/bestaetigen", data={"csrf_token": token})
    client.post(f"/initiativen/dubletten/{reject_id}/ablehnen", data={"csrf_token": token})
    titles = [i["title"] for i in client.get("/api/v1/initiatives").json()["items"]]
    assert "Neue Bäume für Kalk" not in titles and "Bäume pflanzen in Kalk" in titles
    merged = client.get(f"/api/v1/initiatives/{copy['id']}").json()
    assert merged["duplicate_of_id"] == original["id"]
    assert "als Dublette zusammengeführt" in client.get(f"/initiativen/{copy['id']}").text
    again = client.post(f"/api/v1/duplicate-suggestions/{confirm_id}/reject", headers=editor)
    assert again.status_code == 409
    body = {
        "title": "Straßenbäume in Kalk pflanzen",
        "description": "Wir pflanzen in Kalk neue Bäume, auch 2026.",
    }
    client.put(f"/api/v1/initiatives/{other['id']}", json=body, headers=editor)
    open_pairs = {
        (s["initiative_id"], s["other_id"])
        for s in client.get("/api/v1/duplicate-suggestions", headers=editor).json()
    }
    assert (other["id"], original["id"]) not in open_pairs
    rejected = client.get("/api/v1/duplicate-suggestions?status=rejected", headers=editor).json()
    assert rejected[0]["decided_by"].startswith("Redaktion")
    audit = client.get("/api/v1/audit?entity_type=initiative", headers=editor)
    assert audit.status_code == 403


def test_typing_check_shows_similar_entries(client: TestClient, editor: dict[str, str]) -> None:
    create(client, editor, **PLANT)
    create(client, editor, title="Bäume fällen in Kalk", description="Kranke Bäume in Kalk fällen.")
    fragment = client.get(
        "/initiativen/aehnliche", params={"title": "Neue Bäume in Kalk pflanzen", "description": ""}
    )
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "Ähnliche vorhandene Einträge" in fragment.text
    assert (
        "wahrscheinlich dasselbe" in fragment.text
        and "Handlung: pflanzen ≠ fällen" in fragment.text
    )
