"""The demo's challenges: one in the public vote with submissions and votes, one finished
with a winner that became a measure linking back; a second run adds nothing."""

from __future__ import annotations

from starlette.testclient import TestClient

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.demo import challenges, core, masterplan


def test_demo_challenges(client: TestClient, db: Database) -> None:
    actor = system_actor("demo")
    with db.session() as session:
        core.load(session, actor)
        masterplan.load(session, actor)
        first = challenges.load(session, actor)
    with db.session() as session:
        second = challenges.load(session, actor)
    assert first == {"challenges": 2, "measures": 1}
    assert second == {"challenges": 0, "measures": 0}

    listed = {c["title"]: c for c in client.get("/api/v1/challenges").json()}
    voting = listed[challenges.VOTE_TITLE]
    done = listed[challenges.DONE_TITLE]
    assert voting["phase"] == "vote" and done["phase"] == "results"
    assert len(client.get(f"/api/v1/challenges/{voting['id']}/submissions").json()) == 3
    results = client.get(f"/api/v1/challenges/{done['id']}/results").json()
    assert results["total_votes"] == 4
    winner = results["rows"][0]
    assert winner["status"] == "winner" and winner["measure_id"]
    page = client.get(f"/massnahmen/{winner['measure_id']}").text
    assert f"aus Wettbewerb: {challenges.DONE_TITLE}" in page
    assert "Gewinner" in client.get(f"/wettbewerbe/{done['id']}").text
