"""Developer pages: /entwickler (my apps, register one, the limits), an app's page with its
keys and usage, and the public status page /status (JSON: /status.json or Accept)."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError

from domstadt.core.auth.permissions import Actor, Permission
from domstadt.core.auth.schemas import expiry_from_form
from domstadt.core.db import DbSession, utcnow
from domstadt.core.errors import DomainError, Invalid
from domstadt.developers import app_service, status_service, usage_service
from domstadt.developers.api import default_plan, plan_names
from domstadt.developers.schemas import AppCreate, KeyCreate, StatusReport
from domstadt.web.account_views import require_login
from domstadt.web.deps import ActorDep, SessionDep, get_database, verify_csrf_form
from domstadt.web.errors import wants_json
from domstadt.web.i18n import N_
from domstadt.web.ratelimit import describe_rate
from domstadt.web.templating import gettext_for, locale_of, render

router = APIRouter(include_in_schema=False)
CsrfChecked = Depends(verify_csrf_form)
STATUS_CACHE_SECONDS = 10.0
STATE_NAMES = {
    "ok": N_("operational"),
    "degraded": N_("degraded"),
    "down": N_("disrupted"),
    "off": N_("not in use"),
}
COMPONENT_NAMES = {
    "database": N_("Database"),
    "broker": N_("MQTT broker (sensor data)"),
    "jobs": N_("Background jobs"),
    "search": N_("Search"),
}
FAMILY_NAMES = {
    "sta": N_("SensorThings API"),
    "ckan": N_("CKAN API"),
    "dcat": N_("DCAT catalogue"),
    "native": N_("Native API"),
}


def _limits(request: Request) -> dict[str, Any]:
    limiter = request.app.state.rate_limiter
    locale = locale_of(request)
    return {
        "rate_text": lambda rate: describe_rate(rate, locale),
        "now": utcnow(),
        "anonymous_rate": limiter.anonymous,
        "token_rate": limiter.token,
        "plans": limiter.plans,
        "default_plan": default_plan(request),
    }


def _home(
    request: Request,
    session: DbSession,
    actor: Actor,
    *,
    problem: DomainError | None = None,
    values: dict[str, str] | None = None,
    every_owner: bool = False,
) -> Response:
    _ = gettext_for(request)
    apps = (
        app_service.app_list(session, actor=actor, every_owner=every_owner)
        if actor.is_authenticated
        else []
    )
    context = {
        "title": _("Developers"),
        "apps": apps,
        "every_owner": every_owner,
        "is_operator": actor.can(Permission.USER_MANAGE),
        "problem": problem,
        "values": values or {},
        **_limits(request),
    }
    status = problem.status_code if problem is not None else 200
    return render(request, "developers/home.html", context, status_code=status)


@router.get("/entwickler")
def home(request: Request, session: SessionDep, actor: ActorDep, alle: int = 0) -> Response:
    """What the APIs offer and their limits; signed-in developers see and register apps."""
    return _home(request, session, actor, every_owner=bool(alle))


@router.post("/entwickler/apps", dependencies=[CsrfChecked])
def register(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    name: Annotated[str, Form(max_length=400)] = "",
    description: Annotated[str, Form(max_length=4000)] = "",
    website: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Register an app and go to its page (where keys are made)."""
    if (redirect := require_login(request, actor)) is not None:
        return redirect
    values = {"name": name, "description": description, "website": website}
    try:
        data = AppCreate(name=name, description=description, website=website.strip() or None)
        created = app_service.app_register(
            session, actor=actor, data=data, plan=default_plan(request)
        )
    except ValidationError as exc:
        problem = Invalid(_first_error(request, exc))
        return _home(request, session, actor, problem=problem, values=values)
    except Invalid as problem:
        return _home(request, session, actor, problem=problem, values=values)
    return RedirectResponse(f"/entwickler/apps/{created.id}", status_code=303)


def _first_error(request: Request, exc: ValidationError) -> str:
    _ = gettext_for(request)
    error = exc.errors()[0]
    field = str(error["loc"][0]) if error["loc"] else ""
    names = {"name": _("Name"), "description": _("Description"), "website": _("Website")}
    return f"{names.get(field, field)}: {error['msg']}"


