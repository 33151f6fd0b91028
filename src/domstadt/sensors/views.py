"""Sensor dashboard page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domstadt.sensors import analytics_service as analytics
from domstadt.web.deps import ActorDep, SessionDep
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)


@router.get("/sensoren")
def dashboard(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Map of Locations, datastreams with latest values, a chart (JSON twin:
    /api/v1/sensors/datastreams)."""
    _ = gettext_for(request)
    return render(
        request,
        "sensors/dashboard.html",
        {"title": _("Sensors"), "streams": analytics.latest_values(session, actor=actor)},
    )
