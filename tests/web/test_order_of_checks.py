"""Issue 15: who asks is decided before what is asked. Every write operation of the native
API answers an anonymous request 401 (or 403) before it looks at the body; only the routes
listed in OPEN are open to anyone and validate first."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from domstadt.core.auth.models import Role
from domstadt.core.db import Database
from tests.conftest import make_token, make_user

WRITES = {"post", "put", "patch", "delete"}
OPEN = {
    ("post", "/api/v1/signup"),
    ("post", "/api/v1/signup/confirm"),
    ("post", "/api/v1/signup/resend"),
    ("post", "/api/v1/password-reset"),
    ("post", "/api/v1/password-reset/confirm"),
    ("post", "/api/v1/feedback/{feedback_id}/reports"),
    ("post", "/api/v1/moderation/reports"),
    ("post", "/api/v1/subscriptions"),
}
"""The write operations anyone may call (sign-up, password reset, reporting a text, following
by e-mail with the double opt-in)."""

JSON = {"Content-Type": "application/json"}


def _writes(client: TestClient) -> dict[tuple[str, str], dict[str, object]]:
    spec = client.get("/api/v1/openapi.json").json()
    return {
        (method, path): operation
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if method in WRITES
    }


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_closed_write_answers_401_before_422(client: TestClient) -> None:
    writes = _writes(client)
    assert len(writes) > 50 and set(writes) >= OPEN
    wrong = []
    for method, path in sorted(set(writes) - OPEN):
        for body in (b"", b"{}", b"{", b'{"unknown": 1}'):
            answer = client.request(method.upper(), _url(path), content=body, headers=JSON)
            if answer.status_code not in {401, 403}:
                wrong.append(f"{method.upper()} {path} {body!r}: {answer.status_code}")
    assert not wrong, "\n".join(wrong)
    answer = client.post("/api/v1/measures", content=b"{", headers=JSON)
    assert answer.json()["error"]["code"] == "unauthenticated"
    assert "melden Sie sich an" in answer.json()["error"]["message"]


def test_the_open_writes_are_exactly_the_marked_ones(client: TestClient) -> None:
    marked = {key for key, op in _writes(client).items() if op.get("x-open-to-anyone")}
    assert marked == OPEN
    for method, path in sorted(OPEN):
        answer = client.request(method.upper(), _url(path), content=b"{}", headers=JSON)
        assert answer.status_code == 422, f"{method} {path}: {answer.status_code}"
        assert answer.json()["error"]["details"], path


def test_an_unknown_token_is_401_even_with_a_broken_body(client: TestClient) -> None:
    headers = {**JSON, "Authorization": "Bearer not-a-token"}
    answer = client.post("/api/v1/measures", content=b"{", headers=headers)
    assert answer.status_code == 401 and "Token" in answer.json()["error"]["message"]


def test_signed_in_people_still_hear_what_is_wrong_with_the_body(
    client: TestClient, db: Database
) -> None:
    make_user(db, "ada@example.org", role=Role.ADMIN)
    headers = {**JSON, "Authorization": f"Bearer {make_token(db, 'ada@example.org')}"}
    answer = client.post("/api/v1/measures", content=b"{}", headers=headers)
    assert answer.status_code == 422 and answer.json()["error"]["details"]


def test_report_title_from_the_json_body(client: TestClient, db: Database) -> None:
    make_user(db, "ada@example.org", role=Role.ADMIN)
    headers = {"Authorization": f"Bearer {make_token(db, 'ada@example.org')}"}
    created = client.post("/api/v1/reports", json={"title": "Bericht Q3"}, headers=headers)
    assert created.status_code == 201 and created.json()["title"] == "Bericht Q3"
    by_query = client.post("/api/v1/reports?title=Bericht%20Q4", headers=headers)
    assert by_query.status_code == 201 and by_query.json()["title"] == "Bericht Q4"
    same = client.post("/api/v1/reports?title=Q5", json={"title": "Q5"}, headers=headers)
    assert same.status_code == 201 and same.json()["title"] == "Q5"
    twice = client.post("/api/v1/reports?title=A", json={"title": "B"}, headers=headers)
    assert twice.status_code == 422 and "verschieden" in twice.json()["error"]["message"]
    unknown = client.post("/api/v1/reports", json={"titel": "Tippfehler"}, headers=headers)
    assert unknown.status_code == 422
    assert unknown.json()["error"]["details"][0]["field"] == "titel"
    titles = [r["title"] for r in client.get("/api/v1/reports").json()]
    assert sorted(titles) == ["Bericht Q3", "Bericht Q4", "Q5"]


def test_no_body_field_is_dropped_without_a_word(client: TestClient, db: Database) -> None:
    make_user(db, "ada@example.org", role=Role.ADMIN)
    headers = {"Authorization": f"Bearer {make_token(db, 'ada@example.org')}"}
    typo = client.post("/api/v1/tokens", json={"name": "Skript", "scope": "alles"}, headers=headers)
    assert typo.status_code == 422, typo.text
    error = typo.json()["error"]
    assert error["field"] == "scope" and "scope" in error["message"] and "name" in error["message"]
    assert len(client.get("/api/v1/tokens", headers=headers).json()) == 1  # only its own
    made = client.post("/api/v1/tokens", json={"name": "Skript"}, headers=headers)
    assert made.status_code == 201, made.text
    anonymous = client.post("/api/v1/tokens", json={"name": "x", "scope": "y"})
    assert anonymous.status_code == 401  # who asks first
    opened = client.post("/api/v1/signup/resend", json={"email": "a@example.org", "lang": "de"})
    assert opened.status_code == 422 and opened.json()["error"]["field"] == "lang"
    english = client.post("/api/v1/tokens?lang=en", json={"name": "x", "y": 1}, headers=headers)
    assert "Unknown fields" in english.json()["error"]["message"]
