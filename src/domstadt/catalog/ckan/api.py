"""CKAN Action API at /api/3/action/<name> and /api/action/<name> with CKAN's envelope.

Errors keep CKAN's shape and status: Not Found Error 404, Validation Error 409 (field → list
of messages), Authorization Error 403, Bad request 400. Tokens: ``Authorization: <token>``
(as ckanapi sends it), ``Authorization: Bearer <token>`` or ``X-CKAN-API-Key``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from domstadt.catalog.ckan.actions import ACTIONS, WRITE_ACTIONS
from domstadt.catalog.ckan.actions_base import Context
from domstadt.core.auth import service as auth
from domstadt.core.auth.permissions import ANONYMOUS, Actor, Permission
from domstadt.core.db import DbSession
from domstadt.core.db_errors import unavailable
from domstadt.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    TooManyRequests,
    Unauthenticated,
    Unavailable,
)
from domstadt.core.json_limits import JsonTooLarge, parse_json
from domstadt.core.weburl import site_base
from domstadt.web.deps import ReadSessionDep

log = logging.getLogger("domstadt.catalog.ckan")
router = APIRouter(tags=["ckan"], include_in_schema=False)


class CkanError(Exception):
    """An error already in CKAN's shape."""

    def __init__(self, status: int, error: dict[str, Any]) -> None:
        super().__init__(error.get("message", ""))
        self.status = status
        self.error = error


def _actor(request: Request, session: DbSession) -> Actor:
    header = request.headers.get("authorization", "").strip()
    key = request.headers.get("x-ckan-api-key", "").strip()
    scheme, _, rest = header.partition(" ")
    token = rest.strip() if scheme.lower() == "bearer" else header if " " not in header else ""
    if scheme.lower() == "basic":
        return ANONYMOUS
    token = token or key
    if not token:
        return ANONYMOUS
    actor = auth.actor_for_token(session, token=token)
    if actor is None:
        raise CkanError(
            403,
            {
                "__type": "Authorization Error",
                "message": "Das API-Token ist unbekannt oder widerrufen.",
            },
        )
    return actor


async def _params(request: Request) -> tuple[dict[str, Any], tuple[str, bytes] | None]:
    if request.method == "GET":
        return dict(request.query_params), None
    ctype = request.headers.get("content-type", "")
    if ctype.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        data: dict[str, Any] = {}
        upload = None
        async with request.form() as form:
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    upload = (value.filename or "upload", await value.read())
                else:
                    data[key] = value
        return data, upload
    body = await request.body()
    if not body.strip():
        return dict(request.query_params), None
    try:
        parsed = await run_in_threadpool(parse_json, body)  # CPU work: not in the event loop
    except JsonTooLarge:
        raise
    except Invalid:
        raise CkanError(
            400, {"__type": "Bad request", "message": "Bad request - JSON Error: ungültiges JSON"}
        ) from None
    if not isinstance(parsed, dict):
        raise CkanError(
            400, {"__type": "Bad request", "message": "Bad request - JSON Error: kein Objekt"}
        )
    return parsed, None


def _ckan_error(exc: DomainError) -> tuple[int, dict[str, Any]]:
    if isinstance(exc, NotFound):
        return 404, {"__type": "Not Found Error", "message": f"Not found: {exc.message}"}
    if isinstance(exc, Forbidden | Unauthenticated):
        return 403, {"__type": "Authorization Error", "message": f"Access denied: {exc.message}"}
    if isinstance(exc, Invalid | Conflict):
        fields = (
            exc.details
            if isinstance(exc.details, dict)
            else {exc.field or "message": [exc.message]}
        )
        return 409, {"__type": "Validation Error", "message": exc.message, **fields}
    if isinstance(exc, TooManyRequests):
        return 429, {"__type": "Too Many Requests", "message": exc.message}
    if isinstance(exc, Unavailable):
        return 503, {"__type": "Service Unavailable", "message": exc.message}
    return 400, {"__type": "Bad request", "message": exc.message}


def _authorised(request: Request, session: DbSession, name: str) -> Actor:
    """The caller; a write action without a token, or by an actor who may not edit, is
    refused here, before its body is read or validated (CKAN answers 403 for both)."""
    actor = _actor(request, session)
    if name in WRITE_ACTIONS and not actor.can(Permission.CONTENT_EDIT):
        reason = (
            "Zum Schreiben ist ein API-Token nötig."
            if not actor.is_authenticated
            else "Ihr Konto darf keine Datensätze bearbeiten."
        )
        raise CkanError(403, {"__type": "Authorization Error", "message": reason})
    return actor


