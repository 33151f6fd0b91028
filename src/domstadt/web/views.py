"""Public HTML pages of the core: start page, area overviews, departments, organisations."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from domstadt.core.auth import directory_service as directory
from domstadt.web.deps import ActorDep, SessionDep, current_actor
from domstadt.web.home import home_context
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(current_actor)])


@router.get("/")
def home(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Start page: search, the measures' state, what one can take part in, newest datasets,
    live sensor values, each leading onward (issue 13)."""
    _ = gettext_for(request)
    return render(
        request,
        "pages/home.html",
        {
            "title": _("Domstadt – Cologne's open platform for the digital masterplan"),
            "departments": directory.department_list(session, actor=actor),
            "organisations": directory.organisation_list(session, actor=actor),
            **home_context(session, actor),
        },
    )


@router.get("/beteiligung")
def participation(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Participation: the organisations taking part (JSON twin: /api/v1/organisations)."""
    _ = gettext_for(request)
    return render(
        request,
        "pages/participation.html",
        {
            "title": _("Participation"),
            "organisations": directory.organisation_list(session, actor=actor),
        },
    )


@router.get("/beteiligung/organisationen/{organisation_id}")
def organisation(organisation_id: int) -> Response:
    """Old address of an organisation's page: it moved to /organisationen/{id}."""
    return RedirectResponse(f"/organisationen/{organisation_id}", status_code=301)


@router.get("/verwaltung")
def administration(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The city's Dezernate and Ämter (JSON twin: /api/v1/departments)."""
    _ = gettext_for(request)
    return render(
        request,
        "pages/departments.html",
        {
            "title": _("City administration"),
            "tree": directory.department_tree(session, actor=actor),
        },
    )


@router.get("/verwaltung/{code}")
def department(request: Request, code: str, session: SessionDep, actor: ActorDep) -> Response:
    """One department (JSON twin: /api/v1/departments/{code})."""
    dept = directory.department_get(session, actor=actor, code=code)
    units = [d for d in directory.department_list(session, actor=actor) if d.parent_id == dept.id]
    return render(
        request, "pages/department.html", {"title": dept.name, "dept": dept, "units": units}
    )
