"""The department's lab forms (JSON twins: POST /api/v1/ux-tests and
/api/v1/ux-tests/{id}/findings): a new session or UX test at /labore/neu and recording a
finding on a session's page. A refused form is shown again with each problem next to its
field and the values kept; nothing is written then."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from domstadt.core.auth.permissions import Actor
from domstadt.core.db import DbSession
from domstadt.core.errors import Forbidden, Invalid, InvalidFields
from domstadt.participation import (
    challenge_service,
    event_service,
    lab_edit_service,
    lab_finding_service,
)
from domstadt.participation import lab_service as service
from domstadt.participation.labs import forms, labels
from domstadt.participation.labs.views import session_page
from domstadt.web.account_views import require_login
from domstadt.web.deps import ActorDep, FormDep, SessionDep, verify_csrf_form
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
CsrfChecked = Depends(verify_csrf_form)


def problems_by_field(error: Invalid | None) -> tuple[list[Invalid], dict[str, list[str]]]:
    """The problems of a refused form, and their messages by field."""
    problems = error.errors if isinstance(error, InvalidFields) else [error] if error else []
    by_field: dict[str, list[str]] = {}
    for problem in problems:
        by_field.setdefault(problem.field or "", []).append(problem.message)
    return problems, by_field


def _page(
    request: Request,
    session: DbSession,
    actor: Actor,
    values: dict[str, Any],
    error: Invalid | None = None,
    lab_id: int | None = None,
) -> Response:
    _ = gettext_for(request)
    problems, by_field = problems_by_field(error)
    departments = event_service.organiser_choices(session, actor=actor)["departments"]
    context = {
        "title": _("Change the lab session") if lab_id else _("New lab session"),
        "lab_id": lab_id,
        "values": values,
        "departments": departments,
        "measures": challenge_service.measure_choices(session, actor=actor),
        "problems": problems,
        "errors": by_field,
        "KIND": labels.KIND,
    }
    status = 403 if not departments else 422 if error else 200
    return render(request, "labs/form.html", context, status)


@router.get("/labore/neu")
def new_form(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The form for a new lab session or UX test (editors, for their department)."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    return _page(request, session, actor, {"kind": "ux_test"})


@router.post("/labore/neu", dependencies=[CsrfChecked])
def new_post(request: Request, session: SessionDep, actor: ActorDep, form: FormDep) -> Response:
    """Create the session and open its page; a broken rule re-shows the form."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        made = service.lab_create(session, actor=actor, data=forms.lab_data(values))
    except Invalid as exc:
        session.rollback()
        return _page(request, session, actor, values, exc)
    return RedirectResponse(f"/labore/{made.id}?hinweis=created", status_code=303)


def _check_may_edit(session: DbSession, actor: Actor, session_id: int) -> None:
    if not lab_finding_service.may_record_findings(session, actor=actor, session_id=session_id):
        raise Forbidden("Einen Labortermin ändert die Redaktion der veranstaltenden Dienststelle.")


@router.get("/labore/{session_id}/bearbeiten")
def edit_form(request: Request, session_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """The session's form with its current values (editors of its department)."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    lab = service.lab_get(session, actor=actor, session_id=session_id)
    _check_may_edit(session, actor, session_id)
    return _page(request, session, actor, forms.initial(lab), lab_id=session_id)


@router.post("/labore/{session_id}/bearbeiten", dependencies=[CsrfChecked])
def edit_post(
    request: Request, session_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Save the changes (the department stays); a broken rule re-shows the form."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    lab = service.lab_get(session, actor=actor, session_id=session_id)
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    values["department_code"] = lab.department.slug if lab.department else ""
    try:
        lab_edit_service.lab_session_update(
            session, actor=actor, session_id=session_id, data=forms.lab_update_data(values)
        )
    except Invalid as exc:
        session.rollback()
        return _page(request, session, actor, values, exc, lab_id=session_id)
    return RedirectResponse(f"/labore/{session_id}?hinweis=changed", status_code=303)


@router.post("/labore/{session_id}/befunde", dependencies=[CsrfChecked])
def finding_post(
    request: Request, session_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Record a finding (the service decides who may); a broken rule re-shows the page."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        lab_finding_service.finding_add(
            session, actor=actor, session_id=session_id, data=forms.finding_data(values)
        )
    except Invalid as exc:
        session.rollback()
        _, by_field = problems_by_field(exc)
        return session_page(
            request,
            session,
            actor,
            session_id,
            422,
            finding_values=values,
            finding_errors=by_field,
        )
    return RedirectResponse(f"/labore/{session_id}?hinweis=finding#befunde", status_code=303)
