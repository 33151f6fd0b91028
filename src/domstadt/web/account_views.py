"""Sign-in, sign-out, the personal account page (API tokens) and the admins' audit log."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from domstadt.core.auth import service as auth
from domstadt.core.auth.permissions import Actor
from domstadt.core.errors import TooManyRequests, Unauthenticated
from domstadt.web.deps import (
    SESSION_CSRF,
    SESSION_USER,
    ActorDep,
    SessionDep,
    verify_csrf_form,
)
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
SIGNED_IN_COOKIE = "domstadt_signed_in"
"""Set at sign-in, removed at sign-out: when it outlives the session, the session expired."""
CsrfChecked = Depends(verify_csrf_form)


def safe_next(target: str | None) -> str:
    """Only same-site paths are followed after sign-in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def require_login(request: Request, actor: Actor) -> RedirectResponse | None:
    """Send anonymous visitors to the sign-in page, noting an expired session."""
    if actor.is_authenticated:
        return None
    expired = "&expired=1" if SIGNED_IN_COOKIE in request.cookies else ""
    return RedirectResponse(f"/login?next={quote(request.url.path)}{expired}", status_code=303)


@router.get("/login")
def login_form(request: Request, actor: ActorDep, next: str = "/", expired: int = 0) -> Response:
    """The sign-in form."""
    _ = gettext_for(request)
    notice = _("Your session has expired. Please sign in again.") if expired else None
    return render(
        request,
        "auth/login.html",
        {"title": _("Sign in"), "next": safe_next(next), "notice": notice, "email": ""},
    )


@router.post("/login", dependencies=[CsrfChecked])
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the credentials; on success start a fresh session (no fixation)."""
    _ = gettext_for(request)
    client = request.client.host if request.client else "unknown"
    try:
        user = auth.authenticate(session, email=email, password=password, client=client)
    except (Unauthenticated, TooManyRequests) as exc:
        status = 429 if isinstance(exc, TooManyRequests) else 401
        message = (
            _("Too many failed attempts. Please try again later.")
            if status == 429
            else _("E-mail address or password is wrong.")
        )
        return render(
            request,
            "auth/login.html",
            {
                "title": _("Sign in"),
                "next": safe_next(next),
                "error": message,
                "email": email,
            },
            status_code=status,
        )
    request.session.clear()
    request.session[SESSION_USER] = user.id
    request.session.pop(SESSION_CSRF, None)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(SIGNED_IN_COOKIE, "1", httponly=True, samesite="lax")
    return response


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request) -> Response:
    """End the session."""
    request.session.clear()
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SIGNED_IN_COOKIE)
    return response


@router.get("/konto")
def account(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The signed-in person's account with their API tokens."""
    if (redirect := require_login(request, actor)) is not None:
        return redirect
    _ = gettext_for(request)
    return render(
        request,
        "auth/account.html",
        {
            "title": _("My account"),
            "me": auth.user_me(session, actor=actor),
            "tokens": auth.token_list(session, actor=actor),
            "new_token": request.session.pop("new_token", None),
        },
    )


@router.post("/konto/tokens", dependencies=[CsrfChecked])
def account_token_create(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Create a token; it is shown once on the account page."""
    created = auth.token_create(session, actor=actor, name=name)
    request.session["new_token"] = created.token
    return RedirectResponse("/konto", status_code=303)


@router.post("/konto/tokens/{token_id}/widerrufen", dependencies=[CsrfChecked])
def account_token_revoke(
    request: Request, token_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """Revoke one of my tokens."""
    auth.token_revoke(session, actor=actor, token_id=token_id)
    return RedirectResponse("/konto", status_code=303)


@router.get("/admin/audit")
def audit_page(
    request: Request, session: SessionDep, actor: ActorDep, entity_type: str = "", page: int = 1
) -> Response:
    """The audit log for admins, newest first, 50 a page."""
    if (redirect := require_login(request, actor)) is not None:
        return redirect
    _ = gettext_for(request)
    page = max(page, 1)
    result = auth.audit_list(
        session, actor=actor, entity_type=entity_type or None, limit=50, offset=(page - 1) * 50
    )
    return render(
        request,
        "admin/audit.html",
        {
            "title": _("Audit log"),
            "result": result,
            "page": page,
            "entity_type": entity_type,
            "pages": max(1, -(-result.total // 50)),
        },
    )
