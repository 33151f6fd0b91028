"""The default order of the funding radar: calls one can still apply to first, closed last."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from domstadt.core.db import Database
from tests.funding.conftest import import_real


def test_open_calls_come_first_and_closed_last(client: TestClient, plan: Database) -> None:
    import_real(plan)
    items = client.get("/api/v1/funding/programmes", params={"limit": 100}).json()["items"]
    statuses = [p["status"] for p in items]
    assert "closed" in statuses and set(statuses) - {"closed"}, statuses
    first_closed = statuses.index("closed")
    assert set(statuses[first_closed:]) == {"closed"}, statuses
    still_open = items[:first_closed]
    dated = [p["call_close"] for p in still_open if p["call_close"]]
    assert dated == sorted(dated)
    undated = [i for i, p in enumerate(still_open) if not p["call_close"]]
    assert not undated or undated[0] == len(dated), "programmes without deadline follow"
    closed = [p["call_close"] for p in items[first_closed:] if p["call_close"]]
    assert closed == sorted(closed, reverse=True), "the most recently closed first"


def test_page_lists_an_open_programme_first(client: TestClient, plan: Database) -> None:
    import_real(plan)
    first = client.get("/api/v1/funding/programmes", params={"limit": 1}).json()["items"][0]
    assert first["status"] != "closed"
    page = client.get("/foerderung").text
    titles = re.findall(r'<a href="/foerderung/(\d+)"', page)
    assert titles and titles[0] == str(first["id"])
