"""The FastAPI app factory: one app serves the UI, the native API and the standard APIs."""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from importlib import resources
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount, Route
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from domstadt import __version__
from domstadt.core.auth.permissions import ANONYMOUS
from domstadt.core.config import Settings, get_settings
from domstadt.core.db import Database, Timeouts
from domstadt.core.json_limits import JsonLimits
from domstadt.core.logs import configure_logging
from domstadt.core.migrate import ensure_migrated
from domstadt.web import (
    account_views,
    api,
    errors,
    multiproc,
    ops,
    own_data_views,
    search_views,
    signup_views,
    templating,
    views,
)
from domstadt.web.deps import refuse_unknown_fields
from domstadt.web.domains import (
    DOMAIN_PACKAGES,
    domain_asgi_apps,
    domain_lifespans,
    domain_routers,
    register_search_sources,
)
from domstadt.web.gauges import HarvestCollector, PoolCollector, PoolSampler, QueueCollector
from domstadt.web.middleware import (
    BodyLimitMiddleware,
    BodyTooLarge,
    DirectAppsMiddleware,
    JsonLimitMiddleware,
    LocaleMiddleware,
    Metrics,
    MetricsMiddleware,
    SecurityHeadersMiddleware,
    tile_origin,
)
from domstadt.web.ratelimit import RateLimiter, RateLimitMiddleware
from domstadt.web.requestlog import RequestContextMiddleware
from domstadt.web.route_index import index_routes
from domstadt.web.unexpected import UnexpectedErrorMiddleware

log = logging.getLogger("domstadt")

SESSION_COOKIE = "domstadt_session"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run every domain's background services (e.g. the embedded MQTT broker) while serving."""
    async with AsyncExitStack() as stack:
        for domain_lifespan in domain_lifespans():
            await stack.enter_async_context(domain_lifespan(app))
        yield
    await app.state.rate_limiter.close()  # writes this process's last usage counts


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    """Build the app; refuses to start on an unsafe config or an un-migrated database."""
    settings = settings or get_settings()
    settings.check_secure()
    database = database or Database(
        settings.database_url, Timeouts.for_web(settings), settings.replica_url_list
    )
    ensure_migrated(database)

    app = FastAPI(
        title="Domstadt API",
        version=__version__,
        description="Native JSON API of Domstadt, the open platform for Cologne's digital "
        "masterplan. Standard APIs (SensorThings, CKAN, DCAT) are documented in docs/api.md.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        dependencies=[Depends(refuse_unknown_fields)],
    )
    app.state.settings = settings
    app.state.database = database
    app.state.metrics = Metrics()
    _register_gauges(app, settings)
    app.state.rate_limiter = RateLimiter(settings, database)

    errors.install(app)
    direct = domain_asgi_apps()
    app.router.routes[:0] = [r for p, a in direct.items() for r in (Route(p, a), Mount(p, a))]
    app.mount(
        "/static",
        StaticFiles(directory=str(resources.files("domstadt.web") / "static")),
        name="static",
    )
    for package in DOMAIN_PACKAGES:
        templating.add_template_package(package)
    register_search_sources()
    for router in (
        ops.router,
        api.router,
        signup_views.api_router,
        own_data_views.api_router,
        account_views.router,
        signup_views.router,
        own_data_views.router,
        search_views.router,
        search_views.api_router,
        *domain_routers(),
        views.router,
    ):
        app.include_router(router)
    index_routes(app)  # a cheap first look before FastAPI's route matching (route_index.py)

    # Added last = outermost: size limit and metrics see every request. Client address and
    # scheme come from X-Forwarded-For/-Proto only when the peer is a trusted proxy
    # (DOMSTADT_TRUSTED_PROXIES; the right-most address no trusted proxy added is the client).
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key.get_secret_value(),
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_max_age_seconds,
        same_site="lax",
        https_only=settings.base_url.startswith("https://"),
    )
    app.add_middleware(DirectAppsMiddleware, apps=direct)
    app.add_middleware(JsonLimitMiddleware, limits=JsonLimits.of(settings))  # both lanes
    # Both lanes too, before any body is read; inside the error layer (docs/api.md).
    app.add_middleware(RateLimitMiddleware, limiter=app.state.rate_limiter)
    # Inside the locale and header layers, so a 500 is in the person's language with headers.
    app.add_middleware(UnexpectedErrorMiddleware, passthrough=(BodyTooLarge,))
    app.add_middleware(LocaleMiddleware)  # outside DirectApps: both lanes get the locale
    app.add_middleware(SecurityHeadersMiddleware, tile_origin=tile_origin(settings.map_tiles))
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    if settings.trusted_proxy_list:  # outermost: every layer sees the real client
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxy_list)
    # Outermost of all: the request id is known to every layer and on every answer.
    app.add_middleware(RequestContextMiddleware)
    log.info("Domstadt %s ready on %s (%s)", __version__, settings.base_url, database.dialect)
    return app


def _register_gauges(app: FastAPI, settings: Settings) -> None:
    """The database pool, job queue and harvest gauges of ``/metrics`` (read at each scrape)."""
    from domstadt.core.jobs import make_huey

    queue: list[Any] = []

    def waiting() -> int:
        if not queue:
            queue.append(make_huey(settings))
        return int(queue[0].pending_count())

    def harvest_runs() -> list[Any]:
        from domstadt.catalog import harvest_service

        with app.state.database.session() as session:
            return list(harvest_service.harvest_run_counts(session, actor=ANONYMOUS))

    metrics = app.state.metrics
    if multiproc.enabled():  # each worker's pool, summed over the workers
        metrics.after_request.append(PoolSampler(lambda: app.state.database).sample)
    else:
        metrics.add_scraped(PoolCollector(lambda: app.state.database))
    metrics.add_scraped(QueueCollector(waiting))
    metrics.add_scraped(HarvestCollector(harvest_runs))
    from domstadt.sensors.mqtt.ingest import INBOX, LAG, MESSAGES

    for ingest_metric in (MESSAGES, LAG, INBOX):  # the embedded broker's ingest thread
        metrics.registry.register(ingest_metric)


def settle_heap() -> None:
    """Collect once and move every object alive now into the permanent generation
    (``gc.freeze``), for a process that is about to serve. The app's modules, models and
    caches are then no longer scanned by each full collection: on the 2-core box those took
    ~140 ms each, three times per 50 reads of 1,000 Observations (the p95 of such reads),
    and 3–11 ms after freezing (docs/benchmarks.md). Not for tests, which build many apps:
    frozen garbage is never freed."""
    gc.collect()
    gc.freeze()


SERVED_AT = "DOMSTADT_SERVED_AT"
"""``host:port`` that ``domstadt serve --workers N`` hands its worker processes."""


def worker_app() -> FastAPI:
    """The app of one worker process of ``domstadt serve --workers N`` (a uvicorn factory,
    built in each spawned process). A worker runs no embedded MQTT broker: only one process
    could own its port, so notifications from the others would be lost; several workers send
    notifications through ``DOMSTADT_MQTT_URL``'s broker."""
    host, _, port = os.environ.get(SERVED_AT, "127.0.0.1:8000").rpartition(":")
    settings = get_settings().served_at(host, int(port))
    configure_logging(settings, "web")
    multiproc.worker_started()
    app = create_app(settings)
    settle_heap()
    return app
