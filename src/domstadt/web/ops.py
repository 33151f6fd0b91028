"""Operations endpoints: ``/healthz`` (database and text model status) and ``/metrics``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from domstadt import __version__
from domstadt.core.text import embedders
from domstadt.web.deps import get_database

router = APIRouter(tags=["operations"])


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
    """Request counts and latencies in the Prometheus text format."""
    registry = request.app.state.metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


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
