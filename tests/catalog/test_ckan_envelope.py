"""CKAN's exact envelope, status codes and the harvest pattern (paged, sorted by id, fq)."""

from __future__ import annotations

import datetime as dt

from starlette.testclient import TestClient

from domstadt.core.db import Database
from tests.catalog.conftest import make_dataset


def test_envelope_and_errors_on_both_paths(client: TestClient, departments: None) -> None:
    ok = client.get("/api/3/action/status_show")
    assert ok.status_code == 200
    body = ok.json()
    assert set(body) == {"help", "success", "result"} and body["success"] is True
    missing = client.get("/api/action/package_show", params={"id": "nix"})
    assert missing.status_code == 404
    assert missing.json()["success"] is False
    assert missing.json()["error"]["__type"] == "Not Found Error"
    unknown = client.post("/api/3/action/no_such_action", json={})
    assert unknown.status_code == 400
    assert "Action name not known" in unknown.json()["error"]["message"]
    denied = client.post("/api/3/action/package_create", json={"title": "X"})
    assert denied.status_code == 403
    assert denied.json()["error"]["__type"] == "Authorization Error"


def test_validation_error_names_fields_and_writes_nothing(
    client: TestClient, editor_token: str
) -> None:
    bad = client.post(
        "/api/3/action/package_create",
        json={"name": "ok-name", "title": "Titel", "license_id": "unbekannt", "groups": ["xyz"]},
        headers={"X-CKAN-API-Key": editor_token},
    )
    assert bad.status_code == 409
    error = bad.json()["error"]
    assert error["__type"] == "Validation Error"
    assert "Lizenz" in error["license_id"][0] and "Thema" in error["themes"][0]
    assert client.get("/api/3/action/package_list").json()["result"] == []


def test_bearer_and_raw_token_are_both_accepted(client: TestClient, editor_token: str) -> None:
    for header in (f"Bearer {editor_token}", editor_token):
        name = "a-" + str(len(header))
        response = client.post(
            "/api/action/package_create",
            json={"name": name, "title": "Baustellen", "owner_org": "stadt-koeln-69"},
            headers={"Authorization": header},
        )
        assert response.status_code == 200, response.text
    assert len(client.get("/api/action/package_list").json()["result"]) == 2


def test_harvest_pattern_pages_by_id_and_filters_by_modified(
    client: TestClient, db: Database, departments: None
) -> None:
    for i in range(7):
        make_dataset(db, name=f"satz-{i}", title=f"Datensatz {i}", keywords=["Verkehr"])
    ids: list[str] = []
    start = 0
    while True:
        page = client.get(
            "/api/3/action/package_search",
            params={"q": "*:*", "sort": "id asc", "rows": 3, "start": start},
        ).json()["result"]
        ids.extend(r["id"] for r in page["results"])
        start += 3
        if start >= page["count"]:
            break
    assert len(ids) == 7 and ids == sorted(ids)
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    later = client.get(
        "/api/3/action/package_search", params={"fq": f"metadata_modified:[{future} TO *]"}
    )
    assert later.json()["result"]["count"] == 0
    past = client.get(
        "/api/3/action/package_search",
        params={
            "fq": "metadata_modified:[2020-01-01T00:00:00Z TO *]",
            "rows": 0,
            "facet.field": '["tags","organization"]',
        },
    ).json()["result"]
    assert past["count"] == 7 and past["results"] == []
    assert past["facets"]["tags"] == {"Verkehr": 7}
    assert past["search_facets"]["organization"]["items"][0]["display_name"] == (
        "Amt für Verkehrsmanagement"
    )


def test_restricted_dataset_needs_a_reason_and_stays_hidden(
    client: TestClient, db: Database, editor_token: str
) -> None:
    headers = {"Authorization": editor_token}
    no_reason = client.post(
        "/api/3/action/package_create",
        json={"name": "intern", "title": "Intern", "owner_org": "stadt-koeln-69", "private": True},
        headers=headers,
    )
    assert no_reason.status_code == 409 and "restriction_reason" in no_reason.json()["error"]
    made = client.post(
        "/api/3/action/package_create",
        json={
            "name": "intern",
            "title": "Intern",
            "owner_org": "stadt-koeln-69",
            "extras": [
                {"key": "access_rights", "value": "RESTRICTED"},
                {"key": "restriction_reason", "value": "personal_data"},
            ],
        },
        headers=headers,
    )
    assert made.status_code == 200 and made.json()["result"]["private"] is True
    assert client.get("/api/3/action/package_show", params={"id": "intern"}).status_code == 404
    seen = client.get("/api/3/action/package_show", params={"id": "intern"}, headers=headers)
    assert seen.status_code == 200
    assert client.get("/api/3/action/organization_list").json()["result"] == []
