"""The app's routes as the fuzzers see them: every FastAPI route with its integer parameters."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

# Numbers no 64-bit column holds, and the first ones that do not fit.
HUGE_INTEGERS = [2**63, -(2**63) - 1, 2**64, 10**30]
_PARAM = re.compile(r"{(\w+)(?::\w+)?}")


@dataclass
class IntRoute:
    """A route with the names of its integer path and query parameters."""

    method: str
    path: str
    path_ints: list[str]
    query_ints: list[str]

    def url(self, huge: int, strings: dict[str, str]) -> str:
        """The route's URL with ``huge`` in every integer slot."""
        path = _PARAM.sub(
            lambda m: str(huge) if m[1] in self.path_ints else strings.get(m[1], "x"), self.path
        )
        query = "&".join(f"{name}={huge}" for name in self.query_ints)
        return f"{path}?{query}" if query else path


def _api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # FastAPI's included routers
            yield from _api_routes(route.original_router.routes)


def _is_int(annotation: Any) -> bool:
    return annotation in (int, int | None)


def int_routes(app: FastAPI) -> list[IntRoute]:
    """Every (method, route) of ``app`` taking an integer in its path or query."""
    found = []
    for route in _api_routes(app.routes):
        path_ints = [
            f.name for f in route.dependant.path_params if _is_int(f.field_info.annotation)
        ]
        query_ints = [
            f.name for f in route.dependant.query_params if _is_int(f.field_info.annotation)
        ]
        if path_ints or query_ints:
            found += [IntRoute(m, route.path, path_ints, query_ints) for m in sorted(route.methods)]
    return found
