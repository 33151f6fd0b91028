"""Rate limits and usage counting on every API (issue 12): the native API (``/api/``),
SensorThings (``/sta/``), CKAN (``/api/3/action/``, ``/api/action/``) and DCAT
(``/catalog.*``, ``/dataset/*.ttl|rdf|jsonld``). Pages for people are not limited here.

Who counts: an app key (``X-API-Key``) against its app's plan, a personal token (Bearer,
Basic, CKAN's ``Authorization``/``X-CKAN-API-Key``) against ``DOMSTADT_RATE_LIMIT_TOKEN``,
everyone else per client address against ``DOMSTADT_RATE_LIMIT_ANONYMOUS`` (the address is
the peer, or behind ``DOMSTADT_TRUSTED_PROXIES`` the forwarded client). An unknown token
counts as anonymous, so made-up tokens gain nothing. Counters: ``core/ratelimit.py``."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domstadt.core.auth import service as auth
from domstadt.core.auth.passwords import token_digest
from domstadt.core.auth.permissions import system_actor
from domstadt.core.auth.schemas import CredentialStanding
from domstadt.core.config import Settings
from domstadt.core.db import Database, utcnow
from domstadt.core.ratelimit import Counters, Decision, Rate, counters_for, parse_plans
from domstadt.developers import app_service, usage_service
from domstadt.developers.usage import UsageBuffer
from domstadt.web import formatting, i18n
from domstadt.web.i18n import N_

log = logging.getLogger("domstadt.ratelimit")

_DCAT = re.compile(r"^/(catalog\.[a-z]+|dataset/[^/]+\.(ttl|rdf|jsonld))$")
MAX_CACHED = 10_000
USAGE_ACTOR = system_actor("usage statistics")

KEY_UNKNOWN = N_("The API key is unknown. Check the X-API-Key header; keys are at /entwickler.")
KEY_REVOKED = N_("This API key was revoked. Create a new key for your app at /entwickler.")
KEY_EXPIRED = N_("This API key expired on %(when)s. Create a new key for your app at /entwickler.")
TOKEN_REVOKED = N_("This API token was revoked. Create a new one on your account page (/konto).")
TOKEN_EXPIRED = N_(
    "This API token expired on %(when)s. Create a new one on your account page (/konto)."
)
LIMITED_APP = N_(
    "Too many requests: this app may send %(rate)s (plan %(plan)s). Please wait %(seconds)s "
    "seconds (Retry-After)."
)
LIMITED_TOKEN = N_(
    "Too many requests: one API token may send %(rate)s. Please wait %(seconds)s seconds "
    "(Retry-After)."
)
LIMITED_ANONYMOUS = N_(
    "Too many requests: without an API key one address may send %(rate)s. Please wait "
    "%(seconds)s seconds (Retry-After) or register an app at /entwickler for a key."
)
RATE_UNITS = {
    1: N_("%(count)s requests per second"),
    60: N_("%(count)s requests per minute"),
    3600: N_("%(count)s requests per hour"),
    86400: N_("%(count)s requests per day"),
}


def family_of(path: str) -> str | None:
    """The API family of ``path`` (``sta``, ``ckan``, ``dcat``, ``native``), None for pages."""
    if path.startswith("/sta/") or path == "/sta":
        return "sta"
    if path.startswith(("/api/3/action/", "/api/action/")):
        return "ckan"
    if path.startswith("/api/"):
        return "native"
    if _DCAT.match(path):
        return "dcat"
    return None


@dataclass(frozen=True)
class Caller:
    """Whom a request counts against: a bucket and its rate, the app (for usage), or a
    refusal (a message id and its date) when the credential must not be used."""

    bucket: str
    rate: Rate | None
    limited_message: str
    app_id: int | None = None
    plan: str = ""
    refusal: str = ""
    refusal_when: Any = None


def _presented(headers: dict[bytes, bytes]) -> tuple[str, str]:
    """(``key``|``token``|"", secret) presented by the request's headers."""
    key = headers.get(b"x-api-key", b"").decode("latin-1").strip()
    if key:
        return "key", key
    header = headers.get(b"authorization", b"").decode("latin-1").strip()
    scheme, _, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        return "token", value
    if scheme.lower() == "basic" and value:
        try:
            return "token", base64.b64decode(value).decode("utf-8").partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
    if header and " " not in header:  # CKAN: the token itself
        return "token", header
    ckan = headers.get(b"x-ckan-api-key", b"").decode("latin-1").strip()
    return ("token", ckan) if ckan else ("", "")


