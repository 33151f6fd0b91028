"""Request dependencies: database session, the acting person, CSRF and locale."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import lru_cache
from typing import Annotated, Any, get_args

import anyio.to_thread
from anyio import CancelScope, CapacityLimiter
from fastapi import Depends, Request
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from domstadt.core.auth import service as auth
from domstadt.core.auth import session_service as sessions
from domstadt.core.auth.permissions import ANONYMOUS, Actor, Permission
from domstadt.core.db import Database, DbSession
from domstadt.core.db_errors import describe, unavailable
from domstadt.core.errors import Forbidden, Invalid, Unauthenticated
from domstadt.web import i18n
from domstadt.web.i18n import N_

SESSION_USER = "uid"
SESSION_KEY = "sid"
"""The random key of the server-side sign-in session (``core.auth.session_service``)."""
SESSION_CSRF = "csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


CSRF_FORM_MESSAGE = N_(
    "The form has expired or is incomplete (CSRF protection). Please reload the page and "
    "send it again."
)
CSRF_API_MESSAGE = N_(
    "API writes with a session cookie need the X-CSRF-Token header; programs should use an "
    "API token instead (Authorization: Bearer …)."
)
BAD_TOKEN_MESSAGE = N_(
    "The API token is unknown or revoked. Create a new one on your account page (/konto)."
)
BAD_BASIC_MESSAGE = N_("The Authorization header is not valid HTTP Basic.")


def _translate(request: Request, message: str) -> str:
    locale = str(getattr(request.state, "locale", i18n.DEFAULT_LOCALE))
    return i18n.translations(locale).gettext(message)


def get_database(request: Request) -> Database:
    """The app's database (set by the app factory)."""
    db: Database = request.app.state.database
    return db


async def submitted_form(request: Request) -> AsyncIterator[FormData]:
    """The request's form, read in the event loop (Starlette caches it on the request) and
    closed after the answer. Routes taking it are plain ``def`` functions and run in a worker
    thread: their database calls must never block the event loop (a SQLite lock wait there
    stalled every request, including the one holding the lock)."""
    form = await request.form()
    try:
        yield form
    finally:
        await form.close()


FormDep = Annotated[FormData, Depends(submitted_form)]


async def get_session(request: Request) -> AsyncIterator[DbSession]:
    """A session per request: committed on success, rolled back on any error; a database that
    stays busy or is down answers 503 (``Unavailable``), not 500.

    Opened in the event loop (a session connects on its first statement, so this cannot
    block), closed in a worker thread: one thread hop per request fewer than a plain
    generator (~0.1 ms of CPU, docs/benchmarks.md). The close runs shielded from
    cancellation and outside the thread limit, as FastAPI does for plain generators."""
    opened = contextmanager(_answering)(request, get_database(request).session())
    session = opened.__enter__()
    try:
        yield session
    except BaseException as exc:
        with CancelScope(shield=True):
            swallowed = await anyio.to_thread.run_sync(
                opened.__exit__, type(exc), exc, exc.__traceback__, limiter=CapacityLimiter(1)
            )
        if not swallowed:
            raise
    else:
        with CancelScope(shield=True):
            await anyio.to_thread.run_sync(
                opened.__exit__, None, None, None, limiter=CapacityLimiter(1)
            )


def may_read_from_replica(request: Request) -> bool:
    """An anonymous GET or HEAD: it may be answered from a read replica. Everyone signed in
    (cookie) or sending credentials (token) reads from the primary, so whoever just wrote
    reads their own writes, and a sign-in session's ``last_seen`` can be written."""
    if request.method not in ("GET", "HEAD") or request.headers.get("authorization"):
        return False
    return not ("session" in request.scope and request.session.get(SESSION_USER))


def get_read_session(request: Request) -> Iterator[DbSession]:
    """The session of a read-only route: a read replica's for anonymous reads when replicas
    are configured (``DOMSTADT_DATABASE_REPLICA_URLS``), else the primary's."""
    database = get_database(request)
    if database.replicas and may_read_from_replica(request):
        yield from _answering(request, database.read_session())
    else:
        yield from _answering(request, database.session())


