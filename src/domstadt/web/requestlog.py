"""Every request gets an id and one access log line: the id comes from a proxy's
``X-Request-ID`` when it is plain, else it is new; it is set in the logging context for the
whole request (so jobs queued meanwhile carry it, core/jobs.py), echoed as ``X-Request-ID``
on every answer, and named by the access line (method, route template, status, duration).

The access line never names the query string, cookies or headers (tokens travel there), and
the path only when no route matched; health probes and scrapes are logged at DEBUG."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domstadt.core.logs import REQUEST_ID

access_log = logging.getLogger("domstadt.access")

REQUEST_ID_HEADER = b"x-request-id"
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
QUIET_PATHS = frozenset({"/livez", "/readyz", "/healthz", "/metrics"})
"""Probes and scrapes, called every few seconds: their access lines are DEBUG."""
MAX_LOGGED_PATH = 200


def request_id(scope: Scope) -> str:
    """The request's id: a proxy's ``X-Request-ID`` when it is plain, else a new one."""
    for key, value in scope.get("headers", []):
        if key == REQUEST_ID_HEADER:
            given = value.decode("latin-1")
            if _SAFE_ID.fullmatch(given):
                return given
    return uuid.uuid4().hex[:16]


def route_template(scope: Scope) -> str | None:
    """The template of the route that served the request (``/massnahmen/{measure_id}``)."""
    route: Any = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else None


class RequestContextMiddleware:
    """Outermost layer: request id in the logging context and on the answer; access line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(scope)
        scope.setdefault("state", {})["request_id"] = rid
        token = REQUEST_ID.set(rid)
        header = (REQUEST_ID_HEADER, rid.encode("latin-1"))
        start = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                kept = [h for h in message.get("headers", []) if h[0].lower() != REQUEST_ID_HEADER]
                message["headers"] = [*kept, header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _log_access(scope, status, time.perf_counter() - start)
            REQUEST_ID.reset(token)


def _log_access(scope: Scope, status: int, seconds: float) -> None:
    path = scope.get("path", "")
    level = logging.DEBUG if path in QUIET_PATHS else logging.INFO
    if not access_log.isEnabledFor(level):
        return
    route = route_template(scope)
    fields: dict[str, Any] = {
        "method": scope.get("method"),
        "route": route or "unmatched",
        "status": status,
        "duration_ms": round(seconds * 1000, 1),
    }
    if route is None:
        fields["path"] = path[:MAX_LOGGED_PATH]
    access_log.log(
        level,
        "%s %s %s %.1f ms",
        fields["method"],
        route or fields["path"],
        status,
        fields["duration_ms"],
        extra=fields,
    )
