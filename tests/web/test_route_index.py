"""The route index's first look (web/route_index.py) never changes which route answers: for
every route of the app, its neighbours and paths no route has, each router answers as
FastAPI's own matching does."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, FastAPI
from starlette.routing import Match
from starlette.testclient import TestClient

from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.web.app import create_app
from domstadt.web.route_index import index_routes, router_beginnings

NO_ROUTE = ("/", "/gibt-es-nicht", "/api/v1", "/api/v1/", "/api/v1/challenges/x/y/z", "/apix")


def _scope(path: str, method: str) -> dict[str, Any]:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": "",
        "headers": [],
        "query_string": b"",
    }


def _sample_paths(app: FastAPI) -> set[str]:
    """A path for every route (each ``{param}`` filled in)."""
    paths = set(NO_ROUTE)
    for route in app.router.routes:
        candidates = route.effective_candidates() if hasattr(route, "effective_candidates") else []
        for candidate in [route, *candidates]:
            target = getattr(candidate, "starlette_route", None) or candidate
            path_format = getattr(target, "path_format", None)
            if isinstance(path_format, str):
                path = re.sub(r"\{[^}]+\}", "1", path_format)
                paths.add(path)
    return paths


def test_every_router_answers_as_fastapi_does(settings: Settings, db: Database) -> None:
    app: Any = create_app(settings, db)
    indexed = [r for r in app.router.routes if "matches" in vars(r)]
    assert len(indexed) >= 50  # nearly every router of the app has the first look
    checked = refused_early = 0
    for path in _sample_paths(app):
        for route in indexed:  # GET only: the first look never reads the method
            answer = route.matches(_scope(path, "GET"))
            assert answer == type(route).matches(route, _scope(path, "GET")), path
            checked += 1
            refused_early += answer[0] == Match.NONE
    assert checked > 10_000 and refused_early > checked // 2


def test_a_route_added_after_indexing_is_found() -> None:
    router = APIRouter()

    @router.get("/eins")
    def one() -> dict[str, int]:
        return {"n": 1}

    app = FastAPI()
    app.include_router(router)
    assert index_routes(app) == 1
    included: Any = app.router.routes[-1]
    assert router_beginnings(included) == ("/eins",)

    @router.get("/zwei")
    def two() -> dict[str, int]:
        return {"n": 2}

    with TestClient(app) as client:
        assert client.get("/zwei").json() == {"n": 2}
        assert client.get("/eins").json() == {"n": 1}
        assert client.get("/drei").status_code == 404