def _answering(request: Request, opened: AbstractContextManager[DbSession]) -> Iterator[DbSession]:
    try:
        with opened as session:
            yield session
    except Exception as exc:
        busy = unavailable(exc, request.app.state.settings.retry_after_seconds)
        if busy is None:
            raise
        logging.getLogger("domstadt.web").warning("database unavailable: %s", describe(exc))
        raise busy from exc


SessionDep = Annotated[DbSession, Depends(get_session, scope="function")]
ReadSessionDep = Annotated[DbSession, Depends(get_read_session, scope="function")]
"""For routes that only read public data (SensorThings, CKAN and DCAT reads, public lists)."""


def _bearer_or_basic(request: Request, session: DbSession) -> Actor | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        actor = auth.actor_for_token(session, token=value)
    elif scheme.lower() == "basic" and value:
        try:
            email, _, token = base64.b64decode(value).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise Unauthenticated(_translate(request, BAD_BASIC_MESSAGE)) from None
        actor = auth.actor_for_basic(session, email=email, token=token)
    else:
        return None
    if actor is None:
        raise Unauthenticated(_translate(request, BAD_TOKEN_MESSAGE))
    return actor


def _cookie_actor(request: Request, session: DbSession) -> Actor | None:
    """The person of a live sign-in session named by the cookie; a dead one is forgotten."""
    if "session" not in request.scope:  # a cookie-less request served directly
        return None
    uid, key = request.session.get(SESSION_USER), request.session.get(SESSION_KEY)
    if not uid:
        return None
    actor = None
    if isinstance(uid, int) and isinstance(key, str):
        actor = sessions.actor_for_session(session, user_id=uid, key=key)
    if actor is None:
        request.session.clear()
    return actor


def current_actor(request: Request, session: SessionDep) -> Actor:
    """The person behind the request: API token (Bearer or Basic), else the session cookie."""
    cached: Actor | None = getattr(request.state, "actor", None)
    if cached is not None:
        return cached
    actor = _bearer_or_basic(request, session) or _cookie_actor(request, session)
    request.state.actor = actor or ANONYMOUS
    return request.state.actor


def session_key(request: Request) -> str:
    """The key of the request's sign-in session ("" without one)."""
    key = request.session.get(SESSION_KEY) if "session" in request.scope else None
    return key if isinstance(key, str) else ""


def client_address(request: Request) -> str:
    """The client's address: the peer, or behind a trusted proxy (DOMSTADT_TRUSTED_PROXIES)
    the right-most address the proxies did not add themselves (``web/app.py``)."""
    return request.client.host if request.client else "unknown"


ActorDep = Annotated[Actor, Depends(current_actor)]

OPEN_TO_ANYONE_KEY = "x-open-to-anyone"
OPEN_TO_ANYONE = {OPEN_TO_ANYONE_KEY: True}
"""``openapi_extra`` of the few API write routes anyone may call (sign-up, password reset,
reporting a comment). Every other write route of the native API answers an anonymous
request 401 before it looks at the body (``web/errors.validation_error``), so the order of
checks is the same everywhere: authentication, then validation, then the rule."""

NEEDS_PERMISSION_KEY = "x-needs-permission"


def needs(permission: Permission) -> dict[str, str]:
    """``openapi_extra`` of a closed API write route: the permission its service function
    requires. A signed-in person without it hears 403 before the body is looked at
    (``web/errors.validation_error``), as an anonymous one hears 401; scoped rules (own
    department, own organisation) are still the service's to check after validation."""
    return {NEEDS_PERMISSION_KEY: permission.value}


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def actor_of(request: Request) -> Actor:
    """The request's actor, also where no route dependency has resolved it yet (a body that
    is not JSON is refused before any dependency runs): then with a session of its own."""
    cached: Actor | None = getattr(request.state, "actor", None)
    if cached is not None:
        return cached
    with get_database(request).session() as session:
        return current_actor(request, session)


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(SESSION_CSRF)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return str(token)


def _csrf_matches(request: Request, given: str | None) -> bool:
    expected = request.session.get(SESSION_CSRF)
    return bool(expected and given and hmac.compare_digest(str(expected), given))


