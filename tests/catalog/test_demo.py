"""The demo catalogue loads through the services, twice without duplicates."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import get_settings
from domstadt.core.db import Database
from domstadt.demo import catalog as demo_catalog
from domstadt.demo import core as demo_core


def test_demo_catalog_is_idempotent_and_queryable(
    client: TestClient, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOMSTADT_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    try:
        with db.session() as session:
            demo_core.load(session, system_actor("demo"))
            assert demo_catalog.load(session, system_actor("demo")) == {"datasets": 13}
        with db.session() as session:
            assert demo_catalog.load(session, system_actor("demo")) == {"datasets": 0}
    finally:
        get_settings.cache_clear()
    result = client.get(
        "/api/3/action/package_search", params={"q": "Bundestagswahl", "facet.field": '["groups"]'}
    ).json()["result"]
    assert result["count"] == 1
    resource = next(r for r in result["results"][0]["resources"] if r["datastore_active"])
    assert resource["format"] == "CSV"
    assert client.get("/daten").text.count('class="card"') == 13
