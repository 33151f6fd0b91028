"""Map errors to HTTP once: JSON for API routes, a page for HTML routes, never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from domstadt.core.errors import DomainError, Forbidden, Unauthenticated, Unavailable
from domstadt.web.deps import actor_of, closed_write, lacks_route_permission
from domstadt.web.i18n import N_
from domstadt.web.templating import gettext_for, render

log = logging.getLogger("domstadt.web")

HTTP_MESSAGES = {
    400: N_("The request could not be understood."),
    401: N_("Please sign in."),
    403: N_("You do not have permission to do this."),
    404: N_("This page does not exist. Check the address or use the navigation."),
    405: N_("This method is not allowed here."),
    413: N_("The request is too large."),
    415: N_("Unsupported content type."),
    422: N_("Some input is not valid."),
    429: N_("Too many requests. Please wait a moment."),
}


def wants_json(request: Request) -> bool:
    """API routes and clients that ask for JSON get JSON errors."""
    path = request.url.path
    if path.startswith(("/api/", "/sta/", "/healthz", "/livez", "/readyz", "/metrics")):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _respond(request: Request, status: int, body: dict[str, Any]) -> Response:
    if wants_json(request):
        return JSONResponse({"error": body}, status_code=status)
    _ = gettext_for(request)
    return render(
        request,
        "errors/error.html",
        {
            "status": status,
            "message": body.get("message", ""),
            "error": body,
            "title": _("Error %(status)s") % {"status": status},
        },
        status_code=status,
    )


async def domain_error(request: Request, exc: Exception) -> Response:
    """A service refused: its own status and message (503 also says when to retry)."""
    assert isinstance(exc, DomainError)
    response = _respond(request, exc.status_code, exc.to_dict())
    retry_after = getattr(exc, "retry_after", None)
    if isinstance(exc, Unavailable) or retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's HTTP errors (404 for unknown routes, 405, ...) in our shape and language."""
    assert isinstance(exc, StarletteHTTPException)
    _ = gettext_for(request)
    detail = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else None
    generic = HTTP_MESSAGES.get(exc.status_code, "Error")
    message = detail if detail and detail not in {"Not Found"} else _(generic)
    response = _respond(
        request, exc.status_code, {"code": f"http_{exc.status_code}", "message": message}
    )
    if exc.headers:
        response.headers.update(exc.headers)
    return response


VALIDATION_MESSAGES = {
    "json_invalid": N_("The body is not valid JSON (%(error)s)."),
    "missing": N_("This field is required."),
    "string_too_short": N_("At least %(min_length)s characters, please."),
    "string_too_long": N_("At most %(max_length)s characters, please."),
    "int_parsing": N_("A whole number is expected."),
    "float_parsing": N_("A number is expected."),
    "bool_parsing": N_("true or false is expected."),
    "greater_than_equal": N_("The value must be at least %(ge)s."),
    "less_than_equal": N_("The value must be at most %(le)s."),
    "enum": N_("Allowed values: %(expected)s."),
    "literal_error": N_("Allowed values: %(expected)s."),
    "date_from_datetime_parsing": N_("A date like 2026-11-27 is expected."),
    "datetime_from_date_parsing": N_("A time like 2026-11-27T10:00:00Z is expected."),
    "extra_forbidden": N_("This field is not allowed here."),
    "model_attributes_type": N_("A JSON object is expected."),
    "dict_type": N_("A JSON object is expected."),
    "list_type": N_("A list is expected."),
}


def _problem_message(err: dict[str, Any], gettext: Any) -> str:
    """Pydantic's English message, translated for the error types people meet most."""
    template = VALIDATION_MESSAGES.get(str(err.get("type", "")))
    if template is None:
        return str(err.get("msg", ""))
    context = {k: str(v) for k, v in (err.get("ctx") or {}).items()}
    try:
        return str(gettext(template) % context)
    except (KeyError, ValueError):
        return str(err.get("msg", ""))


SIGN_IN_FIRST = N_("Please sign in to do this (API token or session), then send the request.")
NO_RIGHT = N_("You lack the permission for this action, whatever the request contains.")


async def validation_error(request: Request, exc: Exception) -> Response:
    """Malformed JSON or fields: name each field and what is wrong with it, in the UI's language.
    An anonymous write to a closed route hears 401 first, and a signed-in person without the
    route's permission (``deps.needs``) 403: who asks is decided before what."""
    assert isinstance(exc, RequestValidationError)
    _ = gettext_for(request)
    if closed_write(request):
        try:
            actor = await run_in_threadpool(actor_of, request)
        except DomainError as refused:  # an unknown token: 401 with its own message
            return await domain_error(request, refused)
        if not actor.is_authenticated:
            return await domain_error(request, Unauthenticated(_(SIGN_IN_FIRST)))
        if lacks_route_permission(request, actor):
            return await domain_error(request, Forbidden(_(NO_RIGHT)))
    problems = []
    for err in exc.errors():
        location = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        problems.append({"field": location, "message": _problem_message(dict(err), _)})
    summary = "; ".join(f"{p['field'] or 'body'}: {p['message']}" for p in problems)
    return _respond(
        request,
        422,
        {"code": "invalid", "message": _("Invalid input") + f" – {summary}", "details": problems},
    )


INTERNAL_MESSAGE = N_(
    "Something went wrong on our side. The error has been logged under number %(request_id)s; "
    "please try again later."
)
CKAN_PREFIXES = ("/api/3/action/", "/api/action/")
STA_PREFIX = "/sta/"


def internal_error(request: Request, request_id: str) -> Response:
    """The 500 answer to an unexpected exception, in the envelope of the API that was asked
    (CKAN, SensorThings, native JSON or an HTML page), naming the logged request id."""
    message = gettext_for(request)(INTERNAL_MESSAGE) % {"request_id": request_id}
    return _enveloped(request, 500, "internal", message)


def unavailable_error(request: Request, exc: Unavailable) -> Response:
    """The 503 answer to a database that is down or busy outside any route's own handling
    (e.g. an API key looked up before the route), with ``Retry-After``, in the envelope of
    the API that was asked."""
    response = _enveloped(request, exc.status_code, exc.code, exc.message)
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _enveloped(request: Request, status: int, code: str, message: str) -> Response:
    path = request.url.path
    if path.startswith(CKAN_PREFIXES):
        kind = "Internal Server Error" if status == 500 else "Service Unavailable"
        error = {"__type": kind, "message": message}
        return JSONResponse({"help": "", "success": False, "error": error}, status)
    if path.startswith(STA_PREFIX):
        return JSONResponse({"code": status, "type": "error", "message": message}, status)
    return _respond(request, status, {"code": code, "message": message})


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
