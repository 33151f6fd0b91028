"""The owner department's challenge form (JSON twins: POST and PATCH /api/v1/challenges):
announce a challenge at /wettbewerbe/neu and change it at /wettbewerbe/{id}/bearbeiten. A
refused form is shown again with every problem next to its field and the values kept;
nothing is written then."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from domstadt.core.auth.permissions import Actor
from domstadt.core.db import DbSession
from domstadt.core.errors import Conflict, DomainError, Forbidden, Invalid, InvalidFields
from domstadt.participation import challenge_service, event_service, labels
from domstadt.participation.challenges import challenge_form
from domstadt.web.account_views import require_login
from domstadt.web.deps import ActorDep, FormDep, SessionDep, verify_csrf_form
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
CsrfChecked = Depends(verify_csrf_form)


def _page(
    request: Request,
    session: DbSession,
    actor: Actor,
    values: dict[str, Any],
    challenge_id: int | None = None,
    error: DomainError | None = None,
    status: int = 200,
) -> Response:
    _ = gettext_for(request)
    problems = error.errors if isinstance(error, InvalidFields) else [error] if error else []
    by_field: dict[str, list[str]] = {}
    for problem in problems:
        by_field.setdefault(problem.field or "", []).append(problem.message)
    departments = event_service.organiser_choices(session, actor=actor)["departments"]
    context = {
        "title": _("Change the challenge") if challenge_id else _("New challenge"),
        "challenge_id": challenge_id,
        "values": values,
        "rows": challenge_form.blank_rows(values.get("criterion_rows", [])),
        "departments": departments,
        "measures": challenge_service.measure_choices(session, actor=actor),
        "problems": problems,
        "errors": by_field,
        "KIND": labels.KIND,
    }
    if not departments and challenge_id is None:
        status = 403  # the page explains who announces challenges
    return render(request, "participation/form.html", context, status)


@router.get("/wettbewerbe/neu")
def new_form(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The form for a new challenge (editors, for their department)."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    return _page(request, session, actor, challenge_form.initial(None))


@router.post("/wettbewerbe/neu", dependencies=[CsrfChecked])
def new_post(request: Request, session: SessionDep, actor: ActorDep, form: FormDep) -> Response:
    """Announce the challenge and open its page; a broken rule re-shows the form."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    values = challenge_form.submitted(form)
    try:
        made = challenge_service.challenge_create(
            session, actor=actor, data=challenge_form.create_data(values)
        )
    except Invalid as exc:
        session.rollback()
        return _page(request, session, actor, values, None, exc, 422)
    return RedirectResponse(f"/wettbewerbe/{made.id}?hinweis=gespeichert", status_code=303)


def _check_may_edit(session: DbSession, actor: Actor, challenge_id: int) -> None:
    roles = challenge_service.viewer_roles(session, actor=actor, challenge_id=challenge_id)
    if not roles["can_edit"]:
        raise Forbidden("Einen Wettbewerb ändert die Redaktion der ausschreibenden Dienststelle.")


@router.get("/wettbewerbe/{challenge_id}/bearbeiten")
def edit_form(
    request: Request, challenge_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """The challenge's form with its current values (editors of its department)."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    challenge = challenge_service.challenge_get(session, actor=actor, challenge_id=challenge_id)
    _check_may_edit(session, actor, challenge_id)
    return _page(request, session, actor, challenge_form.initial(challenge), challenge_id)


@router.post("/wettbewerbe/{challenge_id}/bearbeiten", dependencies=[CsrfChecked])
def edit_post(
    request: Request, challenge_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Save the changes (kind and department stay); a broken rule re-shows the form."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    challenge = challenge_service.challenge_get(session, actor=actor, challenge_id=challenge_id)
    _check_may_edit(session, actor, challenge_id)
    values = challenge_form.submitted(form)
    values.update(kind=challenge.kind.value, department=challenge.department_code)
    try:
        challenge_service.challenge_update(
            session,
            actor=actor,
            challenge_id=challenge_id,
            data=challenge_form.update_data(values),
        )
    except (Invalid, Conflict) as exc:
        session.rollback()  # a Conflict: criteria locked once scored, shown at the criteria
        return _page(request, session, actor, values, challenge_id, exc, exc.status_code)
    return RedirectResponse(f"/wettbewerbe/{challenge_id}?hinweis=gespeichert", status_code=303)
