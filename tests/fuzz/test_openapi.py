"""Schemathesis over the whole native OpenAPI: no generated request may get a 5xx answer,
as an admin (Bearer token) and anonymously, on a seeded database."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import given, seed
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from starlette.testclient import TestClient

from tests.fuzz.conftest import FUZZ_SEED, FUZZ_SETTINGS, report
from tests.fuzz.seed import Seeded


def _fuzz_operation(operation: Any, headers: dict[str, str]) -> None:
    """Valid and invalid requests for one operation (schemathesis strategies)."""
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @seed(FUZZ_SEED)
    @FUZZ_SETTINGS
    @given(case=cases)
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    run()


@pytest.mark.parametrize("role", ["admin", "anonymous"])
def test_no_server_error(client: TestClient, seeded: Seeded, role: str) -> None:
    """Every operation of /api/v1/openapi.json, fuzzed: any status below 500 is an answer."""
    headers = {"Authorization": f"Bearer {seeded.admin_token}"} if role == "admin" else {}
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", client.app)
    failures: dict[str, BaseException] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            _fuzz_operation(operation, headers)
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis' FailureGroup
            failures[operation.label] = exc
    assert not failures, report(failures)
