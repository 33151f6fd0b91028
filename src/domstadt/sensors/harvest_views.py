"""Staff page of the SensorThings harvest (S4.3): /sensoren/harvest lists the remote services
mirrored into the sensor hub with the report of their last run; the JSON twin is
/api/v1/sensors/harvest/sources. Admins queue a run here; sources are added with
``domstadt sensors harvest add`` and run hourly by the job."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from domstadt.core.auth.permissions import Permission
from domstadt.core.errors import Unavailable
from domstadt.sensors import harvest_service
from domstadt.sensors.harvest.schemas import ENTITY_SETS, SourcePublic
from domstadt.web.account_views import require_login
from domstadt.web.deps import ActorDep, SessionDep, verify_csrf_form
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
            "can_manage": actor.can(Permission.DEPARTMENT_MANAGE),
            "queued": request.query_params.get("queued", ""),
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


@router.post("/sensoren/harvest/{name}/run", dependencies=[Depends(verify_csrf_form)])
def run_source(request: Request, session: SessionDep, actor: ActorDep, name: str) -> Response:
    """Queue a run of the source (admins); the worker runs the huey task."""
    harvest_service.harvest_request(session, actor=actor, name=name)
    session.commit()  # the audit entry is durable, and a worker sees no open transaction
    from domstadt.core import jobs
    from domstadt.sensors import tasks

    settings = request.app.state.settings
    if not jobs.enqueue(tasks.harvest_source, name, settings.database_url):
        raise Unavailable(
            f"Die Job-Warteschlange antwortet gerade nicht: der Lauf von '{name}' ist vermerkt, "
            "aber nicht gestartet. Bitte in einigen Minuten erneut auslösen.",
            retry_after=settings.retry_after_seconds,
        )
    return RedirectResponse(f"/sensoren/harvest?queued={name}", status_code=303)
