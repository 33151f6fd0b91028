"""The person's own data on /konto (profile, contributions, GDPR export, deletion) and the
mail outbox for admins and the demo (/admin/postausgang), with JSON twins."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from domstadt.core.auth import account_service as accounts
from domstadt.core.auth.permissions import Actor, Permission, check
from domstadt.core.auth.schemas import ProfileUpdate
from domstadt.core.errors import Forbidden, Invalid
from domstadt.core.mail import Mailer, OutboxEntry, OutboxMessage
from domstadt.web.account_views import SIGNED_IN_COOKIE, require_login
from domstadt.web.deps import ActorDep, SessionDep, verify_csrf_api, verify_csrf_form
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1", tags=["accounts"], dependencies=[Depends(verify_csrf_api)])
CsrfChecked = Depends(verify_csrf_form)


class DeleteBody(BaseModel):
    """Deleting the account needs the password."""

    password: str = Field(max_length=1024)


def _export_response(data: dict[str, Any]) -> JSONResponse:
    response = JSONResponse(data)
    response.headers["Content-Disposition"] = 'attachment; filename="domstadt-konto.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/konto/export")
def export(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Download all my data as JSON (GDPR Art. 15 and 20)."""
    if (redirect := require_login(request, actor)) is not None:
        return redirect
    return _export_response(accounts.account_export(session, actor=actor))


@router.post("/konto/profil", dependencies=[CsrfChecked])
def profile(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Change my display name."""
    if not " ".join(name.split()):
        raise Invalid("Bitte geben Sie Ihren Namen an.", field="name")
    accounts.profile_update(session, actor=actor, data=ProfileUpdate(name=name))
    return RedirectResponse("/konto", status_code=303)


@router.post("/konto/loeschen", dependencies=[CsrfChecked])
def delete(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    """Delete my account (password confirms it); signs me out."""
    if (redirect := require_login(request, actor)) is not None:
        return redirect
    accounts.account_delete(session, actor=actor, password=password)
    request.session.clear()
    _ = gettext_for(request)
    response = render(request, "auth/deleted.html", {"title": _("Account deleted")})
    response.delete_cookie(SIGNED_IN_COOKIE)
    return response


@api_router.get("/me/export", summary="All my data as JSON (GDPR Art. 15/20)")
def api_export(session: SessionDep, actor: ActorDep) -> dict[str, Any]:
    """Account, organisations, tokens (no secrets), sessions, activity, feedback, subscriptions."""
    return accounts.account_export(session, actor=actor)


@api_router.post("/me/delete", status_code=204, summary="Delete my account (GDPR Art. 17)")
def api_delete(body: DeleteBody, session: SessionDep, actor: ActorDep) -> None:
    """Contributions stay, shown as "ehemaliges Konto"; 422 when the password is wrong."""
    accounts.account_delete(session, actor=actor, password=body.password)


def _outbox_allowed(request: Request, actor: Actor) -> Mailer:
    """Admins see the outbox; in the demo environment everyone does (it holds demo mail)."""
    settings = request.app.state.settings
    if settings.environment != "demo":
        check(actor, Permission.USER_MANAGE)
    if settings.smtp_host and settings.environment != "demo":
        raise Forbidden("Mit SMTP gibt es keinen Postausgang.")
    return Mailer(settings)


@router.get("/admin/postausgang")
def outbox(request: Request, actor: ActorDep) -> Response:
    """The outbox, newest first."""
    demo = request.app.state.settings.environment == "demo"
    if not demo and (redirect := require_login(request, actor)) is not None:
        return redirect
    mail = _outbox_allowed(request, actor)
    _ = gettext_for(request)
    return render(request, "admin/outbox.html", {"title": _("Outbox"), "items": mail.list()})


@router.get("/admin/postausgang/{name}")
def outbox_message(request: Request, name: str, actor: ActorDep) -> Response:
    """One message of the outbox as text."""
    mail = _outbox_allowed(request, actor)
    message = mail.read(name)
    _ = gettext_for(request)
    return render(request, "admin/outbox_message.html", {"title": message.subject, "m": message})


@api_router.get("/outbox", summary="The mail outbox (admins; everyone in the demo)")
def api_outbox(request: Request, actor: ActorDep) -> list[OutboxEntry]:
    """JSON twin of /admin/postausgang."""
    return _outbox_allowed(request, actor).list()


@api_router.get("/outbox/{name}", summary="One outbox message")
def api_outbox_message(request: Request, name: str, actor: ActorDep) -> OutboxMessage:
    """JSON twin of /admin/postausgang/{name}."""
    return _outbox_allowed(request, actor).read(name)
