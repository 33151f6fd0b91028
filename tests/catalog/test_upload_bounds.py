"""Uploads that broke the normaliser answer a clear refusal, never 500, and keep nothing
(issue 14): a CSV field over 128 KiB, a damaged workbook, a workbook with a DTD, GeoJSON
nested beyond the JSON limit."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from domstadt.core.db import Database
from tests.catalog.conftest import make_dataset
from tests.hostile_files import DEEP_JSON, csv_with_long_field, truncated, with_dtd, workbook

ROWS: list[list[object]] = [["Stadtteil", "Anzahl"], ["Kalk", 17], ["Porz", 9]]


# Named ids: the files' bytes hold the time they were made, and ids made from them differ
# between pytest-xdist workers that collect two seconds apart (the whole run then stops).
@pytest.mark.parametrize(
    ("filename", "content", "words"),
    [
        ("zaehlung.csv", csv_with_long_field("Stadtteil;Anzahl"), "länger als 128 KiB"),
        ("kaputt.xlsx", workbook(ROWS, truncated), "XLSX-Datei ist nicht lesbar"),
        ("dtd.xlsx", workbook(ROWS, with_dtd), "DTD"),
        ("tief.geojson", DEEP_JSON, "höchstens 64 Ebenen"),
    ],
    ids=["csv-long-field", "xlsx-truncated", "xlsx-dtd", "deep-json"],
)
def test_hostile_upload_is_refused_and_nothing_kept(
    client: TestClient, db: Database, editor_token: str, filename: str, content: bytes, words: str
) -> None:
    make_dataset(db, name="zaehlung", title="Zählung")
    response = client.post(
        "/api/3/action/resource_create",
        data={"package_id": "zaehlung", "name": "Zählung"},
        files={"upload": (filename, content)},
        headers={"Authorization": editor_token},
    )
    assert response.status_code == 409, response.text
    assert words in response.json()["error"]["message"]
    shown = client.get("/api/3/action/package_show?id=zaehlung").json()["result"]
    assert shown["resources"] == []


def test_workbook_within_bounds_is_still_read(
    client: TestClient, db: Database, editor_token: str
) -> None:
    make_dataset(db, name="zaehlung", title="Zählung")
    response = client.post(
        "/api/3/action/resource_create",
        data={"package_id": "zaehlung", "name": "Zählung"},
        files={"upload": ("zaehlung.xlsx", workbook(ROWS))},
        headers={"Authorization": editor_token},
    )
    assert response.status_code == 200, response.text
    assert response.json()["result"]["datastore_active"]