def _call(
    request: Request,
    session: DbSession,
    action: Callable[[Context, dict[str, Any]], Any],
    actor: Actor,
    params: tuple[dict[str, Any], tuple[str, bytes] | None],
) -> Any:
    """Run the action in a worker thread: it queries the database, which must never block
    the event loop."""
    data, upload = params
    settings = request.app.state.settings
    base = site_base(request)
    ctx = Context(session, actor, settings.data_dir, base, upload)
    return action(ctx, data)


def _answer(
    request: Request,
    session: DbSession,
    name: str,
    action: Callable[[Context, dict[str, Any]], Any],
    params: tuple[dict[str, Any], tuple[str, bytes] | None],
) -> Any:
    """``_authorised`` and ``_call`` in one worker thread (a GET has no body to wait for;
    every hop between the event loop and a worker costs a thread switch)."""
    return _call(request, session, action, _authorised(request, session, name), params)


def _retry_after(request: Request) -> int:
    return int(request.app.state.settings.retry_after_seconds)


def _retry_header(exc: DomainError) -> dict[str, str] | None:
    """``Retry-After`` for a 503 (database or DataStore busy)."""
    return {"Retry-After": str(exc.retry_after)} if isinstance(exc, Unavailable) else None


def _help(request: Request, name: str) -> str:
    return f"{request.url_for('ckan_action_3', name='help_show')}?name={name}"


async def _handle(request: Request, session: DbSession, name: str) -> JSONResponse:
    help_url = _help(request, name)
    try:
        action = ACTIONS.get(name)
        if action is None:
            raise CkanError(
                400,
                {
                    "__type": "Bad request",
                    "message": f"Bad request - Action name not known: {name}",
                },
            )
        if request.method == "GET" and name in WRITE_ACTIONS:
            raise CkanError(
                400,
                {
                    "__type": "Bad request",
                    "message": "Bad request - JSON Error: Invalid request. "
                    "Please use POST method for your request",
                },
            )
        if request.method == "GET":  # no body to read: decide and answer in one worker hop
            params = await _params(request)
            result = await run_in_threadpool(_answer, request, session, name, action, params)
        else:  # the caller is decided before the body is read
            actor = await run_in_threadpool(_authorised, request, session, name)
            params = await _params(request)
            result = await run_in_threadpool(_call, request, session, action, actor, params)
    except CkanError as exc:
        session.rollback()
        return JSONResponse({"help": help_url, "success": False, "error": exc.error}, exc.status)
    except Exception as exc:
        session.rollback()
        refused = exc if isinstance(exc, DomainError) else unavailable(exc, _retry_after(request))
        if refused is None:
            raise
        status, error = _ckan_error(refused)
        body = {"help": help_url, "success": False, "error": error}
        return JSONResponse(body, status, headers=_retry_header(refused))
    return JSONResponse({"help": help_url, "success": True, "result": _jsonable(result)})


_AS_IS = frozenset({str, int, bool, float, type(None)})
"""Types a JSON response takes as they are."""


def _jsonable(value: Any) -> Any:
    """``value`` as JSON types. The records of a DataStore page skip FastAPI's encoder for the
    plain values that make up almost all of them (it took ~13 ms for 100 rows of six columns)."""
    from fastapi.encoders import jsonable_encoder

    if isinstance(value, dict) and isinstance(value.get("records"), list):
        rest = jsonable_encoder({k: v for k, v in value.items() if k != "records"})
        return {**rest, "records": [_record(r, jsonable_encoder) for r in value["records"]]}
    return jsonable_encoder(value)


def _record(record: Any, encode: Callable[[Any], Any]) -> Any:
    if not isinstance(record, dict):
        return encode(record)
    return {str(k): v if type(v) in _AS_IS else encode(v) for k, v in record.items()}


@router.api_route("/api/3/action/{name}", methods=["GET", "POST"], name="ckan_action_3")
async def action_3(request: Request, session: ReadSessionDep, name: str) -> JSONResponse:
    """CKAN Action API, versioned path."""
    return await _handle(request, session, name)


@router.api_route("/api/action/{name}", methods=["GET", "POST"], name="ckan_action")
async def action(request: Request, session: ReadSessionDep, name: str) -> JSONResponse:
    """CKAN Action API, unversioned path (what ckanapi calls)."""
    return await _handle(request, session, name)
