"""Operations endpoints: ``/livez`` (the process serves), ``/readyz`` (it can do its work:
database, schema, Redis), ``/healthz`` (database and text model, for people) and ``/metrics``.
None of them touches the session or is rate limited (their paths are no API family)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from domstadt import __version__
from domstadt.core import readiness
from domstadt.core.text import embedders
from domstadt.web.deps import get_database

router = APIRouter(tags=["operations"])


@router.get("/livez", summary="Liveness: the process serves requests")
async def livez() -> JSONResponse:
    """Always 200 while the event loop runs; asks nothing of the database (a database outage
    must not make an orchestrator restart every web process)."""
    return JSONResponse({"status": "alive", "version": __version__})


@router.get("/readyz", summary="Readiness: database, schema at head, Redis when configured")
async def readyz(request: Request) -> JSONResponse:
    """200 when every check passes within ``DOMSTADT_READINESS_TIMEOUT_SECONDS``; else 503
    with ``Retry-After`` and ``not_ready`` naming what failed (take the process out of the
    load balancer, do not restart it)."""
    settings = request.app.state.settings
    checks = await readiness.readiness(
        settings, get_database(request), settings.readiness_timeout_seconds
    )
    failed = [check.name for check in checks if not check.ok]
    body = {
        "status": "not ready" if failed else "ready",
        "not_ready": failed,
        "checks": {check.name: check.as_dict() for check in checks},
    }
    if not failed:
        return JSONResponse(body)
    headers = {"Retry-After": str(settings.retry_after_seconds)}
    return JSONResponse(body, status_code=503, headers=headers)


@router.get("/healthz", summary="Health: database reachable, active text model")
def healthz(request: Request) -> JSONResponse:
    """200 when the database answers, 503 otherwise; names the active embedding model."""
    database = get_database(request)
    db_ok = database.ping()
    body = {
        "status": "ok" if db_ok else "unavailable",
        "version": __version__,
        "database": {"ok": db_ok, "dialect": database.dialect},
        "text_model": embedders.active_embedder_info(),
    }
    return JSONResponse(body, status_code=200 if db_ok else 503)


@router.get("/metrics", summary="Prometheus metrics")
def metrics(request: Request) -> Response:
    """Request counts and latencies in the Prometheus text format (under ``serve --workers``
    summed over all workers, whichever answers)."""
    return Response(request.app.state.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)


API_DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Domstadt API</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui-dist/swagger-ui.css"></head>
<body><main id="swagger-ui"></main>
<script src="/static/vendor/swagger-ui-dist/swagger-ui-bundle.js"></script>
<script src="/static/js/api-docs.js"></script></body></html>"""


@router.get("/api/v1/docs", include_in_schema=False)
def api_docs() -> HTMLResponse:
    """Interactive API documentation, served from vendored Swagger UI (no CDN)."""
    return HTMLResponse(API_DOCS_PAGE)
