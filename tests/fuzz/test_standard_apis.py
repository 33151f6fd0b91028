"""Hypothesis fuzz of the standard APIs outside OpenAPI: SensorThings query options and
writes, CKAN actions and package_search, DataStore search and SQL. Any 5xx fails."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
from hypothesis import given, seed
from hypothesis import strategies as st
from starlette.testclient import TestClient

from domstadt.catalog.ckan.actions import ACTIONS
from tests.fuzz import strategies as fz
from tests.fuzz.conftest import FUZZ_SEED, FUZZ_SETTINGS
from tests.fuzz.seed import EDGE_TIMES, STA, Seeded

PATH_SAFE = "/()$,;='"


def _no_server_error(response: httpx.Response) -> None:
    """The one rule: an answer below 500 (JSON when it says so)."""
    request = response.request
    assert response.status_code < 500, (
        f"{request.method} {request.url} {request.content[:500]!r} -> "
        f"{response.status_code} {response.text[:500]} (DOMSTADT_FUZZ_SEED={FUZZ_SEED})"
    )
    if response.headers.get("content-type", "").startswith("application/json"):
        response.json()


def _fuzz(strategy: st.SearchStrategy[Any], call: Callable[[Any], httpx.Response]) -> None:
    """Run ``call`` on the recorded seed's examples of ``strategy``; any 5xx fails."""

    @seed(FUZZ_SEED)
    @FUZZ_SETTINGS
    @given(strategy)
    def run(value: Any) -> None:
        _no_server_error(call(value))

    run()


def test_sensorthings_reads(client: TestClient, seeded: Seeded) -> None:
    """$filter, $orderby, $select, $expand, $top, $skip, $count on every entity set."""
    _fuzz(
        st.tuples(fz.resource_paths, fz.query_options),
        lambda v: client.get(f"{STA}/{quote(v[0], safe=PATH_SAFE)}", params=v[1]),
    )


def test_sensorthings_writes(client: TestClient, seeded: Seeded) -> None:
    """Observations with times at and beyond the calendar's edges and any JSON result."""
    auth = {"Authorization": f"Bearer {seeded.admin_token}"}
    times = st.sampled_from(fz.EDGE_TIMES + EDGE_TIMES) | st.text(max_size=25)
    spans = st.tuples(times, times).map("/".join)
    body = st.fixed_dictionaries(
        {"Datastream": st.just({"@iot.id": 1})},
        optional={
            "phenomenonTime": times | spans | fz.json_values,
            "resultTime": times | fz.json_values,
            "validTime": spans | fz.json_values,
            "result": fz.json_values,
            "parameters": fz.json_values,
        },
    )
    _fuzz(body, lambda b: client.post(f"{STA}/Observations", json=b, headers=auth))


def test_ckan_package_search(client: TestClient, seeded: Seeded) -> None:
    """q, fq, rows, start, sort, facet.field as a CKAN client sends them (GET)."""
    _fuzz(fz.package_search_params, lambda p: client.get("/api/3/action/package_search", params=p))


def test_ckan_actions(client: TestClient, seeded: Seeded) -> None:
    """Every action with arguments of any JSON type, as the admin (POST JSON)."""
    auth = {"Authorization": seeded.admin_token}
    calls = st.tuples(st.sampled_from(sorted(ACTIONS)), fz.ckan_arguments)
    _fuzz(
        calls,
        lambda c: client.post(f"/api/3/action/{c[0]}", content=json.dumps(c[1]), headers=auth),
    )


def test_ckan_package_writes(client: TestClient, seeded: Seeded) -> None:
    """A valid package with one or two arguments of any JSON type (issue 14:
    ``"resources": "x"``), through package_create, package_update and package_patch."""
    auth = {"Authorization": seeded.admin_token}
    base = {"title": "Fuzz-Paket", "owner_org": "stadt-koeln-69"}
    names = itertools.count()
    calls = st.tuples(
        st.sampled_from(["package_create", "package_update", "package_patch"]),
        st.dictionaries(st.sampled_from(fz.CKAN_ARGUMENTS), fz.json_values, min_size=1, max_size=2),
    )

    def call(c: tuple[str, dict[str, Any]]) -> httpx.Response:
        key = (
            {"name": f"fuzz-paket-{next(names)}"}
            if c[0] == "package_create"
            else {"id": seeded.dataset_name}
        )
        body = {**base, **key, **c[1]}
        return client.post(f"/api/3/action/{c[0]}", content=json.dumps(body), headers=auth)

    _fuzz(calls, call)


def test_datastore_search(client: TestClient, seeded: Seeded) -> None:
    """filters, q, sort, limit, offset, fields of datastore_search (POST JSON)."""
    params = fz.datastore_params.map(lambda p: {**p, "resource_id": seeded.resource_id})
    _fuzz(
        params,
        lambda p: client.post("/api/3/action/datastore_search", content=json.dumps(p)),
    )


def test_datastore_search_sql(client: TestClient, seeded: Seeded) -> None:
    """Random SELECTs over the seeded table: refused or answered, never a 5xx."""
    _fuzz(
        fz.datastore_sql(seeded.resource_id),
        lambda sql: client.get("/api/3/action/datastore_search_sql", params={"sql": sql}),
    )
