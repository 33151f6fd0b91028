"""Harvest pages (S4.3): /daten/harvest lists the sources with their jobs and /daten/harvest/
jobs/{id} a job's per-record report (editors); admins add a source and queue a run.
JSON twins: /api/v1/harvest/sources and /api/v1/harvest/jobs/{id}."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from domstadt.catalog import harvest_service, vocab
from domstadt.catalog.schemas import HarvestJobDetail, HarvestSourceOverview
from domstadt.catalog.vocab import N_
from domstadt.core.auth.permissions import Actor, Permission
from domstadt.core.errors import Conflict, Invalid, Unavailable
from domstadt.core.outbound import OutboundPolicy
from domstadt.web.account_views import require_login
from domstadt.web.deps import ActorDep, SessionDep, verify_csrf_form
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1/harvest", tags=["catalog"])
CsrfChecked = Depends(verify_csrf_form)
OBJECTS_PER_PAGE = 200
STATUSES = {"running": N_("running"), "finished": N_("finished"), "failed": N_("failed")}
STATE_LABELS = {
    "added": N_("added"),
    "updated": N_("updated"),
    "unchanged": N_("unchanged"),
    "deleted": N_("withdrawn"),
    "errored": N_("errored"),
}


def _page(request: Request, session: Any, actor: Actor, **extra: Any) -> Response:
    _ = gettext_for(request)
    return render(
        request,
        "catalog/harvest.html",
        {
            "title": _("Harvest sources"),
            "sources": harvest_service.harvest_overview(session, actor=actor),
            "types": harvest_service.TYPES,
            "can_manage": actor.can(Permission.DEPARTMENT_MANAGE),
            "licenses": vocab.licenses(),
            "error": "",
            "notice": "",
            "form": {},
            "statuses": STATUSES,
            "state_labels": STATE_LABELS,
            "state_names": harvest_service.OBJECT_STATES,
            **extra,
        },
        status_code=422 if extra.get("error") else 200,
    )


@router.get("/daten/harvest")
def harvest_page(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Harvest sources with their latest jobs (editors); forms for admins."""
    if (redirect := require_login(request, actor)) is not None:
        return redirect
    notice = ""
    if request.query_params.get("queued"):
        _ = gettext_for(request)
        notice = _(
            "The run of %(name)s is queued; the job appears here once the worker starts it."
        ) % {"name": request.query_params["queued"]}
    return _page(request, session, actor, notice=notice)


@router.post("/daten/harvest", dependencies=[CsrfChecked])
def add_source(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    name: Annotated[str, Form(max_length=100)] = "",
    url: Annotated[str, Form(max_length=2000)] = "",
    type: Annotated[str, Form(max_length=10)] = "",
    department_code: Annotated[str, Form(max_length=20)] = "",
    license_id: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Register a source; errors re-render the page with the message and the input."""
    form = {
        "name": name,
        "url": url,
        "type": type,
        "department_code": department_code,
        "license_id": license_id,
    }
    try:
        harvest_service.source_create(
            session,
            actor=actor,
            name=name.strip(),
            url=url.strip(),
            type=type,
            outbound=OutboundPolicy.from_settings(request.app.state.settings),
            department_code=department_code.strip() or None,
            license_id=license_id.strip(),
        )
    except (Invalid, Conflict) as exc:
        session.rollback()
        return _page(request, session, actor, error=exc.message, form=form)
    return RedirectResponse("/daten/harvest", status_code=303)


@router.post("/daten/harvest/{name}/run", dependencies=[CsrfChecked])
def run_source(request: Request, session: SessionDep, actor: ActorDep, name: str) -> Response:
    """Queue a run of the source (admins); the worker runs the huey task."""
    harvest_service.harvest_request(session, actor=actor, name=name)
    session.commit()  # the audit entry is durable, and a worker sees no open transaction
    from domstadt.catalog import tasks
    from domstadt.core import jobs

    settings = request.app.state.settings
    if not jobs.enqueue(tasks.harvest_source, name, settings.database_url):
        raise Unavailable(
            f"Die Job-Warteschlange antwortet gerade nicht: der Lauf von '{name}' ist vermerkt, "
            "aber nicht gestartet. Bitte in einigen Minuten erneut auslösen.",
            retry_after=settings.retry_after_seconds,
        )
    return RedirectResponse(f"/daten/harvest?queued={name}", status_code=303)


@router.get("/daten/harvest/jobs/{job_id}")
def job_page(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    job_id: int,
    state: str = "",
    page: int = 1,
) -> Response:
    """A job's report with every record's outcome (editors)."""
    if (redirect := require_login(request, actor)) is not None:
        return redirect
    _ = gettext_for(request)
    page = max(page, 1)
    job = harvest_service.job_get(
        session,
        actor=actor,
        job_id=job_id,
        state=state,
        limit=OBJECTS_PER_PAGE,
        offset=(page - 1) * OBJECTS_PER_PAGE,
    )
    return render(
        request,
        "catalog/harvest_job.html",
        {
            "title": _("Harvest job %(id)s") % {"id": job_id},
            "job": job,
            "state": state,
            "states": harvest_service.OBJECT_STATES,
            "statuses": STATUSES,
            "state_labels": STATE_LABELS,
            "page": page,
            "pages": max(1, -(-job.object_count // OBJECTS_PER_PAGE)),
        },
    )


@api_router.get("/sources", summary="Harvest sources with their latest jobs")
def sources_json(session: SessionDep, actor: ActorDep) -> list[HarvestSourceOverview]:
    """JSON twin of /daten/harvest (editors)."""
    return harvest_service.harvest_overview(session, actor=actor)


@api_router.get("/jobs/{job_id}", summary="A harvest job with its per-record report")
def job_json(
    session: SessionDep,
    actor: ActorDep,
    job_id: int,
    state: str = "",
    limit: int = OBJECTS_PER_PAGE,
    offset: int = 0,
) -> HarvestJobDetail:
    """JSON twin of /daten/harvest/jobs/{id}; ``state`` filters the records."""
    return harvest_service.job_get(
        session, actor=actor, job_id=job_id, state=state, limit=limit, offset=offset
    )
