"""HTTP routes of the SensorThings API under /sta/v1.1 with FROST-style error bodies.

The API is a plain ASGI app served before the app's routes (see ``asgi_apps``):
sensors post one observation at a time, so the per-request cost matters as much as the
service's. Each request does its whole work — session, authentication, CSRF check for
cookie writes, the service call, the commit — in **one** worker-thread hop; route matching
is a prefix test; bodies are parsed and answers encoded with orjson (``core.json_codec``:
integers beyond 64 bits stay exact). The app's middleware (body limit, locale, metrics,
security headers, session cookie) still wraps every request.

Errors are ``{"code": <status>, "type": "error", "message": …}``; the session of a failed
request is rolled back before the answer is built, so nothing half-written stays.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from domstadt.core import json_codec
from domstadt.core.auth.permissions import Actor
from domstadt.core.db import DbSession
from domstadt.core.db_errors import unavailable
from domstadt.core.errors import DomainError, Invalid, Unavailable
from domstadt.sensors.mqtt import notify
from domstadt.sensors.mqtt.embedded import app_endpoint, app_publisher
from domstadt.sensors.odata.parser import FilterError
from domstadt.sensors.sta import batch_multipart, batch_service, read_service, write_service
from domstadt.web.deps import check_csrf_api, current_actor, may_read_from_replica

PREFIX = "/sta/v1.1"
WORKER_THREADS = 16
_WORKERS = ThreadPoolExecutor(WORKER_THREADS, thread_name_prefix="sta")
"""The API's own worker threads (asyncio's executor hand-off is leaner than anyio's)."""
ROUTE_LABEL = SimpleNamespace(path=f"{PREFIX}/{{path}}")
"""What the metrics middleware reports as the route of every SensorThings request."""


class JsonResponse(Response):
    """A JSON answer encoded with orjson (UTF-8, compact; ``core.json_codec``)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        """Encode ``content``; dict keys that are not strings are written as strings."""
        return json_codec.dumps(content)


def frost_error(status: int, message: str) -> JsonResponse:
    """The FROST-Server error envelope."""
    return JsonResponse({"code": status, "type": "error", "message": message}, status_code=status)


def _error_response(exc: Exception) -> Response | None:
    """Map an expected exception to the SensorThings envelope; None for an unexpected one,
    which the app's ``UnexpectedErrorMiddleware`` logs and answers (500 with a request id)."""
    if isinstance(exc, FilterError):
        return frost_error(400, str(exc))
    if isinstance(exc, DomainError):
        status = 400 if exc.status_code == 422 else exc.status_code
        response = frost_error(status, exc.message)
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Basic realm="domstadt"'
        if isinstance(exc, Unavailable):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, RequestValidationError):
        return frost_error(400, f"Ungültige Anfrage: {exc.errors()[:1]}")
    if isinstance(exc, StarletteHTTPException):
        return frost_error(exc.status_code, str(exc.detail))
    if isinstance(exc, DataError):  # e.g. PostgreSQL: division by zero in a $filter
        reason = str(exc.orig).splitlines()[0] if exc.orig is not None else "ungültiger Wert"
        return frost_error(400, f"Die Datenbank lehnt einen Wert der Anfrage ab: {reason}")
    return None


def base_url(request: Request) -> str:
    """Absolute base of self links: DOMSTADT_BASE_URL when set, else the request's origin."""
    settings = request.app.state.settings
    if "base_url" in settings.model_fields_set:
        return f"{settings.base_url}{PREFIX}"
    return f"{str(request.base_url).rstrip('/')}{PREFIX}"


def parse_json(raw: bytes) -> Any:
    """The request body as JSON; malformed JSON is a 400 naming the position."""
    if not raw.strip():
        raise Invalid("Der Request-Body ist leer; erwartet wird JSON.")
    try:
        return json_codec.loads(raw)
    except json_codec.DecodeError as exc:
        if "UTF-8" in exc.msg:
            raise Invalid("Der Request-Body ist kein UTF-8.") from None
        where = f"Zeile {exc.lineno}, Spalte {exc.colno}"
        raise Invalid(f"Der Request-Body ist kein gültiges JSON ({where}): {exc.msg}.") from None


@dataclass
class Call:
    """One SensorThings request inside its transaction."""

    request: Request
    session: DbSession
    actor: Actor
    raw: bytes

    @property
    def path(self) -> str:
        """The resource path below the prefix (``Things(1)/Datastreams``)."""
        return str(self.request.path_params.get("path", "")).strip("/")

    @property
    def base(self) -> str:
        """The absolute base of self links."""
        return base_url(self.request)

    def body(self) -> Any:
        """The request body as JSON."""
        return parse_json(self.raw)


Action = Callable[[Call], Response]


