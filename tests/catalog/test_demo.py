"""The demo catalogue loads through the services, twice without duplicates: datasets with
their real files, the election CSV (queryable), the street segments GeoJSON (with its map)
and links to measures."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import get_settings
from domstadt.core.db import Database
from domstadt.demo import catalog as demo_catalog
from domstadt.demo import core as demo_core
from domstadt.demo import masterplan as demo_masterplan


def test_demo_catalog_is_idempotent_and_queryable(
    client: TestClient, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOMSTADT_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    try:
        with db.session() as session:
            demo_core.load(session, system_actor("demo"))
            demo_masterplan.load(session, system_actor("demo"))
            first = demo_catalog.load(session, system_actor("demo"))
            assert first == {"datasets": 13, "files": 13, "geo_files": 1, "measure_links": 7}
        with db.session() as session:
            again = demo_catalog.load(session, system_actor("demo"))
            assert again == {"datasets": 0, "files": 0, "geo_files": 0, "measure_links": 0}
    finally:
        get_settings.cache_clear()
    result = client.get(
        "/api/3/action/package_search", params={"q": "Bundestagswahl", "facet.field": '["groups"]'}
    ).json()["result"]
    assert result["count"] == 1
    resource = next(r for r in result["results"][0]["resources"] if r["datastore_active"])
    assert resource["format"] == "CSV"
    assert client.get("/daten").text.count('class="card"') == 13
    traffic = client.get("/daten/verkehrslage-strassen").text
    assert 'id="catalog-map"' in traffic and "SC-02" in traffic and "DO-03" in traffic
    shown = client.get("/api/3/action/package_show", params={"id": "verkehrslage-strassen"})
    package = shown.json()["result"]
    assert {r["format"] for r in package["resources"]} >= {"GEOJSON"}
    assert "/massnahmen/" in {e["key"]: e["value"] for e in package["extras"]}["measures"]
