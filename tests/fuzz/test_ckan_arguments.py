"""CKAN action arguments of the wrong JSON type are CKAN's validation error (409, the
argument named), never a 500 (issue 14: ``"resources": "x"``); DataStore results that JSON
cannot carry (NaN, Infinity, bytes) are still answered."""

from __future__ import annotations

import json
from typing import Any

from starlette.testclient import TestClient

from tests.fuzz.seed import Seeded

WRONG_PACKAGES: list[tuple[dict[str, Any], str]] = [
    ({"resources": "x"}, "resources"),
    ({"resources": [1, 2]}, "resources"),
    ({"resources": {"url": "https://example.org/a.csv"}}, "resources"),
    ({"extras": 1}, "extras"),
    ({"extras": ["key"]}, "extras"),
]
WRONG_SEARCHES: list[tuple[dict[str, Any], str]] = [
    ({"fields": [[]]}, "fields"),
    ({"fields": True}, "fields"),
    ({"fields": [1]}, "fields"),
    ({"filters": {"wert": []}}, "filters"),
    ({"filters": {"wert": {"a": 1}}}, "filters"),
    ({"filters": [1]}, "filters"),
    ({"limit": 1e300}, "limit"),
    ({"limit": "viele"}, "limit"),
    ({"offset": 2**63}, "offset"),
]


def _validation_error(response: Any, argument: str) -> None:
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["success"] is False and body["error"]["__type"] == "Validation Error"
    assert argument in body["error"], body


def test_package_create_with_wrongly_typed_lists(client: TestClient, seeded: Seeded) -> None:
    """package_create refuses before writing anything: no half-made dataset stays."""
    auth = {"Authorization": seeded.admin_token}
    for number, (wrong, argument) in enumerate(WRONG_PACKAGES):
        body = {"name": f"falsch-{number}", "title": "Falsch", "owner_org": "stadt-koeln-69"}
        response = client.post("/api/3/action/package_create", json={**body, **wrong}, headers=auth)
        _validation_error(response, argument)
        shown = client.get("/api/3/action/package_show", params={"id": body["name"]})
        assert shown.status_code == 404


def test_datastore_search_with_wrongly_typed_arguments(client: TestClient, seeded: Seeded) -> None:
    """fields, filters, limit and offset of the wrong type or range: 409 naming them."""
    for wrong, argument in WRONG_SEARCHES:
        body = {"resource_id": seeded.resource_id, **wrong}
        response = client.post(
            "/api/3/action/datastore_search",
            content=json.dumps(body),
            headers={"content-type": "application/json"},
        )
        _validation_error(response, argument)


def test_datastore_search_with_infinity(client: TestClient, seeded: Seeded) -> None:
    """1e400 is Infinity once parsed: refused before any argument is read, with a message."""
    response = client.post(
        "/api/3/action/datastore_search",
        content=json.dumps({"resource_id": seeded.resource_id, "limit": 1e400}),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["__type"] == "Validation Error" and "Infinity" in error["message"]


def test_datastore_sql_values_json_cannot_carry(client: TestClient, seeded: Seeded) -> None:
    """Division by zero gives Infinity/NaN in DuckDB: answered as null; bytes as hex text."""
    sql = (
        f"SELECT wert / 0 AS unendlich, 0.0 / 0 AS keine_zahl, '\\x41'::BLOB AS roh "
        f'FROM "{seeded.resource_id}" WHERE wert IS NOT NULL LIMIT 1'
    )
    response = client.get("/api/3/action/datastore_search_sql", params={"sql": sql})
    assert response.status_code == 200, response.text
    record = response.json()["result"]["records"][0]
    assert record["unendlich"] is None and record["keine_zahl"] is None
    assert record["roh"] == "\\x41"