def _in_transaction(request: Request, raw: bytes, action: Action) -> Response:
    """Run ``action`` in one transaction (committed before the answer leaves; rolled back and
    mapped to the error envelope on any error). Runs in a worker thread."""
    database = request.app.state.database
    replica = bool(database.replicas) and may_read_from_replica(request)
    try:
        with database.read_session() if replica else database.session() as session:
            actor = current_actor(request, session)
            if request.method != "GET":
                check_csrf_api(request, actor)
                publisher = app_publisher(request.app.state)  # DOMSTADT_MQTT_URL or embedded
                if publisher is not None:
                    notify.attach(session, publisher)
            response = action(Call(request, session, actor, raw))
        return response
    except Exception as exc:
        busy = unavailable(exc, request.app.state.settings.retry_after_seconds)
        mapped = _error_response(busy or exc)
        if mapped is None:
            raise
        return mapped


class StaApp:
    """The SensorThings API as a plain ASGI app: read the body in the event loop, do the rest
    in one thread hop, answer. Mounted at :data:`PREFIX` (any path below it)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one HTTP request below :data:`PREFIX`."""
        scope["route"] = ROUTE_LABEL
        scope["path_params"] = {"path": scope["path"].partition(PREFIX)[2]}
        request = Request(scope, receive)
        raw = await request.body() if request.method != "GET" else b""
        loop = asyncio.get_running_loop()
        response = await loop.run_in_executor(_WORKERS, _in_transaction, request, raw, dispatch)
        await response(scope, receive, send)


def landing(call: Call) -> Response:
    """Entity sets, conformance classes and MQTT endpoints of this server."""
    mqtt_url = app_endpoint(call.request.app.state)
    return JsonResponse(read_service.landing(actor=call.actor, base=call.base, mqtt_url=mqtt_url))


def create_observations(call: Call) -> Response:
    """Bulk ingest in the dataArray format; answers one self link or error per row."""
    result = write_service.create_observations(
        call.session, actor=call.actor, data=call.body(), base=call.base
    )
    return JsonResponse(result, status_code=201)


def batch(call: Call) -> Response:
    """Run a JSON batch ``{"requests": [...]}`` or an OData multipart batch; see docs/api.md."""
    content_type = call.request.headers.get("content-type", "")
    layout = None
    if content_type.split(";")[0].strip().lower() == "multipart/mixed":
        data, layout = batch_multipart.parse(call.raw, content_type)
    else:
        data = call.body()
    result = batch_service.run_batch(call.session, actor=call.actor, data=data, base=call.base)
    if layout is None:
        return JsonResponse(result)
    text, answer_type = batch_multipart.render(layout, result)
    return Response(text, media_type=answer_type)


def read(call: Call) -> Response:
    """Any SensorThings read: entities, collections, properties, ``$value``, ``$ref``; a null
    property answers 204 No Content."""
    result = read_service.read(
        call.session,
        actor=call.actor,
        path=call.path,
        params=list(call.request.query_params.multi_items()),
        base=call.base,
    )
    if result.no_content:
        return Response(status_code=204)
    if result.text is not None:
        return PlainTextResponse(result.text)
    return JsonResponse(result.body)


def create(call: Call) -> Response:
    """Create an entity (with nested entities) in the set or navigation named by the path."""
    created = write_service.create(
        call.session, actor=call.actor, path=call.path, data=call.body(), base=call.base
    )
    location = {"Location": str(created["@iot.selfLink"])}
    return JsonResponse(created, status_code=201, headers=location)


def patch(call: Call) -> Response:
    """Merge the body into the entity, or apply it as RFC 6902 operations when the content
    type is ``application/json-patch+json``."""
    content_type = call.request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json-patch+json":
        return JsonResponse(
            write_service.patch_json(
                call.session,
                actor=call.actor,
                path=call.path,
                operations=call.body(),
                base=call.base,
            )
        )
    return _update(call, replace=False)


def put(call: Call) -> Response:
    """Replace the entity's properties with the body."""
    return _update(call, replace=True)


def _update(call: Call, *, replace: bool) -> Response:
    changed = write_service.update(
        call.session,
        actor=call.actor,
        path=call.path,
        data=call.body(),
        base=call.base,
        replace=replace,
    )
    return JsonResponse(changed)


def delete(call: Call) -> Response:
    """Delete one entity; dependent entities go with it as the specification says."""
    write_service.delete(call.session, actor=call.actor, path=call.path)
    return Response(status_code=200)


def _not_allowed(call: Call) -> Response:
    return frost_error(405, f"Die Methode {call.request.method} gibt es hier nicht.")


ACTIONS: dict[str, Action] = {
    "GET": read,
    "POST": create,
    "PATCH": patch,
    "PUT": put,
    "DELETE": delete,
}
SPECIAL: dict[tuple[str, str], Action] = {
    ("POST", "CreateObservations"): create_observations,
    ("POST", "$batch"): batch,
    ("GET", ""): landing,
}


def dispatch(call: Call) -> Response:
    """Choose the action by method and path."""
    method = call.request.method
    action = SPECIAL.get((method, call.path)) or ACTIONS.get(method, _not_allowed)
    return action(call)


sta_app = StaApp()
asgi_apps: dict[str, ASGIApp] = {PREFIX: sta_app}
"""Plain ASGI apps by path prefix; the app factory serves them before every other route."""
