"""JSON bodies and JSON parameters are bounded (issue 14): nesting depth 64, numbers of at
most 100 digits, strings of at most 100,000 characters. Beyond, every API answers invalid
input in its own envelope with a German message naming the limit; before, deep JSON was a
500 in the CKAN API and an English 400 elsewhere, and 4,000-digit numbers reached services."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from domstadt.core.auth.models import Role
from domstadt.core.db import Database
from tests.conftest import make_token, make_user

DEEP = "[" * 65 + "]" * 65
VERY_DEEP = "[" * 5000 + "]" * 5000
NESTED = '{"a":' * 62 + "1" + "}" * 62  # in a Thing's properties: 64 levels in all
BIG = "1" + "0" * 4000
LONG = '"' + "x" * 100_001 + '"'
DEPTH = "höchstens 64 Ebenen"
DIGITS = "höchstens 100 Ziffern"
LENGTH = "höchstens 100000"


def thing(properties: str) -> str:
    """A SensorThings Thing with ``properties`` (JSON text)."""
    return '{"name": "Messstation", "description": "Ehrenfeld", "properties": ' + properties + "}"


def location(coordinates: str) -> str:
    """A SensorThings Location with a GeoJSON point of ``coordinates`` (JSON text)."""
    return (
        '{"name": "Ort", "description": "d", "encodingType": "application/geo+json", '
        '"location": {"type": "Point", "coordinates": ' + coordinates + "}}"
    )


def organisation(extra: str) -> str:
    """An organisation with one more member ``extra`` (JSON text of a value)."""
    return '{"name": "Verein", "kind": "association", "x": ' + extra + "}"


@pytest.fixture
def admin(db: Database) -> dict[str, str]:
    """Authorization header of an administrator."""
    make_user(db, "admin@stadt-koeln.example", Role.ADMIN)
    return {"Authorization": f"Bearer {make_token(db, 'admin@stadt-koeln.example')}"}


def _message(body: dict) -> str:
    """The message of the native, CKAN or SensorThings envelope."""
    error = body.get("error", body)
    return str(error["message"])


@pytest.mark.parametrize(
    ("url", "body", "status", "words"),
    [
        ("/api/v1/organisations", organisation(VERY_DEEP), 422, DEPTH),
        ("/api/v1/organisations", organisation(BIG), 422, DIGITS),
        ("/api/v1/organisations", organisation(LONG), 422, LENGTH),
        ("/api/v1/organisations", organisation("NaN"), 422, "NaN"),
        ("/api/3/action/package_create", '{"name": ' + VERY_DEEP + "}", 409, DEPTH),
        ("/api/3/action/package_search", '{"q": "x", "rows": ' + BIG + "}", 409, DIGITS),
        ("/sta/v1.1/Things", thing(DEEP), 400, DEPTH),
        ("/sta/v1.1/Things", thing('{"a": ' + BIG + "}"), 400, DIGITS),
        ("/sta/v1.1/Locations", location("[" * 3000 + "6.9, 50.9" + "]" * 3000), 400, DEPTH),
        ("/sta/v1.1/Locations", location(f"[{BIG}, 50.9]"), 400, DIGITS),
    ],
)  # fmt: skip
def test_json_bodies_beyond_the_limits_are_refused(
    client: TestClient, admin: dict[str, str], url: str, body: str, status: int, words: str
) -> None:
    headers = {**admin, "Content-Type": "application/json"}
    response = client.post(url, content=body, headers=headers)
    assert response.status_code == status, response.text
    assert words in _message(response.json())


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("datastore_search?resource_id=x&filters=" + "%5B" * 3000, DEPTH),
        ("package_search?q=x&facet.field=" + "%5B" * 3000, DEPTH),
    ],
)
def test_json_parameters_beyond_the_limits_are_refused(
    client: TestClient, query: str, words: str
) -> None:
    """CKAN parameters that carry JSON (filters, facet.field): before, a RecursionError."""
    response = client.get(f"/api/3/action/{query}")
    assert response.status_code == 409, response.text
    assert words in _message(response.json())


def test_multipart_batch_part_beyond_the_limits_is_refused(
    client: TestClient, admin: dict[str, str]
) -> None:
    part = (
        "Content-Type: application/http\r\n\r\nPOST /sta/v1.1/Things HTTP/1.1\r\n"
        f"Content-Type: application/json\r\n\r\n{thing(VERY_DEEP)}\r\n"
    )
    body = f"--b\r\n{part}--b--\r\n"
    headers = {**admin, "Content-Type": "multipart/mixed; boundary=b"}
    response = client.post("/sta/v1.1/$batch", content=body.encode(), headers=headers)
    assert response.status_code == 400, response.text
    assert DEPTH in response.json()["message"]


def test_json_at_the_limits_is_accepted(client: TestClient, admin: dict[str, str]) -> None:
    """64 levels, 100 digits and 100,000 characters are still fine."""
    properties = f'{{"deep": {NESTED}, "n": {"9" * 100}, "text": "{"x" * 100_000}"}}'
    response = client.post("/sta/v1.1/Things", content=thing(properties), headers=admin)
    assert response.status_code == 201, response.text
