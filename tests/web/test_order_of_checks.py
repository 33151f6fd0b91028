"""Issue 15: who asks is decided before what is asked. Every write operation of the native
API answers an anonymous request 401 (or 403) before it looks at the body; only the routes
listed in OPEN are open to anyone and validate first."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import textwrap
from collections.abc import Callable

import pytest
from fastapi.routing import APIRoute
from starlette.testclient import TestClient

from domstadt.core.auth import directory_service as directory
from domstadt.core.auth.models import DepartmentKind, Role
from domstadt.core.auth.permissions import Permission, system_actor
from domstadt.core.auth.schemas import DepartmentCreate
from domstadt.core.db import Database
from domstadt.web import api as web_api
from domstadt.web.deps import NEEDS_PERMISSION_KEY, OPEN_TO_ANYONE_KEY
from domstadt.web.domains import domain_routers
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
    ("post", "/api/v1/infrastructure/check"),
}
"""The write operations anyone may call (sign-up, password reset, reporting a text, following
by e-mail with the double opt-in, and checking a planned sensor site against coverage, which
writes nothing: a POST only for its body)."""

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


def _service_permissions(endpoint: Callable[..., object]) -> set[str]:
    """The permissions of the service functions an endpoint calls (read from its source)."""
    module = importlib.import_module(endpoint.__module__)
    found: set[str] = set()
    for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(endpoint)))):
        if not isinstance(node, ast.Call):
            continue
        names, target = [], node.func
        while isinstance(target, ast.Attribute):
            names.insert(0, target.attr)
            target = target.value
        if not isinstance(target, ast.Name):
            continue
        obj: object = module
        for name in (target.id, *names):
            obj = getattr(obj, name, None)
        permission = getattr(obj, "__permission__", None)
        if isinstance(permission, Permission):
            found.add(permission.value)
    return found


def _closed_write_routes() -> list[APIRoute]:
    routers = [*domain_routers(), web_api.router]
    return [
        route
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute)
        and route.include_in_schema
        and route.methods & {m.upper() for m in WRITES}
        and route.path.startswith("/api/v1/")
        and not (route.openapi_extra or {}).get(OPEN_TO_ANYONE_KEY)
    ]


def test_every_closed_write_names_the_permission_its_service_checks() -> None:
    """The route's marker (``deps.needs``) is the permission of the service it calls, so the
    early 403 can never refuse what the service would allow."""
    routes = _closed_write_routes()
    assert len(routes) > 50
    wrong = []
    for route in routes:
        marked = (route.openapi_extra or {}).get(NEEDS_PERMISSION_KEY)
        checked = _service_permissions(route.endpoint)
        if marked is None or marked not in checked:
            wrong.append(f"{sorted(route.methods)} {route.path}: marked {marked}, checks {checked}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("role", "lacks"),
    [
        (Role.MEMBER, {Permission.CONTENT_EDIT, Permission.CONTENT_MODERATE}),
        (Role.MODERATOR, {Permission.CONTENT_EDIT, Permission.DEPARTMENT_MANAGE}),
        (Role.EDITOR, {Permission.CONTENT_MODERATE, Permission.USER_MANAGE}),
    ],
)
def test_signed_in_without_the_right_hears_403_before_422(
    client: TestClient, db: Database, role: Role, lacks: set[Permission]
) -> None:
    with db.session() as session:
        directory.department_create(
            session,
            actor=system_actor("tests"),
            data=DepartmentCreate(code="69", name="Amt 69", kind=DepartmentKind.AMT),
        )
        session.commit()
    make_user(db, "someone@example.org", role=role, department_code="69")
    headers = {**JSON, "Authorization": f"Bearer {make_token(db, 'someone@example.org')}"}
    spec = _writes(client)
    refused = [key for key, op in spec.items() if op.get(NEEDS_PERMISSION_KEY) in lacks]
    assert len(refused) >= 3
    wrong = []
    for method, path in sorted(refused):
        for body in (b"", b"{}", b"{", b'{"unknown": 1}'):
            answer = client.request(method.upper(), _url(path), content=body, headers=headers)
            if answer.status_code != 403:
                wrong.append(f"{method.upper()} {path} {body!r}: {answer.status_code}")
    assert not wrong, "\n".join(wrong)
    answer = client.post("/api/v1/challenges", content=b"{}", headers=headers)
    if Permission.CONTENT_EDIT in lacks:
        assert answer.json()["error"]["code"] == "forbidden"
        assert "Berechtigung" in answer.json()["error"]["message"]
    assert spec[("post", "/api/v1/tokens")][NEEDS_PERMISSION_KEY] == "account.self"
    held = client.post("/api/v1/tokens", content=b"{}", headers=headers)  # a right every role has
    assert held.status_code == 422 and held.json()["error"]["details"]
