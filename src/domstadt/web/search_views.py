"""Site search (issue 13): the page /suche and its JSON twin /api/v1/search; the header's
search box on every page submits to /suche and asks the JSON twin for suggestions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from domstadt import search_service
from domstadt.search_service import SearchResultPublic
from domstadt.web.deps import ActorDep, SessionDep, current_actor
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(current_actor)])
api_router = APIRouter(prefix="/api/v1", tags=["search"])

PAGE_PER_KIND = 10
ONE_KIND_PER_KIND = 50


def _translated(request: Request, result: SearchResultPublic) -> SearchResultPublic:
    _ = gettext_for(request)
    for group in result.groups:
        group.label = _(group.label)
    return result


@router.get("/suche")
def search_page(
    request: Request, session: SessionDep, actor: ActorDep, q: str = "", type: str = ""
) -> Response:
    """Results grouped by kind with counts (JSON twin: /api/v1/search)."""
    _ = gettext_for(request)
    kind = type or None
    result = search_service.site_search(
        session,
        actor=actor,
        q=q,
        kind=kind,
        per_kind=ONE_KIND_PER_KIND if kind else PAGE_PER_KIND,
    )
    kinds = search_service.search_kinds(session, actor=actor)
    return render(
        request,
        "pages/search.html",
        {
            "title": _("Search") + (f": {q}" if q.strip() else ""),
            "q": q,
            "kind": kind,
            "kinds": kinds,
            "result": _translated(request, result),
        },
    )


@api_router.get("/search", summary="Search every public item, grouped by kind")
def search_api(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    q: Annotated[str, Query(description="Search words; prefixes, compounds and typos match")],
    type: Annotated[
        str | None, Query(description="Only this kind (measure, initiative, dataset, …)")
    ] = None,
    per_kind: Annotated[int, Query(description="Best hits per kind (1–50)")] = 5,
) -> SearchResultPublic:
    """Only public items; ``total`` per group counts every match, ``hits`` are the best.
    A query longer than 200 characters or an unknown type is a 422 naming the rule."""
    result = search_service.site_search(
        session, actor=actor, q=q, kind=type or None, per_kind=per_kind
    )
    return _translated(request, result)
