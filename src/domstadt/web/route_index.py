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

from collections.abc import Callable, Iterable
from typing import Any

from fastapi import FastAPI
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope

Matcher = Callable[[Scope], tuple[Match, Scope]]


def fixed_beginning(candidate: Any) -> str | None:
    """The text every path a route matches starts with (the path before its first
    ``{param}``, without a trailing slash), or None for a route of a kind not known here."""
    route = getattr(candidate, "starlette_route", None) or candidate
    path_format = getattr(route, "path_format", None)
    if not isinstance(path_format, str) or not path_format.startswith("/"):
        return None
    return path_format.split("{", 1)[0].rstrip("/")


def router_beginnings(router: Any) -> tuple[str, ...] | None:
    """The fixed beginnings of every route of an included router (nested ones too), or
    None when one of them has none the index can tell (the router is then always asked)."""
    candidates: Iterable[Any] = router.effective_candidates()
    beginnings: set[str] = set()
    for candidate in candidates:
        if hasattr(candidate, "effective_candidates"):
            nested = router_beginnings(candidate)
            if nested is None:
                return None
            beginnings.update(nested)
            continue
        beginning = fixed_beginning(candidate)
        if beginning is None:
            return None
        beginnings.add(beginning)
    return tuple(sorted(beginnings))


def _prefiltered(router: Any, beginnings: tuple[str, ...]) -> Matcher:
    """``router.matches`` behind the first look; the beginnings are worked out again when
    FastAPI rebuilds the router's candidates (a route added later)."""
    matches: Matcher = router.matches
    known = [router.effective_candidates(), beginnings]

    def first_look(scope: Scope) -> tuple[Match, Scope]:
        candidates = router.effective_candidates()
        if candidates is not known[0]:
            known[:] = [candidates, router_beginnings(router)]
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
        if not hasattr(route, "effective_candidates") or "matches" in vars(route):
            continue
        beginnings = router_beginnings(route)
        if beginnings is None:
            continue
        route.matches = _prefiltered(route, beginnings)  # type: ignore[method-assign,assignment]
        indexed += 1
    return indexed
