"""Page /infrastruktur/verbindung: the gap map along transit lines (Leaflet, coloured by
quality, fed by /api/v1/transit/gaps.geojson), the worst segments, lines, trend per month
and per operator (JSON: /api/v1/transit/gaps/overview)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domstadt.infrastructure import transit_service as service
from domstadt.web.deps import ActorDep, SessionDep
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)


@router.get("/infrastruktur/verbindung")
def gap_map(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Gap map with the ranked list of the worst segments."""
    _ = gettext_for(request)
    overview = service.gap_overview(session, actor=actor, limit=20)
    feeds = service.feed_list(session, actor=actor)
    return render(
        request,
        "transit/gaps.html",
        {"title": _("Connectivity along transit lines"), "overview": overview, "feeds": feeds},
    )
