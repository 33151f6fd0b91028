"""Map errors to HTTP once: JSON for API routes, a page for HTML routes, never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from domstadt.core.errors import DomainError
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
    500: N_("Something went wrong on our side. The error has been logged; please try again later."),
}


def wants_json(request: Request) -> bool:
    """API routes and clients that ask for JSON get JSON errors."""
    path = request.url.path
    if path.startswith(("/api/", "/sta/", "/healthz", "/metrics")):
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
    """A service refused: its own status and message."""
    assert isinstance(exc, DomainError)
    return _respond(request, exc.status_code, exc.to_dict())


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


async def validation_error(request: Request, exc: Exception) -> Response:
    """Malformed JSON or fields: name each field and what is wrong with it."""
    assert isinstance(exc, RequestValidationError)
    _ = gettext_for(request)
    problems = []
    for err in exc.errors():
        location = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        problems.append({"field": location, "message": err.get("msg", "")})
    summary = "; ".join(f"{p['field'] or 'body'}: {p['message']}" for p in problems)
    return _respond(
        request,
        422,
        {"code": "invalid", "message": _("Invalid input") + f" – {summary}", "details": problems},
    )


async def unexpected_error(request: Request, exc: Exception) -> Response:
    """Any other exception: log it with the trace, show the person a calm message."""
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    _ = gettext_for(request)
    return _respond(request, 500, {"code": "internal", "message": _(HTTP_MESSAGES[500])})


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, unexpected_error)
