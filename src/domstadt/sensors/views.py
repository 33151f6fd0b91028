"""Sensor dashboard page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domstadt.sensors import analysis_service as analysis
from domstadt.sensors import analytics_service as analytics
from domstadt.web.deps import ActorDep, SessionDep
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)


@router.get("/sensoren")
def dashboard(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    a: str = "",
    b: str = "",
) -> Response:
    """Map of Locations, datastreams with latest values, a chart, and the analysis of one or
    two chosen datastreams (JSON twins: /api/v1/sensors/datastreams, …/correlation,
    …/datastreams/{id}/anomalies)."""
    _ = gettext_for(request)
    streams = analytics.latest_values(session, actor=actor)
    first, second = _id(a), _id(b)
    result = analysis.analyse_pair(session, actor=actor, a=first, b=second) if first else None
    return render(
        request,
        "sensors/dashboard.html",
        {"title": _("Sensors"), "streams": streams, "analysis": result, "a": first, "b": second},
    )


def _id(value: str) -> int | None:
    """A datastream id from the form ("" for none; anything else not a number is ignored)."""
    return int(value) if value.strip().isdecimal() else None
