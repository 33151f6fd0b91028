"""Fixtures of the registry tests: an editor's and a member's API token, JSON helpers, the
real e5 model."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from domstadt.core.auth.models import Role
from domstadt.core.db import Database
from domstadt.core.text.embedders import E5Embedder, e5_cpu_problem
from tests.conftest import make_token, make_user


@pytest.fixture(scope="module")
def e5() -> E5Embedder:
    """The real multilingual-e5-small model (skipped on CPUs it cannot use)."""
    problem = e5_cpu_problem()
    if problem:
        pytest.skip(f"e5 cannot run here: {problem}")
    return E5Embedder()


@pytest.fixture
def editor(plan: Database) -> dict[str, str]:
    """Authorization header of an editor (Stabsstelle Digitalisierung)."""
    make_user(plan, "erika@stadt-koeln.example", Role.EDITOR, department_code="DIG")
    return {"Authorization": f"Bearer {make_token(plan, 'erika@stadt-koeln.example')}"}


@pytest.fixture
def member(plan: Database) -> dict[str, str]:
    """Authorization header of a member without editing rights."""
    make_user(plan, "max@example.org", Role.MEMBER)
    return {"Authorization": f"Bearer {make_token(plan, 'max@example.org')}"}


def create(client: TestClient, headers: dict[str, str], **values: Any) -> dict[str, Any]:
    """POST an initiative and return the created record (fails the test otherwise)."""
    response = client.post("/api/v1/initiatives", json=values, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body
