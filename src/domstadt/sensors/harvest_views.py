"""Staff page of the SensorThings harvest (S4.3): /sensoren/harvest lists the remote services
mirrored into the sensor hub with the report of their last run; the JSON twin is
/api/v1/sensors/harvest/sources. Sources are added and run with ``domstadt sensors harvest``
and hourly by the job."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domstadt.sensors import harvest_service
from domstadt.sensors.harvest.schemas import ENTITY_SETS, SourcePublic
from domstadt.web.account_views import require_login
from domstadt.web.deps import ActorDep, SessionDep
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1/sensors/harvest", tags=["sensors"])


@router.get("/sensoren/harvest")
def harvest_page(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Remote SensorThings services with their last run (staff)."""
    if (redirect := require_login(request, actor)) is not None:
        return redirect
    _ = gettext_for(request)
    return render(
        request,
        "sensors/harvest.html",
        {
            "title": _("SensorThings sources"),
            "sources": harvest_service.source_list(session, actor=actor),
            "entity_sets": ENTITY_SETS,
            "statuses": {
                "running": _("running"),
                "finished": _("finished"),
                "failed": _("failed"),
            },
        },
    )


@api_router.get("/sources", summary="Remote SensorThings services and their last run")
def harvest_sources(session: SessionDep, actor: ActorDep) -> list[SourcePublic]:
    """JSON twin of /sensoren/harvest (staff)."""
    return harvest_service.source_list(session, actor=actor)
