"""The demo loads through the services and a second run adds nothing."""

from __future__ import annotations

from starlette.testclient import TestClient

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.demo import core, masterplan


def test_demo_is_idempotent_and_shows_a_stalled_pilot(client: TestClient, db: Database) -> None:
    actor = system_actor("demo")
    with db.session() as session:
        core.load(session, actor)
        first = masterplan.load(session, actor)
    with db.session() as session:
        second = masterplan.load(session, actor)
    assert first["measures"] >= 20 and first["budget_allocations"] > 0
    assert all(v == 0 for v in second.values()), second
    listing = client.get("/api/v1/measures?per_page=100").json()
    assert listing["total"] == first["measures"]
    fields = {f["code"] for m in listing["items"] for f in m["fields"]}
    assert fields == {"digitale-verwaltung", "smart-city", "datenoekonomie"}
    assert any(m["code"].startswith("IHK-") for m in listing["items"])
    assert client.get("/api/v1/masterplan/dashboard").json()["stalled"]
    programme = client.get("/api/v1/measures?q=Programm").json()["items"][0]
    assert client.get(f"/api/v1/measures/{programme['id']}").json()["children"]
