"""ASGI middleware: request body and JSON limits, UI language, request metrics, security
headers."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import anyio.to_thread
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domstadt.core.json_limits import JsonLimits, JsonTooLarge, refusal
from domstadt.web import i18n, multiproc
from domstadt.web.gauges import route_family

LANG_COOKIE = "lang"


TOO_LARGE_MESSAGE = i18n.N_("The request is larger than %(mb)s MB. Please send smaller files.")


class BodyTooLarge(Exception):
    """The client sent more than the configured maximum."""


class BodyLimitMiddleware:
    """Refuse bodies above ``max_bytes`` with 413 and a message, before any handler reads them."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._reject(scope, send)
            return
        seen = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not response_started:
                await self._reject(scope, send)

    async def _reject(self, scope: Scope, send: Send) -> None:
        locale = i18n.negotiate(_query_param(scope, "lang"), _cookie(scope, LANG_COOKIE))
        message = i18n.translations(locale).gettext(TOO_LARGE_MESSAGE) % {
            "mb": f"{self.max_bytes / (1024 * 1024):.0f}"
        }
        body = json.dumps({"error": {"code": "too_large", "message": message}}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


JSON_TYPES = frozenset({"", "application/json", "text/plain"})
"""Content types whose bodies the APIs read as JSON (SensorThings and CKAN also read a body
sent without one); ``…+json`` types too."""
CHECK_IN_THREAD_BYTES = 64 * 1024
"""Bodies above this size are checked in a worker thread, not in the event loop."""


class JsonLimitMiddleware:
    """Refuse a JSON body nested too deep, with too long numbers or strings, before any
    handler parses it: 422 with a German message naming the limit (SensorThings: 400,
    CKAN: 409 Validation Error, as each API answers invalid input). Bodies that are no JSON
    at all pass through, for the handler's own error."""

    def __init__(self, app: ASGIApp, limits: JsonLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in {"GET", "HEAD"} or not _json(scope):
            await self.app(scope, receive, send)
            return
        messages, body = await _read_body(receive)
        refusal = await self._refusal(body)
        if refusal is not None:
            await _send_json(send, *_envelope(scope["path"], refusal.message))
            return
        await self.app(scope, _replay(messages, receive), send)

    async def _refusal(self, body: bytes) -> JsonTooLarge | None:
        if not body.strip():
            return None
        if len(body) > CHECK_IN_THREAD_BYTES:
            return await anyio.to_thread.run_sync(self._check, body)
        return self._check(body)

    def _check(self, body: bytes) -> JsonTooLarge | None:
        return refusal(body, self.limits)


def _json(scope: Scope) -> bool:
    for key, value in scope["headers"]:
        if key == b"content-type":
            kind = value.decode("latin-1").split(";")[0].strip().lower()
            return kind in JSON_TYPES or kind.endswith("+json")
    return True


async def _read_body(receive: Receive) -> tuple[list[Message], bytes]:
    """Every message of the request body (the body limit middleware outside bounds it)."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            break
    return messages, b"".join(m.get("body", b"") for m in messages)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A receive callable that hands out the read messages again, then the live ones."""
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


def _envelope(path: str, message: str) -> tuple[int, dict[str, Any]]:
    """Status and body of an invalid-input answer in the envelope of the API at ``path``."""
    if path.startswith("/sta/"):
        return 400, {"code": 400, "type": "error", "message": message}
    if path.startswith(("/api/3/action/", "/api/action/")):
        error = {"__type": "Validation Error", "message": message}
        return 409, {"help": "", "success": False, "error": error}
    return 422, {"error": {"code": "invalid", "message": message}}


async def _send_json(send: Send, status: int, content: dict[str, Any]) -> None:
    body = json.dumps(content, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class LocaleMiddleware:
    """Choose the UI language per request; ``?lang=`` also stores it in a cookie."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query_lang = _query_param(scope, "lang")
        cookie_lang = _cookie(scope, LANG_COOKIE)
        locale = i18n.negotiate(query_lang, cookie_lang)
        scope.setdefault("state", {})["locale"] = locale

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"content-language", locale.encode()))
                if query_lang in i18n.LOCALES and query_lang != cookie_lang:
                    headers.append(
                        (
                            b"set-cookie",
                            (
                                f"{LANG_COOKIE}={locale}; Path=/; Max-Age=31536000; SameSite=Lax"
                            ).encode(),
                        )
                    )
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_cookie)


class DirectAppsMiddleware:
    """Serve the domains' plain ASGI apps (``asgi_apps``, e.g. the SensorThings API) without
    the session and routing layers when a request carries no cookie, which is how programs and
    sensors call them. Requests with a cookie take the full stack (the apps are also mounted as
    routes), so browser sessions and their CSRF check work there. Metrics, body limit,
    security headers and the locale (``Content-Language``) wrap both ways."""

    def __init__(self, app: ASGIApp, apps: dict[str, ASGIApp]) -> None:
        self.app = app
        self.apps = apps

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not any(k == b"cookie" for k, _ in scope["headers"]):
            path = scope["path"]
            for prefix, direct in self.apps.items():
                if path == prefix or path.startswith(prefix + "/"):
                    await direct(scope, receive, send)
                    return
        await self.app(scope, receive, send)


PAGE_POLICY = (
    "default-src 'self'; img-src {img_src}; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
"""The Content-Security-Policy of pages: scripts and styles only from files of this site
(no inline script, style element or style attribute, no eval), no plugins, no <base>,
forms post only here, no framing."""


class SecurityHeadersMiddleware:
    """Conservative browser security headers on every response; a header the response set
    itself wins (file downloads send their own sandboxing CSP, see web/downloads.py).

    Images may come from this site, data URLs and the configured map tile server only.
    """

    def __init__(self, app: ASGIApp, tile_origin: str = "") -> None:
        self.app = app
        img_src = " ".join(filter(None, ["'self'", "data:", tile_origin]))
        self.headers = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
            (b"x-frame-options", b"DENY"),
            (b"content-security-policy", PAGE_POLICY.format(img_src=img_src).encode()),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                message["headers"] = headers + [h for h in self.headers if h[0] not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def tile_origin(template: str) -> str:
    """The origin (scheme and host pattern) of a tile URL template, for the CSP."""
    from urllib.parse import urlsplit

    if not template:
        return ""
    parts = urlsplit(template.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in {"http", "https"} else ""


class Metrics:
    """Prometheus counters and latency histogram of HTTP requests, by route template; the
    collectors read at each scrape; hooks run after each request. Under ``serve --workers``
    the exposition sums every worker's files (web/multiproc.py)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.scraped: list[Collector] = []
        self.after_request: list[Callable[[], None]] = []
        self.requests = Counter(
            "domstadt_http_requests",
            "HTTP requests served",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "domstadt_http_request_duration_seconds",
            "Time to serve an HTTP request",
            ["method", "route"],
            registry=self.registry,
        )
        self.family_latency = Histogram(
            "domstadt_http_family_request_duration_seconds",
            "Time to serve an HTTP request, by route family (pages, native, sta, ckan, dcat, "
            "static, ops)",
            ["family"],
            registry=self.registry,
        )

    def add_scraped(self, collector: Collector) -> None:
        """Add a collector read at each scrape (from shared state or this process)."""
        self.scraped.append(collector)
        self.registry.register(collector)

    def exposition(self) -> bytes:
        """The metrics in the Prometheus text format: of all workers in multiprocess mode."""
        if multiproc.enabled():
            return multiproc.exposition(self.scraped)
        return generate_latest(self.registry)


class MetricsMiddleware:
    """Count every request and its duration (route templates keep label cardinality bounded)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_tracking(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_tracking)
        finally:
            route, seconds = _route_template(scope), time.perf_counter() - start
            self.metrics.requests.labels(scope["method"], route, str(status)).inc()
            self.metrics.latency.labels(scope["method"], route).observe(seconds)
            self.metrics.family_latency.labels(route_family(scope["path"])).observe(seconds)
            for hook in self.metrics.after_request:
                hook()


def _route_template(scope: Scope) -> str:
    route: Any = scope.get("route")
    return str(getattr(route, "path", None) or "unmatched")


def _query_param(scope: Scope, name: str) -> str | None:
    from urllib.parse import parse_qs

    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get(name)
    return values[0] if values else None


def _cookie(scope: Scope, name: str) -> str | None:
    from http.cookies import SimpleCookie

    for key, value in scope.get("headers", []):
        if key == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:
                return None
            if name in jar:
                return jar[name].value
    return None
