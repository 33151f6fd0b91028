"""Integers beyond 64 bits in ids, pages, offsets and limits of every API are a 4xx with a
German message, never a 500 (issue 14: 2^63 in ids, page, offset, $skip, year())."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import csrf_of, login
from tests.fuzz.routes import HUGE_INTEGERS, int_routes
from tests.fuzz.seed import ADMIN, Seeded

STA = "/sta/v1.1"


def _as_admin(client: TestClient) -> dict[str, str]:
    """Sign the client in as the admin; returns the CSRF header for its writes."""
    login(client, ADMIN)
    return {"X-CSRF-Token": csrf_of(client)}


def test_every_route_refuses_huge_integers(client: TestClient, seeded: Seeded) -> None:
    """Each route with an integer path or query parameter, signed in as admin: no 5xx."""
    headers = _as_admin(client)
    strings = {"name": seeded.dataset_name, "code": "69", "ext": "ttl", "decision": "confirm"}
    server_errors = []
    for route in int_routes(client.app):  # type: ignore[arg-type]
        for huge in HUGE_INTEGERS:
            url = route.url(huge, strings)
            data = {"csrf_token": headers["X-CSRF-Token"]} if route.method == "POST" else None
            response = client.request(route.method, url, headers=headers, data=data)
            if response.status_code >= 500:
                server_errors.append(f"{route.method} {url}: {response.status_code}")
    assert not server_errors, "\n".join(server_errors)


def test_huge_id_answers_in_german(client: TestClient, seeded: Seeded) -> None:
    """A 422 naming the range (SQLite cannot bind 2^63; PostgreSQL: out of range)."""
    response = client.get(f"/api/v1/measures/{2**63}")
    assert response.status_code == 422, response.text
    assert "zu groß für die Datenbank" in response.json()["error"]["message"]


STA_QUERIES = [
    f"Things({2**63})",
    f"Things({10**30})/Datastreams",
    f"Things(1)/Datastreams({2**64})",
    f"Observations?$top={2**63}",
    f"Observations?$skip={2**63}",
    f"Observations?$skip={10**30}&$top=1",
    f"Observations?$filter=year(phenomenonTime) eq {2**63}",
    f"Observations?$filter=year(phenomenonTime) gt {10**30}",
    f"Observations?$filter=result eq {2**64}",
    f"Observations?$filter=id eq {2**63}",
    f"Observations?$filter=hour(phenomenonTime) add {2**62} gt {2**62}",
    f"Things?$expand=Datastreams($top={2**63};$skip={2**63})",
    f"Datastreams({2**63})/Observations?$count=true",
]


def test_sensorthings_huge_integers(client: TestClient, seeded: Seeded) -> None:
    """SensorThings ids, $top, $skip and $filter literals: a 4xx in FROST's envelope."""
    server_errors = []
    for query in STA_QUERIES:
        response = client.get(f"{STA}/{query}")
        if response.status_code >= 500:
            server_errors.append(f"{query}: {response.text}")
        elif response.status_code >= 400:
            assert response.json()["type"] == "error", response.text
    assert not server_errors, "\n".join(server_errors)


CKAN_ACTIONS = ["package_search", "datastore_search", "package_list", "organization_list"]
CKAN_NUMBERS = ["rows", "start", "offset", "limit", "facet.limit"]


def test_ckan_huge_integers(client: TestClient, seeded: Seeded) -> None:
    """CKAN paging of searches, lists and the DataStore: CKAN's envelope, never a 500."""
    server_errors = []
    for action in CKAN_ACTIONS:
        for name in CKAN_NUMBERS:
            for huge in (2**63, -(2**63) - 1):
                params = {name: str(huge), "resource_id": seeded.resource_id}
                response = client.get(f"/api/3/action/{action}", params=params)
                if response.status_code >= 500:
                    server_errors.append(f"{action} {name}={huge}: {response.text}")
                else:
                    assert response.json()["success"] is (response.status_code == 200)
    assert not server_errors, "\n".join(server_errors)
