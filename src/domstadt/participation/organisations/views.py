"""Organisation pages: the list with filters, registration, an organisation's page with join
requests for its admins and verification for moderators (JSON twins in api.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from domstadt.core.auth.models import OrganisationKind
from domstadt.core.auth.permissions import Actor, Permission
from domstadt.core.db import DbSession
from domstadt.core.errors import DomainError, Invalid
from domstadt.participation import follow
from domstadt.participation.organisations import service
from domstadt.participation.organisations.schemas import (
    DISTRICTS,
    JoinDecision,
    JoinRequest,
    OrganisationFilter,
    OrganisationRegister,
    Verification,
)
from domstadt.web.account_views import require_login
from domstadt.web.deps import ActorDep, FormDep, SessionDep, verify_csrf_form
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
CsrfChecked = Depends(verify_csrf_form)
_FIELD_MESSAGES = {
    "name": "Bitte geben Sie einen Namen mit 2 bis 300 Zeichen an.",
    "kind": "Bitte wählen Sie die Art der Organisation.",
    "website": "Die Website muss eine http- oder https-Adresse sein.",
}


def _invalid(exc: ValidationError) -> Invalid:
    """The first problem of a form, named in German."""
    error = exc.errors()[0]
    field = str(error["loc"][0]) if error["loc"] else ""
    message = str(error["msg"]).removeprefix("Value error, ")
    return Invalid(_FIELD_MESSAGES.get(field, message), field=field)


def _filters(request: Request) -> OrganisationFilter:
    query = request.query_params
    kind = query.get("kind", "")
    verified = {"ja": True, "nein": False}.get(query.get("verified", ""))
    return OrganisationFilter(
        kind=OrganisationKind(kind) if kind in set(OrganisationKind) else None,
        district=query.get("district") if query.get("district") in DISTRICTS else None,
        verified=verified,
    )


@router.get("/organisationen")
def organisation_list(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Organisations by name, filterable (JSON twin: /api/v1/organisations)."""
    _ = gettext_for(request)
    filters = _filters(request)
    return render(
        request,
        "organisations/list.html",
        {
            "title": _("Organisations"),
            "organisations": service.organisation_search(session, actor=actor, filters=filters),
            "filters": filters,
            "verified_param": request.query_params.get("verified", ""),
            "kinds": list(OrganisationKind),
            "districts": DISTRICTS,
        },
    )


def _form(request: Request, values: dict[str, str], error: DomainError | None) -> Response:
    _ = gettext_for(request)
    return render(
        request,
        "organisations/form.html",
        {
            "title": _("Register an organisation"),
            "values": values,
            "error": error,
            "kinds": list(OrganisationKind),
            "districts": DISTRICTS,
        },
        422 if error else 200,
    )


@router.get("/organisationen/neu")
def register_form(request: Request, actor: ActorDep) -> Response:
    """The registration form (signed-in people)."""
    return require_login(request, actor) or _form(request, {}, None)


@router.post("/organisationen/neu", dependencies=[CsrfChecked])
def register_post(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Register; a problem re-shows the form with the message and the values entered."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    tags = [t for t in values.get("competences", "").replace(";", ",").split(",") if t.strip()]
    try:
        try:
            data = OrganisationRegister(
                name=values.get("name", ""),
                kind=values.get("kind", ""),
                register_number=values.get("register_number", ""),
                website=values.get("website", ""),
                district=values.get("district", ""),
                competences=tags,
                description=values.get("description", ""),
            )
        except ValidationError as exc:
            raise _invalid(exc) from None
        org = service.organisation_register(session, actor=actor, data=data)
    except DomainError as exc:
        if exc.status_code in (401, 403):
            raise
        session.rollback()
        return _form(request, values, exc)
    return RedirectResponse(f"/organisationen/{org.id}?neu=1", status_code=303)


def _detail_context(
    session: DbSession, actor: Actor, organisation_id: int, **extra: Any
) -> dict[str, Any]:
    detail = service.organisation_detail(session, actor=actor, organisation_id=organisation_id)
    mine = None
    requests: list[Any] = []
    if actor.user_id is not None:
        mine = service.my_membership(session, actor=actor, organisation_id=organisation_id)
        if (mine and mine.is_admin) or actor.can(Permission.ORGANISATION_MANAGE):
            requests = service.membership_requests(
                session, actor=actor, organisation_id=organisation_id
            )
    return {
        "detail": detail,
        "org": detail.organisation,
        "mine": mine,
        "requests": requests,
        "can_verify": actor.can(Permission.CONTENT_MODERATE),
        "following": follow.following(session, actor, "organisation", organisation_id),
        "error": None,
        **extra,
    }


@router.get("/organisationen/{organisation_id}")
def organisation_page(
    request: Request, organisation_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """One organisation (JSON twin: /api/v1/organisations/{id})."""
    context = _detail_context(session, actor, organisation_id)
    context["notice"] = request.query_params.get("neu") or request.query_params.get("ok")
    return render(request, "organisations/detail.html", {"title": context["org"].name, **context})


def _after(
    request: Request, session: DbSession, actor: Actor, organisation_id: int, exc: DomainError
) -> Response:
    if exc.status_code in (401, 404):
        raise exc
    session.rollback()
    context = _detail_context(session, actor, organisation_id, error=exc, notice=None)
    return render(
        request,
        "organisations/detail.html",
        {"title": context["org"].name, **context},
        exc.status_code,
    )


@router.post("/organisationen/{organisation_id}/aufnahme", dependencies=[CsrfChecked])
def join_post(
    request: Request, organisation_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Ask to join, optionally opting in to be listed by name."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    data = JoinRequest(listed_publicly=form.get("listed_publicly") == "1")
    try:
        service.membership_request(session, actor=actor, organisation_id=organisation_id, data=data)
    except DomainError as exc:
        return _after(request, session, actor, organisation_id, exc)
    return RedirectResponse(f"/organisationen/{organisation_id}?ok=angefragt", status_code=303)


@router.post("/organisationen/{organisation_id}/anfragen/{user_id}", dependencies=[CsrfChecked])
def decide_post(
    request: Request,
    organisation_id: int,
    user_id: int,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
) -> Response:
    """An organisation admin accepts or declines a join request."""
    data = JoinDecision(accept=form.get("decision") == "accept")
    try:
        service.membership_decide(
            session, actor=actor, organisation_id=organisation_id, user_id=user_id, data=data
        )
    except DomainError as exc:
        return _after(request, session, actor, organisation_id, exc)
    return RedirectResponse(f"/organisationen/{organisation_id}?ok=entschieden", status_code=303)


@router.post("/organisationen/{organisation_id}/verifizieren", dependencies=[CsrfChecked])
def verify_post(
    request: Request, organisation_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """A moderator verifies the organisation with a reason."""
    try:
        try:
            data = Verification(reason=str(form.get("reason", "")))
        except ValidationError:
            raise Invalid(
                "Bitte begründen Sie die Verifizierung (mindestens 10 Zeichen).", field="reason"
            ) from None
        service.organisation_verify(
            session, actor=actor, organisation_id=organisation_id, data=data
        )
    except DomainError as exc:
        return _after(request, session, actor, organisation_id, exc)
    return RedirectResponse(f"/organisationen/{organisation_id}?ok=verifiziert", status_code=303)
