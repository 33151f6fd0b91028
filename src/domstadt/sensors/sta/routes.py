"""HTTP routes of the SensorThings API under /sta/v1.1 with FROST-style error bodies.

Errors on this prefix are ``{"code": <status>, "type": "error", "message": …}``. The route
class catches them after the request's session has rolled back, so nothing half-written
stays and the rest of the app keeps its own error envelope.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from domstadt.core.db import DbSession
from domstadt.core.errors import DomainError, Invalid
from domstadt.sensors.mqtt import notify
from domstadt.sensors.mqtt.client import publisher_for
from domstadt.sensors.odata.parser import FilterError
from domstadt.sensors.sta import batch_multipart, batch_service, read_service, write_service
from domstadt.web.deps import ActorDep, SessionDep, verify_csrf_api

PREFIX = "/sta/v1.1"
log = logging.getLogger("domstadt.sensors.sta")


def frost_error(status: int, message: str) -> JSONResponse:
    """The FROST-Server error envelope."""
    return JSONResponse({"code": status, "type": "error", "message": message}, status_code=status)


class StaRoute(APIRoute):
    """An APIRoute whose errors use the SensorThings envelope."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:
                # The request's session is closed by FastAPI after this handler returns, so
                # it would commit: roll back first, nothing half-written stays.
                session = getattr(request.state, "sta_session", None)
                if session is not None:
                    session.rollback()
                return _error_response(exc)

        return handle


def _error_response(exc: Exception) -> Response:
    """Map an exception to the SensorThings envelope (unexpected ones are logged, 500)."""
    if isinstance(exc, FilterError):
        return frost_error(400, str(exc))
    if isinstance(exc, DomainError):
        status = 400 if exc.status_code == 422 else exc.status_code
        response = frost_error(status, exc.message)
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Basic realm="domstadt"'
        return response
    if isinstance(exc, RequestValidationError):
        return frost_error(400, f"Ungültige Anfrage: {exc.errors()[:1]}")
    if isinstance(exc, StarletteHTTPException):
        return frost_error(exc.status_code, str(exc.detail))
    log.error("unhandled SensorThings error", exc_info=exc)
    return frost_error(500, "Interner Fehler; er wurde protokolliert.")


router = APIRouter(prefix=PREFIX, route_class=StaRoute, tags=["sensorthings"])


def base_url(request: Request) -> str:
    """Absolute base of self links: DOMSTADT_BASE_URL when set, else the request's origin."""
    settings = request.app.state.settings
    if "base_url" in settings.model_fields_set:
        return f"{settings.base_url}{PREFIX}"
    return f"{str(request.base_url).rstrip('/')}{PREFIX}"


async def json_body(request: Request) -> Any:
    """The request body as JSON; malformed JSON is a 400 naming the position."""
    raw = await request.body()
    if not raw.strip():
        raise Invalid("Der Request-Body ist leer; erwartet wird JSON.")
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        raise Invalid("Der Request-Body ist kein UTF-8.") from None
    except json.JSONDecodeError as exc:
        where = f"Zeile {exc.lineno}, Spalte {exc.colno}"
        raise Invalid(f"Der Request-Body ist kein gültiges JSON ({where}): {exc.msg}.") from None


def sta_session(request: Request, session: SessionDep) -> DbSession:
    """The request's session, remembered so that an error can roll it back; writes publish
    MQTT notifications after commit when DOMSTADT_MQTT_URL is set."""
    request.state.sta_session = session
    mqtt_url = request.app.state.settings.mqtt_url
    if mqtt_url and request.method != "GET":
        notify.attach(session, publisher_for(mqtt_url))
    return session


BodyDep = Annotated[Any, Depends(json_body)]
StaSession = Annotated[DbSession, Depends(sta_session)]
WRITE = [Depends(verify_csrf_api)]


