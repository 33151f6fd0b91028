"""Text that ``str.isdigit`` calls digits but ``int`` cannot read (``²``, ``①``) is refused
or ignored, never a 500: numbers typed into forms, paths and filters are checked with
``isdecimal``, which accepts exactly what ``int`` reads."""

from __future__ import annotations

import json

from starlette.testclient import TestClient

from tests.fuzz.seed import STA, Seeded

NOT_DECIMAL = ["²", "①", "1²"]


def test_dashboard_ignores_a_superscript_datastream(client: TestClient, seeded: Seeded) -> None:
    """/sensoren?a=² shows the dashboard without an analysis."""
    for value in NOT_DECIMAL:
        response = client.get("/sensoren", params={"a": value, "b": value})
        assert response.status_code == 200, response.text[-500:]


def test_ckan_organisation_references(client: TestClient, seeded: Seeded) -> None:
    """owner_org and fq name organisations as ``org-<number>``; ``org-²`` is unknown."""
    auth = {"Authorization": seeded.admin_token}
    for value in NOT_DECIMAL:
        search = client.get(
            "/api/3/action/package_search", params={"fq": f"organization:org-{value}"}
        )
        assert search.status_code == 200, search.text
        body = {"name": "hochgestellt", "title": "Hochgestellt", "owner_org": f"org-{value}"}
        created = client.post("/api/3/action/package_create", json=body, headers=auth)
        assert created.status_code == 409, created.text


def test_json_patch_index_that_is_no_number(client: TestClient, seeded: Seeded) -> None:
    """A JSON Patch pointer into an array with ``²`` as index: 400 naming the pointer."""
    auth = {
        "Authorization": f"Bearer {seeded.admin_token}",
        "Content-Type": "application/json-patch+json",
    }
    thing = client.get(f"{STA}/Things?$top=1&$select=id").json()["value"][0]["@iot.id"]
    patch = [
        {"op": "add", "path": "/properties/spuren", "value": [1, 2]},
        {"op": "replace", "path": "/properties/spuren/²", "value": 3},
    ]
    response = client.patch(f"{STA}/Things({thing})", content=json.dumps(patch), headers=auth)
    assert response.status_code == 400, response.text
    assert response.json()["type"] == "error"
