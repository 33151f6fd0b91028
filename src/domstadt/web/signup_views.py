"""Self-service sign-up (/registrieren), confirmation link, resend, password reset pages and
their JSON twins (/api/v1/signup, /api/v1/password-reset): the same answer whether or not an
address is known."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError

from domstadt.core.auth import signup_service as signup
from domstadt.core.auth.schemas import SignupRequest
from domstadt.core.errors import Invalid, TooManyRequests
from domstadt.core.mail import Mailer
from domstadt.web.deps import (
    OPEN_TO_ANYONE,
    ActorDep,
    SessionDep,
    client_address,
    verify_csrf_api,
    verify_csrf_form,
)
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
CsrfChecked = Depends(verify_csrf_form)
api_router = APIRouter(prefix="/api/v1", tags=["accounts"], dependencies=[Depends(verify_csrf_api)])
ACCEPTED = {
    "status": "accepted",
    "message": "Wenn die Angaben stimmen, erhalten Sie gleich eine E-Mail mit einem Link.",
}
"""The one answer of sign-up, resend and reset requests, known address or not."""


def mailer(request: Request) -> Mailer:
    """The mailer for this app's settings."""
    return Mailer(request.app.state.settings)


class EmailRequest(BaseModel):
    """An address to mail a link to."""

    email: str = Field(max_length=320)


class PasswordResetBody(BaseModel):
    """A reset link's token and the new password."""

    token: str = Field(max_length=200)
    password: str = Field(max_length=1024)


class ConfirmBody(BaseModel):
    """A confirmation link's token."""

    token: str = Field(max_length=200)


def _throttled(
    exc: TooManyRequests, request: Request, template: str, ctx: dict[str, Any]
) -> Response:
    response = render(request, template, ctx | {"error": exc.message}, status_code=429)
    response.headers["Retry-After"] = str(getattr(exc, "retry_after", 60))
    return response


@router.get("/registrieren")
def signup_form(request: Request, actor: ActorDep) -> Response:
    """The sign-up form."""
    _ = gettext_for(request)
    ctx: dict[str, Any] = {"title": _("Sign up"), "email": "", "name": "", "problems": {}}
    return render(request, "auth/signup.html", ctx)