def _app_page(
    request: Request,
    session: DbSession,
    actor: Actor,
    app_id: int,
    *,
    new_key: str | None = None,
    problem: DomainError | None = None,
) -> Response:
    _ = gettext_for(request)
    app = app_service.app_get(session, actor=actor, app_id=app_id)
    context = {
        "title": app.name,
        "app": app,
        "usage": usage_service.usage_of_app(
            session,
            actor=actor,
            app_id=app_id,
            pending=request.app.state.rate_limiter.usage.peek(app_id),
        ),
        "family_names": FAMILY_NAMES,
        "new_key": new_key,
        "problem": problem,
        "is_operator": actor.can(Permission.USER_MANAGE),
        "plan_names": plan_names(request),
        **_limits(request),
    }
    status = problem.status_code if problem is not None else 200
    response = render(request, "developers/app.html", context, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/entwickler/apps/{app_id}")
def app_page(request: Request, app_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """An app: its keys, the usage per day and endpoint family, its plan."""
    if (redirect := require_login(request, actor)) is not None:
        return redirect
    return _app_page(request, session, actor, app_id)


@router.post("/entwickler/apps/{app_id}/schluessel", dependencies=[CsrfChecked])
def key_create(
    request: Request,
    app_id: int,
    session: SessionDep,
    actor: ActorDep,
    name: Annotated[str, Form(max_length=400)] = "",
    expires_on: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Create a key and show its secret in this answer, the only time it is shown."""
    if (redirect := require_login(request, actor)) is not None:
        return redirect
    try:
        data = KeyCreate(name=name.strip()[:200] or " ", expires_at=expiry_from_form(expires_on))
        created = app_service.key_create(session, actor=actor, app_id=app_id, data=data)
    except Invalid as problem:
        return _app_page(request, session, actor, app_id, problem=problem)
    return _app_page(request, session, actor, app_id, new_key=created.key)


@router.post("/entwickler/apps/{app_id}/schluessel/{key_id}/widerrufen", dependencies=[CsrfChecked])
def key_revoke(
    request: Request, app_id: int, key_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """Revoke a key: it answers 401 from now on."""
    if (redirect := require_login(request, actor)) is not None:
        return redirect
    app_service.key_revoke(session, actor=actor, app_id=app_id, key_id=key_id)
    digest = app_service.key_hash_of(session, actor=actor, app_id=app_id, key_id=key_id)
    request.app.state.rate_limiter.forget(digest)
    return RedirectResponse(f"/entwickler/apps/{app_id}", status_code=303)


@router.post("/entwickler/apps/{app_id}/plan", dependencies=[CsrfChecked])
def app_plan(
    request: Request,
    app_id: int,
    session: SessionDep,
    actor: ActorDep,
    plan: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Move the app to another plan (operators)."""
    if (redirect := require_login(request, actor)) is not None:
        return redirect
    try:
        app_service.app_set_plan(
            session, actor=actor, app_id=app_id, plan=plan, plans=plan_names(request)
        )
    except Invalid as problem:
        return _app_page(request, session, actor, app_id, problem=problem)
    return RedirectResponse(f"/entwickler/apps/{app_id}", status_code=303)


def _status(request: Request) -> StatusReport:
    """The status, checked at most every 10 s per process (the page is public and cheap)."""
    cached = getattr(request.app.state, "status_cache", None)
    if cached is not None and time.monotonic() - cached[0] < STATUS_CACHE_SECONDS:
        report: StatusReport = cached[1]
        return report
    settings = request.app.state.settings
    try:
        with get_database(request).session() as session:
            report = status_service.status_report(session, settings=settings)
    except Exception:  # no session at all: the database is down
        report = status_service.status_without_database(settings=settings)
    request.app.state.status_cache = (time.monotonic(), report)
    return report


@router.get("/status.json")
def status_json(request: Request) -> JSONResponse:
    """The status for machines: 200 when operational or degraded, 503 when down."""
    report = _status(request)
    return JSONResponse(
        report.model_dump(mode="json"), status_code=503 if report.state == "down" else 200
    )


@router.get("/status")
def status_page(request: Request) -> Response:
    """The status for people (JSON when the client asks for it by Accept)."""
    if wants_json(request):
        return status_json(request)
    _ = gettext_for(request)
    report = _status(request)
    context = {
        "title": _("Status"),
        "report": report,
        "state_names": STATE_NAMES,
        "component_names": COMPONENT_NAMES,
    }
    return render(request, "developers/status.html", context)
