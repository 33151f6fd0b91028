"""Text PostgreSQL cannot store (the NUL character, more than its column holds) is a 4xx
naming the problem on every API, never a 500; SQLite stores it (found by the fuzz stage)."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from domstadt.core.db import Database
from tests.fuzz.seed import STA, Seeded


def _stored_or_refused(response: Any, db: Database, message: str, refused: int) -> None:
    """SQLite stores the text; PostgreSQL answers ``refused`` with ``message``."""
    if db.dialect == "sqlite":
        assert response.status_code in (200, 201), response.text
    else:
        assert response.status_code == refused, response.text
        assert message in response.text


def test_nul_character_in_text(client: TestClient, seeded: Seeded, db: Database) -> None:
    """CKAN title, SensorThings name and JSON result with U+0000 (PostgreSQL's json type
    keeps ``\\u0000`` escaped, so a result is stored on both)."""
    ckan = {"Authorization": seeded.admin_token}
    package = {"name": "nul-titel", "title": "Vor\u0000Nach", "owner_org": "stadt-koeln-69"}
    response = client.post("/api/3/action/package_create", json=package, headers=ckan)
    _stored_or_refused(response, db, "NUL", 409)
    sta = {"Authorization": f"Bearer {seeded.admin_token}"}
    thing = {"name": "Vor\u0000Nach", "description": "x"}
    _stored_or_refused(client.post(f"{STA}/Things", json=thing, headers=sta), db, "NUL", 400)
    observation = {"result": {"text": "\u0000"}, "Datastream": {"@iot.id": 1}}
    response = client.post(f"{STA}/Observations", json=observation, headers=sta)
    assert response.status_code == 201, response.text


def test_file_suffix_longer_than_a_format(client: TestClient, seeded: Seeded) -> None:
    """A 100-character suffix is no file format: the upload is kept without one."""
    response = client.post(
        "/api/3/action/resource_create",
        data={"package_id": seeded.dataset_name, "name": "Langes Ende"},
        files={"upload": ("ü" * 200 + "." + "x" * 100, b"a;b\n1;2\n", "text/plain")},
        headers={"Authorization": seeded.admin_token},
    )
    assert response.status_code == 200, response.text
    assert response.json()["result"]["format"] == ""
