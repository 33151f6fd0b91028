"""Routers of the masterplan domain, mounted by the app factory, and its lifespan."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.masterplan import api, feeds, pages, views

routers = [api.router, views.router, pages.router, feeds.router]
log = logging.getLogger(__name__)


def _warm_screening(database: Database) -> None:
    """Load the text model, the AI screening's reference vectors and the best-practice
    library's vectors once, so the first visitor of a screening page does not wait for them
    (seconds on a cold process)."""
    from domstadt.masterplan.screening import library, service

    try:
        library.most_similar("Digitalisierung", limit=1)
        with database.session() as session:
            pool = service.library_pool(session, actor=system_actor("warm-up"))
        library.warm(pool)
    except Exception:  # a failed warm-up only means the first page loads them itself
        log.warning("Warm-up of the AI screening's reference cases failed", exc_info=True)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Warm the screening's model in the background while the app starts serving."""
    database = app.state.database
    threading.Thread(
        target=_warm_screening, args=(database,), name="warm-screening", daemon=True
    ).start()
    yield