@router.post("/registrieren", dependencies=[CsrfChecked])
async def signup_page(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Start the account and say to check the mailbox (the same for a taken address)."""
    _ = gettext_for(request)
    ctx: dict[str, Any] = {"title": _("Sign up"), "email": "", "name": "", "problems": {}}
    form = await request.form()
    ctx |= {"email": str(form.get("email", ""))[:320], "name": str(form.get("name", ""))[:200]}
    try:
        data = SignupRequest(
            email=ctx["email"], name=ctx["name"], password=str(form.get("password", ""))[:1024]
        )
    except ValidationError as exc:
        ctx["problems"] = {
            str(e["loc"][0]): str(e["msg"]).removeprefix("Value error, ") for e in exc.errors()
        }
        return render(request, "auth/signup.html", ctx, status_code=422)
    try:
        signup.signup(
            session, actor=actor, data=data, client=client_address(request), mailer=mailer(request)
        )
    except TooManyRequests as exc:
        return _throttled(exc, request, "auth/signup.html", ctx)
    return render(request, "auth/check_mail.html", {"title": _("Check your mailbox")})


@router.get("/registrieren/bestaetigen")
def confirm_page(request: Request, actor: ActorDep, token: str = "") -> Response:
    """Shows a button that confirms (a GET alone changes nothing: mail scanners follow links)."""
    _ = gettext_for(request)
    return render(
        request, "auth/confirm.html", {"title": _("Confirm e-mail"), "token": token[:200]}
    )


@router.post("/registrieren/bestaetigen", dependencies=[CsrfChecked])
def confirm(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Confirm the address, then offer to sign in."""
    _ = gettext_for(request)
    try:
        email = signup.signup_confirm(session, actor=actor, token=token)
    except Invalid as exc:
        ctx = {"title": _("Confirm e-mail"), "token": "", "error": exc.message}
        return render(request, "auth/confirm.html", ctx, status_code=422)
    return render(
        request,
        "auth/login.html",
        {
            "title": _("Sign in"),
            "next": "/konto",
            "email": email,
            "notice": _("Your e-mail address is confirmed. You can sign in now."),
        },
    )


@router.post("/registrieren/erneut-senden", dependencies=[CsrfChecked])
def resend(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    email: Annotated[str, Form(max_length=320)] = "",
) -> Response:
    """Mail a fresh confirmation link (same answer for every address)."""
    _ = gettext_for(request)
    try:
        signup.confirmation_resend(
            session,
            actor=actor,
            email=email,
            client=client_address(request),
            mailer=mailer(request),
        )
    except TooManyRequests as exc:
        ctx = {"title": _("Sign up"), "email": email, "name": "", "problems": {}}
        return _throttled(exc, request, "auth/signup.html", ctx)
    return render(request, "auth/check_mail.html", {"title": _("Check your mailbox")})


@router.get("/passwort-vergessen")
def forgot_form(request: Request, actor: ActorDep) -> Response:
    """The form asking for a reset link."""
    _ = gettext_for(request)
    return render(request, "auth/forgot.html", {"title": _("Forgot password"), "email": ""})


@router.post("/passwort-vergessen", dependencies=[CsrfChecked])
async def forgot_page(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Mail a reset link; the answer is the same for every address."""
    _ = gettext_for(request)
    ctx: dict[str, Any] = {"title": _("Forgot password"), "email": ""}
    form = await request.form()
    ctx["email"] = str(form.get("email", ""))[:320]
    try:
        signup.password_reset_request(
            session,
            actor=actor,
            email=ctx["email"],
            client=client_address(request),
            mailer=mailer(request),
        )
    except TooManyRequests as exc:
        return _throttled(exc, request, "auth/forgot.html", ctx)
    return render(request, "auth/check_mail.html", {"title": _("Check your mailbox")})


@router.get("/passwort-neu")
def reset_page(request: Request, actor: ActorDep, token: str = "") -> Response:
    """The form for a new password, from the reset link."""
    _ = gettext_for(request)
    return render(request, "auth/reset.html", {"title": _("New password"), "token": token[:200]})


@router.post("/passwort-neu", dependencies=[CsrfChecked])
def reset(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    token: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    """Set the new password; every sign-in session of the account ends."""
    _ = gettext_for(request)
    try:
        signup.password_reset(session, actor=actor, token=token, password=password)
    except Invalid as exc:
        session.rollback()
        ctx = {"title": _("New password"), "token": token, "error": exc.message}
        return render(request, "auth/reset.html", ctx, status_code=422)
    return render(
        request,
        "auth/login.html",
        {
            "title": _("Sign in"),
            "next": "/konto",
            "email": "",
            "notice": _("Your password has been changed. Please sign in."),
        },
    )


@api_router.post(
    "/signup",
    status_code=202,
    summary="Sign up (double opt-in by e-mail)",
    openapi_extra=OPEN_TO_ANYONE,
)
def api_signup(
    body: SignupRequest, request: Request, session: SessionDep, actor: ActorDep
) -> JSONResponse:
    """202 with the same body for new and taken addresses; the link arrives by mail.
    422 names a malformed field, 429 (with Retry-After) when throttled."""
    signup.signup(
        session, actor=actor, data=body, client=client_address(request), mailer=mailer(request)
    )
    return JSONResponse(ACCEPTED, status_code=202)


@api_router.post(
    "/signup/resend",
    status_code=202,
    summary="Resend the confirmation link",
    openapi_extra=OPEN_TO_ANYONE,
)
def api_resend(
    body: EmailRequest, request: Request, session: SessionDep, actor: ActorDep
) -> JSONResponse:
    """202 always (no enumeration)."""
    signup.confirmation_resend(
        session,
        actor=actor,
        email=body.email,
        client=client_address(request),
        mailer=mailer(request),
    )
    return JSONResponse(ACCEPTED, status_code=202)


@api_router.post(
    "/signup/confirm",
    summary="Confirm an e-mail address with the link's token",
    openapi_extra=OPEN_TO_ANYONE,
)
def api_confirm(body: ConfirmBody, session: SessionDep, actor: ActorDep) -> dict[str, str]:
    """422 when the token is unknown, used or expired."""
    return {
        "status": "confirmed",
        "email": signup.signup_confirm(session, actor=actor, token=body.token),
    }


@api_router.post(
    "/password-reset",
    status_code=202,
    summary="Mail a password reset link",
    openapi_extra=OPEN_TO_ANYONE,
)
def api_reset_request(
    body: EmailRequest, request: Request, session: SessionDep, actor: ActorDep
) -> JSONResponse:
    """202 always, known address or not; the link is valid for one hour, once."""
    signup.password_reset_request(
        session,
        actor=actor,
        email=body.email,
        client=client_address(request),
        mailer=mailer(request),
    )
    return JSONResponse(ACCEPTED, status_code=202)


@api_router.post(
    "/password-reset/confirm",
    summary="Set a new password with the link's token",
    openapi_extra=OPEN_TO_ANYONE,
)
def api_reset(body: PasswordResetBody, session: SessionDep, actor: ActorDep) -> dict[str, Any]:
    """Every sign-in session of the account ends; 422 for a bad token or weak password."""
    ended = signup.password_reset(session, actor=actor, token=body.token, password=body.password)
    return {"status": "changed", "sessions_ended": ended}
