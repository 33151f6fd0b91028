"""The last line of defence: an exception no handler took becomes a complete 500 answer,
logged with a request id, so the client learns what happened and its keep-alive connection
stays usable (uvicorn closes a connection when an exception reaches it)."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domstadt.core.db_errors import describe, unavailable
from domstadt.core.logs import current_request_id
from domstadt.web.errors import internal_error, unavailable_error
from domstadt.web.requestlog import request_id

log = logging.getLogger("domstadt.web")


def log_unexpected(scope: Scope, exc: BaseException) -> str:
    """Log ``exc`` with its trace and the request's id (set by ``web/requestlog.py``, a new
    one outside it); returns the id for the answer."""
    rid = current_request_id() or request_id(scope)
    log.error(
        "unhandled error (request %s) on %s %s",
        rid,
        scope.get("method"),
        scope.get("path"),
        exc_info=exc,
    )
    return rid


class UnexpectedErrorMiddleware:
    """Answer an escaped exception with 500 in the API's envelope (see :func:`internal_error`).

    Exceptions of ``passthrough`` are control flow of outer middleware and are re-raised. When
    the response had started but not finished, only closing the connection tells the client
    it is cut short, so the exception goes on to the server; after a complete response it is
    logged and dropped."""

    def __init__(self, app: ASGIApp, passthrough: tuple[type[Exception], ...] = ()) -> None:
        self.app = app
        self.passthrough = passthrough

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = {"started": False, "complete": False}

        async def tracking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["started"] = True
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                state["complete"] = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except self.passthrough:
            raise
        except Exception as exc:
            down = _database_down(scope, exc, state["started"])
            if down is not None:
                await down(scope, receive, send)
                return
            rid = log_unexpected(scope, exc)
            if state["started"] and not state["complete"]:
                raise
            if not state["started"]:
                response = internal_error(Request(scope), rid)
                response.headers["X-Request-ID"] = rid
                await response(scope, receive, send)


def _database_down(scope: Scope, exc: Exception, started: bool) -> Response | None:
    """503 with Retry-After when ``exc`` says the database is down or busy and no answer has
    begun; logged as a warning without a trace (the operator's alert is /readyz)."""
    if started:
        return None
    settings = scope["app"].state.settings if "app" in scope else None
    refused = unavailable(exc, settings.retry_after_seconds if settings else 5)
    if refused is None:
        return None
    log.warning(
        "database unavailable on %s %s: %s", scope.get("method"), scope.get("path"), describe(exc)
    )
    return unavailable_error(Request(scope), refused)