@router.get("", include_in_schema=False)
@router.get("/", summary="SensorThings landing page")
def landing(request: Request, actor: ActorDep) -> dict[str, Any]:
    """Entity sets and the conformance classes this server implements."""
    mqtt_url = request.app.state.settings.mqtt_url
    return read_service.landing(actor=actor, base=base_url(request), mqtt_url=mqtt_url)


@router.post("/CreateObservations", status_code=201, dependencies=WRITE)
def create_observations(
    request: Request, session: StaSession, actor: ActorDep, body: BodyDep
) -> JSONResponse:
    """Bulk ingest in the dataArray format; answers one self link or error per row."""
    result = write_service.create_observations(
        session, actor=actor, data=body, base=base_url(request)
    )
    return JSONResponse(result, status_code=201)


async def batch_input(request: Request) -> tuple[Any, batch_multipart.Layout | None]:
    """The batch as JSON form, with the multipart layout when it came as multipart/mixed."""
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() == "multipart/mixed":
        return batch_multipart.parse(await request.body(), content_type)
    return await json_body(request), None


@router.post("/$batch", dependencies=WRITE, summary="Batch request (JSON or multipart)")
def batch(
    request: Request,
    session: StaSession,
    actor: ActorDep,
    given: Annotated[tuple[Any, batch_multipart.Layout | None], Depends(batch_input)],
) -> Response:
    """Run a JSON batch ``{"requests": [...]}`` or an OData multipart batch; see docs/api.md."""
    data, layout = given
    result = batch_service.run_batch(session, actor=actor, data=data, base=base_url(request))
    if layout is None:
        return JSONResponse(result)
    text, answer_type = batch_multipart.render(layout, result)
    return Response(text, media_type=answer_type)


@router.get("/{path:path}", summary="Read entities, properties, $value, $ref")
def read(request: Request, path: str, session: StaSession, actor: ActorDep) -> Response:
    """Any SensorThings read."""
    result = read_service.read(
        session,
        actor=actor,
        path=path,
        params=list(request.query_params.multi_items()),
        base=base_url(request),
    )
    if result.text is not None:
        return PlainTextResponse(result.text)
    return JSONResponse(result.body)


@router.post("/{path:path}", status_code=201, dependencies=WRITE, summary="Create (deep insert)")
def create(
    request: Request, path: str, session: StaSession, actor: ActorDep, body: BodyDep
) -> JSONResponse:
    """Create an entity (with nested entities) in the set or navigation named by ``path``."""
    base = base_url(request)
    created = write_service.create(session, actor=actor, path=path, data=body, base=base)
    return JSONResponse(
        created, status_code=201, headers={"Location": str(created["@iot.selfLink"])}
    )


@router.patch("/{path:path}", dependencies=WRITE, summary="Update (JSON merge or JSON-Patch)")
def patch(
    request: Request, path: str, session: StaSession, actor: ActorDep, body: BodyDep
) -> JSONResponse:
    """Merge ``body`` into the entity, or apply it as RFC 6902 operations when the content
    type is ``application/json-patch+json``."""
    base = base_url(request)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json-patch+json":
        return JSONResponse(
            write_service.patch_json(session, actor=actor, path=path, operations=body, base=base)
        )
    return JSONResponse(
        write_service.update(session, actor=actor, path=path, data=body, base=base, replace=False)
    )


@router.put("/{path:path}", dependencies=WRITE, summary="Replace")
def put(
    request: Request, path: str, session: StaSession, actor: ActorDep, body: BodyDep
) -> JSONResponse:
    """Replace the entity's properties with ``body``."""
    base = base_url(request)
    return JSONResponse(
        write_service.update(session, actor=actor, path=path, data=body, base=base, replace=True)
    )


@router.delete("/{path:path}", dependencies=WRITE, summary="Delete (with the spec's cascades)")
def delete(path: str, session: StaSession, actor: ActorDep) -> Response:
    """Delete one entity; dependent entities go with it as the specification says."""
    write_service.delete(session, actor=actor, path=path)
    return Response(status_code=200)