class RateLimiter:
    """The limiter of one app: counters, rates, a short-lived cache of what keys and tokens
    are (so a request rarely waits for the database), and the per-app usage buffer with its
    periodic flush."""

    def __init__(self, settings: Settings, database: Database) -> None:
        self.database = database
        self.enabled = settings.rate_limit_enabled
        self.counters: Counters = counters_for(settings.redis_url)
        self.anonymous = Rate.parse(settings.rate_limit_anonymous, setting="anonymous")
        self.token = Rate.parse(settings.rate_limit_token, setting="token")
        self.plans = parse_plans(settings.rate_limit_plans)
        self.cache_seconds = settings.credential_cache_seconds
        self.cache: dict[str, tuple[float, Any]] = {}
        self.usage = UsageBuffer()
        self.flush_seconds = settings.usage_flush_seconds
        self.next_flush = time.monotonic() + self.flush_seconds
        self.flush_lock = threading.Lock()

    # --- who is calling ---
    async def caller(self, scope: Scope) -> Caller:
        """Whom this request counts against."""
        kind, secret = _presented(dict(scope["headers"]))
        if kind == "key":
            return await self._key_caller(token_digest(secret))
        if kind == "token":
            standing = await self._standing("token", token_digest(secret))
            if isinstance(standing, CredentialStanding):
                problem = standing.problem(utcnow())
                message = TOKEN_REVOKED if problem == "revoked" else TOKEN_EXPIRED
                return Caller(
                    f"t{standing.id}",
                    self.token,
                    LIMITED_TOKEN,
                    refusal=message if problem else "",
                    refusal_when=standing.expires_at,
                )
        client = scope.get("client")
        return Caller(f"a{client[0] if client else 'unknown'}", self.anonymous, LIMITED_ANONYMOUS)

    async def _key_caller(self, digest: str) -> Caller:
        found = await self._standing("key", digest)
        if found is None:
            return Caller("", None, "", refusal=KEY_UNKNOWN)
        app_id, standing = found
        problem = standing.problem(utcnow())
        return Caller(
            f"k{standing.id}",
            self.plans.get(standing.plan),
            LIMITED_APP,
            app_id=app_id,
            plan=standing.plan,
            refusal={"revoked": KEY_REVOKED, "expired": KEY_EXPIRED}.get(problem, ""),
            refusal_when=standing.expires_at,
        )

    async def _standing(self, kind: str, digest: str) -> Any:
        cached = self.cache.get(digest)
        now = time.monotonic()
        if cached is not None and now - cached[0] < self.cache_seconds:
            return cached[1]
        found = await anyio.to_thread.run_sync(self._look_up, kind, digest)
        if len(self.cache) >= MAX_CACHED:
            self.cache.clear()
        self.cache[digest] = (now, found)
        return found

    def _look_up(self, kind: str, digest: str) -> Any:
        with self.database.session() as session:
            if kind == "key":
                return app_service.key_standing(session, digest=digest)
            return auth.token_standing(session, digest=digest)

    async def close(self) -> None:
        """At shutdown: write the usage counted so far and close the counters."""
        await anyio.to_thread.run_sync(self.flush_usage)
        await self.counters.close()

    def forget(self, digest: str) -> None:
        """Drop what this process cached about a key or token (after revoking it)."""
        self.cache.pop(digest, None)

    # --- usage ---
    def record(self, caller: Caller, family: str, status: int, started: float) -> None:
        """Count a request of an app; start a flush in a thread when one is due."""
        if caller.app_id is None:
            return
        self.usage.record(caller.app_id, family, status, (time.perf_counter() - started) * 1000)
        if time.monotonic() >= self.next_flush:
            self.next_flush = time.monotonic() + self.flush_seconds
            threading.Thread(target=self.flush_usage, name="usage-flush", daemon=True).start()

    def flush_usage(self) -> int:
        """Write this process's tallies to the database (added to the stored rows)."""
        with self.flush_lock:
            tallies = self.usage.take()
            try:
                with self.database.session() as session:
                    return usage_service.usage_add(session, actor=USAGE_ACTOR, tallies=tallies)
            except Exception:
                log.exception("Usage statistics could not be written; kept for the next flush")
                self.usage.give_back(tallies)
                return 0


