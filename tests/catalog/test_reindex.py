"""`domstadt datasets reindex` rebuilds the full-text index, so search finds datasets again."""

from __future__ import annotations

import pytest
from sqlalchemy import delete
from starlette.testclient import TestClient
from typer.testing import CliRunner

from domstadt.catalog.cli import datasets_app
from domstadt.core import config
from domstadt.core.db import Database
from domstadt.core.text.models import SearchDocument
from tests.catalog.conftest import make_dataset
from tests.conftest import TEST_SECRET


def test_reindex_restores_search(
    client: TestClient, db: Database, departments: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_dataset(db, name="baeume", title="Baumkataster Köln")
    make_dataset(db, name="rad", title="Radverkehr Zählstellen")
    with db.session() as session:
        session.execute(delete(SearchDocument))
    assert client.get("/api/v1/datasets", params={"q": "Baumkataster"}).json()["count"] == 0
    monkeypatch.setenv("DOMSTADT_DATABASE_URL", db.url)
    monkeypatch.setenv("DOMSTADT_SECRET_KEY", TEST_SECRET)
    config.get_settings.cache_clear()
    try:
        result = CliRunner().invoke(datasets_app, ["reindex"])
    finally:
        config.get_settings.cache_clear()
    assert result.exit_code == 0 and "2 Datensätze neu indiziert" in result.output
    found = client.get("/api/v1/datasets", params={"q": "Baumkataster"}).json()
    assert [d["name"] for d in found["results"]] == ["baeume"]