async def verify_csrf_form(request: Request) -> None:
    """Reject an HTML form post whose hidden CSRF token does not match the session's."""
    form = await request.form()
    given = form.get(CSRF_FIELD)
    if not _csrf_matches(request, given if isinstance(given, str) else None):
        raise Forbidden(_translate(request, CSRF_FORM_MESSAGE))


async def verify_csrf_api(request: Request, actor: ActorDep) -> None:
    """The route dependency of :func:`check_csrf_api`. Async: it only compares strings, so it
    runs in the event loop instead of costing every API request one more worker-thread hop."""
    check_csrf_api(request, actor)


def check_csrf_api(request: Request, actor: Actor) -> None:
    """API writes with a session cookie need the CSRF header; token requests do not."""
    if request.method in {"GET", "HEAD", "OPTIONS"} or actor.via != "session":
        return
    if not _csrf_matches(request, request.headers.get(CSRF_HEADER)):
        raise Forbidden(_translate(request, CSRF_API_MESSAGE))


UNKNOWN_FIELDS_MESSAGE = N_(
    "Unknown fields are not read and were not saved: %(fields)s. Allowed: %(allowed)s."
)


def closed_write(request: Request) -> bool:
    """A write route of the native API that is not open to anyone (``OPEN_TO_ANYONE``)."""
    route = request.scope.get("route")
    if request.method not in WRITE_METHODS or not isinstance(route, APIRoute):
        return False
    return route.include_in_schema and not (route.openapi_extra or {}).get(OPEN_TO_ANYONE_KEY)


def lacks_route_permission(request: Request, actor: Actor) -> bool:
    """True when the route names a permission (:func:`needs`) that ``actor`` does not hold."""
    route = request.scope.get("route")
    needed = (
        (route.openapi_extra or {}).get(NEEDS_PERMISSION_KEY)
        if isinstance(route, APIRoute)
        else None
    )
    return needed is not None and not actor.can(Permission(needed))


def _body_model(route: APIRoute) -> type[BaseModel] | None:
    field = getattr(route, "body_field", None)
    annotation = field.field_info.annotation if field is not None else None
    for candidate in get_args(annotation) or (annotation,):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


@lru_cache(maxsize=256)
def _accepted(model: type[BaseModel]) -> frozenset[str]:
    names = set(model.model_fields)
    names |= {f.alias for f in model.model_fields.values() if f.alias}
    return frozenset(names)


def _unknown_fields(route: APIRoute, body: bytes) -> list[str]:
    model = _body_model(route)
    if model is None or model.model_config.get("extra") == "forbid":
        return []  # no body model, or pydantic already refuses extra fields by name
    try:
        data: Any = json.loads(body or b"null")
    except ValueError:
        return []  # validation names a broken body
    return sorted(set(data) - _accepted(model)) if isinstance(data, dict) else []


async def refuse_unknown_fields(request: Request) -> None:
    """A JSON body field the native API would not read is refused by name (422), never
    dropped without a word; an anonymous write to a closed route hears 401 first, and a
    signed-in person without the route's permission 403."""
    route = request.scope.get("route")
    if request.method not in WRITE_METHODS or not isinstance(route, APIRoute):
        return
    if not route.include_in_schema or "json" not in request.headers.get("content-type", ""):
        return  # a form or file body is read by its own fields (and its stream is gone)
    unknown = _unknown_fields(route, await request.body())
    if not unknown:
        return
    if closed_write(request):
        actor = await run_in_threadpool(actor_of, request)
        if not actor.is_authenticated or lacks_route_permission(request, actor):
            return  # the route answers 401 or 403 (validation handler or service)
    model = _body_model(route)
    allowed = ", ".join(sorted(model.model_fields)) if model else ""
    message = _translate(request, UNKNOWN_FIELDS_MESSAGE) % {
        "fields": ", ".join(unknown),
        "allowed": allowed,
    }
    details = [{"field": name, "message": message} for name in unknown]
    raise Invalid(message, field=unknown[0], details=details)