class RateLimitMiddleware:
    """Apply :class:`RateLimiter` to the API families; answers 401 for a revoked, expired or
    unknown app key or a revoked or expired token, 429 over the limit, and adds the
    ``RateLimit-*`` headers to every limited family's answer."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        family = family_of(scope["path"]) if scope["type"] == "http" else None
        if family is None or not self.limiter.enabled:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        caller = await self.limiter.caller(scope)
        if caller.refusal:
            message = _text(scope, caller.refusal, when=caller.refusal_when)
            await _send_error(send, family, 401, "unauthenticated", message, [])
            self.limiter.record(caller, family, 401, started)
            return
        decision = (
            await self.limiter.counters.hit(caller.bucket, caller.rate) if caller.rate else None
        )
        if decision is not None and not decision.allowed:
            message = _limited_text(scope, caller, decision)
            await _send_error(send, family, 429, "rate_limited", message, decision.headers())
            self.limiter.record(caller, family, 429, started)
            return
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if decision is not None:
                    message["headers"] = list(message.get("headers", [])) + decision.headers()
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            self.limiter.record(caller, family, status, started)


def _gettext(scope: Scope) -> Any:
    locale = str(scope.get("state", {}).get("locale", i18n.DEFAULT_LOCALE))
    return i18n.translations(locale), locale


def _text(scope: Scope, message: str, *, when: Any = None) -> str:
    translations, locale = _gettext(scope)
    text: str = translations.gettext(message)
    return text % {"when": formatting.datetime(when, locale)} if when is not None else text


UNLIMITED = N_("unlimited")


def describe_rate(rate: Rate | None, locale: str) -> str:
    """``600 Anfragen pro Minute`` (in ``locale``), or that there is no limit."""
    translations = i18n.translations(locale)
    if rate is None:
        return translations.gettext(UNLIMITED)
    unit = RATE_UNITS.get(rate.seconds)
    if unit is None:
        return str(rate)
    return translations.gettext(unit) % {"count": formatting.number(rate.count, locale, 0)}


def _limited_text(scope: Scope, caller: Caller, decision: Decision) -> str:
    translations, locale = _gettext(scope)
    rate = describe_rate(caller.rate, locale)
    values = {"rate": rate, "plan": caller.plan, "seconds": decision.reset_seconds}
    text: str = translations.gettext(caller.limited_message) % values
    return text


def _error_body(family: str, status: int, code: str, message: str) -> dict[str, Any]:
    """An error in the envelope of the API family."""
    if family == "sta":
        return {"code": status, "type": "error", "message": message}
    if family == "ckan":
        kind = "Rate Limit Error" if status == 429 else "Authorization Error"
        return {"help": "", "success": False, "error": {"__type": kind, "message": message}}
    return {"error": {"code": code, "message": message}}


async def _send_error(
    send: Send,
    family: str,
    status: int,
    code: str,
    message: str,
    extra: list[tuple[bytes, bytes]],
) -> None:
    body = json.dumps(_error_body(family, status, code, message), ensure_ascii=False).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *extra,
    ]
    if status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="domstadt"'))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
