"""Sign-in, sign-out, the personal account page (API tokens, sign-in sessions, password) and
the admins' audit log."""

from __future__ import annotations

import asyncio
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from domstadt.core.auth import account_parts
from domstadt.core.auth import service as auth
from domstadt.core.auth import session_service as sessions
from domstadt.core.auth.permissions import Actor
from domstadt.core.auth.schemas import expiry_from_form
from domstadt.core.db import Database, DbSession
from domstadt.core.errors import DomainError, Invalid, TooManyRequests, Unauthenticated
from domstadt.participation.feedback import service as feedback
from domstadt.subscriptions import service as subscriptions
from domstadt.web.deps import (
    SESSION_KEY,
    SESSION_USER,
    ActorDep,
    SessionDep,
    client_address,
    get_database,
    session_key,
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
async def login(
    request: Request,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the credentials; on success start a fresh session (no fixation). An account with
    many failures waits first (``core.auth.throttle``), here in the event loop: a waiting
    attempt holds no worker thread."""
    database = get_database(request)
    client = client_address(request)
    delay = await run_in_threadpool(_sign_in_delay, database, email, client)
    if delay:
        await asyncio.sleep(delay)
    return await run_in_threadpool(_sign_in, request, database, email, password, next)


def _sign_in_delay(database: Database, email: str, client: str) -> float:
    with database.session() as session:
        return auth.sign_in_delay(session, email=email, client=client)


def _sign_in(
    request: Request, database: Database, email: str, password: str, next: str
) -> Response:
    _ = gettext_for(request)
    agent = request.headers.get("user-agent", "")
    try:
        with database.session() as session:
            signed = auth.authenticate(
                session,
                email=email,
                password=password,
                client=client_address(request),
                user_agent=agent,
            )
    except auth.NotConfirmed as exc:
        context = {
            "title": _("Sign in"),
            "next": safe_next(next),
            "error": exc.message,
            "email": email,
            "unconfirmed": True,
        }
        return render(request, "auth/login.html", context, status_code=401)
    except (Unauthenticated, TooManyRequests) as exc:
        locked = isinstance(exc, TooManyRequests)
        message = (
            _("Too many failed attempts. Please try again later.")
            if locked
            else _("E-mail address or password is wrong.")
        )
        context = {"title": _("Sign in"), "next": safe_next(next), "error": message, "email": email}
        return render(request, "auth/login.html", context, status_code=429 if locked else 401)
    request.session.clear()
    request.session[SESSION_USER] = signed.user.id
    request.session[SESSION_KEY] = signed.session_key
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(SIGNED_IN_COOKIE, "1", httponly=True, samesite="lax")
    return response


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """End the session on the server too: the cookie, and every copy of it, stops working."""
    key = session_key(request)
    if key:
        sessions.session_end(session, actor=actor, key=key)
    request.session.clear()
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SIGNED_IN_COOKIE)
    return response


def _account_page(
    request: Request,
    session: DbSession,
    actor: Actor,
    *,
    new_token: str | None = None,
    problem: DomainError | None = None,
    notice: str | None = None,
) -> Response:
    """The account page; a new token's secret appears only in the answer that created it
    (never in the session cookie), and no cache keeps that answer."""
    _ = gettext_for(request)
    context = {
        "title": _("My account"),
        "me": auth.user_me(session, actor=actor),
        "tokens": auth.token_list(session, actor=actor),
        "sessions": sessions.session_list(session, actor=actor, current_key=session_key(request)),
        "subscriptions": subscriptions.my_subscriptions(session, actor=actor),
        "contributions": feedback.my_feedback(session, actor=actor),
        "new_token": new_token,
        "problem": problem,
        "notice": notice,
    }
    status = problem.status_code if problem is not None else 200
    response = render(request, "auth/account.html", context, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/konto")
def account(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The signed-in person's account: API tokens, sign-in sessions, password."""
    if (redirect := require_login(request, actor)) is not None:
        return redirect
    return _account_page(request, session, actor)


@router.post("/konto/tokens", dependencies=[CsrfChecked])
def account_token_create(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    name: Annotated[str, Form(max_length=200)] = "",
    expires_on: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Create a token (valid through ``expires_on`` when given) and show its secret in this
    answer, the only time it is shown."""
    try:
        expires_at = expiry_from_form(expires_on)
        created = auth.token_create(session, actor=actor, name=name, expires_at=expires_at)
    except Invalid as problem:
        return _account_page(request, session, actor, problem=problem)
    return _account_page(request, session, actor, new_token=created.token)


@router.post("/konto/tokens/{token_id}/widerrufen", dependencies=[CsrfChecked])
def account_token_revoke(
    request: Request, token_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """Revoke one of my tokens."""
    auth.token_revoke(session, actor=actor, token_id=token_id)
    return RedirectResponse("/konto", status_code=303)


@router.post("/konto/sitzungen/{session_id}/beenden", dependencies=[CsrfChecked])
def account_session_end(
    request: Request, session_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """End one of my sign-in sessions (e.g. on a computer I no longer use)."""
    sessions.session_revoke(session, actor=actor, session_id=session_id)
    return RedirectResponse("/konto", status_code=303)


@router.post("/konto/sitzungen/andere-beenden", dependencies=[CsrfChecked])
def account_sessions_end_others(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """End every sign-in session of mine except this one."""
    sessions.session_revoke_others(session, actor=actor, keep_key=session_key(request))
    return RedirectResponse("/konto", status_code=303)


@router.post("/konto/passwort", dependencies=[CsrfChecked])
def account_password(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    current_password: Annotated[str, Form(max_length=1024)] = "",
    new_password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    """Change my password; every other sign-in session of mine ends."""
    if (redirect := require_login(request, actor)) is not None:
        return redirect
    _ = gettext_for(request)
    try:
        ended = auth.password_change(
            session,
            actor=actor,
            current=current_password,
            new=new_password,
            client=client_address(request),
            keep_key=session_key(request),
        )
    except (Invalid, TooManyRequests) as problem:
        session.rollback()
        return _account_page(request, session, actor, problem=problem)
    notice = _("Your password has been changed; %(n)s other sessions were ended.") % {"n": ended}
    return _account_page(request, session, actor, notice=notice)


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


def _forget_subscriptions(session: DbSession, actor: Actor) -> None:
    for item in subscriptions.my_subscriptions(session, actor=actor):
        subscriptions.subscription_cancel(session, actor=actor, subscription_id=item.id)


def _forget_feedback(session: DbSession, actor: Actor) -> None:
    feedback.my_feedback_anonymise(session, actor=actor, author_name=account_parts.FORMER_ACCOUNT)


account_parts.register(
    account_parts.AccountPart(
        name="feedback",
        export=lambda session, actor: feedback.my_feedback(session, actor=actor),
        forget=_forget_feedback,
    )
)
account_parts.register(
    account_parts.AccountPart(
        name="subscriptions",
        export=lambda session, actor: [
            s.model_dump(mode="json") for s in subscriptions.my_subscriptions(session, actor=actor)
        ],
        forget=_forget_subscriptions,
    )
)
