"""A cheap first look before FastAPI's route matching (issue 10's vote path).

FastAPI keeps each included router as one entry of the app's route list and matches a
request by asking every entry in turn, each of which runs the regular expression of every
route it holds (and the one that matches runs them once more to dispatch). With ~60 routers
that was 0.5 ms of CPU for a vote (router 24) and 1.4 ms for a page of the last router, per
request. Every route of a router begins with a fixed text (its path up to the first
``{param}``), so a path that starts with none of a router's fixed beginnings cannot match it:
:func:`index_routes` gives each router a ``matches`` that says so at once and otherwise asks
FastAPI as before. Which route answers a request does not change (tests/web/test_route_index.py
checks every route of the app against FastAPI's own matching). A router whose routes the index
does not understand keeps FastAPI's matching untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope

Matcher = Callable[[Scope], tuple[Match, Scope]]


def router_beginnings(router: Any) -> tuple[str, ...] | None:
    """The fixed beginnings of every route of an included router (nested ones too), read
    from the router's own routes and its prefix, or None when the index cannot tell (the
    router is then always asked). Nothing is built for it: FastAPI builds an included
    router's routes (dependencies, models) at its first request, and building all of them
    for every app cost about half a second per app."""
    context = getattr(router, "include_context", None)
    source = getattr(router, "original_router", None)
    if context is None or source is None:
        return None
    return _beginnings(source, str(context.prefix))


def _beginnings(source: Any, prefix: str) -> tuple[str, ...] | None:
    beginnings: set[str] = set()
    for route in source.routes:
        nested = getattr(route, "original_router", None)
        if nested is not None:
            inner = _beginnings(nested, prefix + str(route.include_context.prefix))
            if inner is None:
                return None
            beginnings.update(inner)
            continue
        path = getattr(route, "path", None)
        if not isinstance(path, str) or not (prefix + path).startswith("/"):
            return None
        beginnings.add((prefix + path).split("{", 1)[0].rstrip("/"))
    return tuple(sorted(beginnings))


def _prefiltered(router: Any, beginnings: tuple[str, ...]) -> Matcher:
    """``router.matches`` behind the first look; the beginnings are worked out again when
    a route is added to the router later."""
    matches: Matcher = router.matches
    source = router.original_router
    known: list[Any] = [source._get_routes_version(), beginnings]

    def first_look(scope: Scope) -> tuple[Match, Scope]:
        version = source._get_routes_version()
        if version != known[0]:
            known[:] = [version, router_beginnings(router)]
        if (
            known[1] is not None
            and scope["type"] in ("http", "websocket")
            and not get_route_path(scope).startswith(known[1])
        ):
            return Match.NONE, {}
        return matches(scope)

    return first_look


def index_routes(app: FastAPI) -> int:
    """Give every included router of ``app`` the first look; how many got one. Call it after
    the last ``include_router`` (a router included later is matched the usual way)."""
    indexed = 0
    for route in app.router.routes:
        if not hasattr(route, "original_router") or "matches" in vars(route):
            continue
        beginnings = router_beginnings(route)
        if beginnings is None:
            continue
        route.matches = _prefiltered(route, beginnings)  # type: ignore[method-assign,assignment]
        indexed += 1
    return indexed
