"""Masterplan pages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domstadt.masterplan import service
from domstadt.web.deps import ActorDep, SessionDep
from domstadt.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/masterplan")
def overview(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The masterplan's fields of action and sectors (JSON twin: /api/v1/taxonomy)."""
    return render(
        request,
        "masterplan/overview.html",
        {"title": "Masterplan", "taxonomy": service.taxonomy(session, actor=actor)},
    )
