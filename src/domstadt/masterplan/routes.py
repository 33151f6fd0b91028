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
from domstadt.masterplan.screening.library import ReferenceCase

routers = [api.router, views.router, pages.router, feeds.router]
log = logging.getLogger(__name__)


def _warm_screening(pool: list[ReferenceCase]) -> None:
    """Load the text model, the AI screening's reference vectors and the best-practice
    library's vectors once, so the first visitor of a screening page does not wait for them
    (seconds on a cold process). Touches no database: the thread may outlive the app."""
    from domstadt.masterplan.screening import library

    try:
        library.most_similar("Digitalisierung", limit=1)
        library.warm(pool)
    except Exception:  # a failed warm-up only means the first page loads them itself
        log.warning("Warm-up of the AI screening's reference cases failed", exc_info=True)


def _library_pool(database: Database) -> list[ReferenceCase]:
    """The best-practice library's cases, read once at start-up (empty when it cannot)."""
    from domstadt.masterplan.screening import service

    try:
        with database.session() as session:
            return service.library_pool(session, actor=system_actor("warm-up"))
    except Exception:  # no database yet: the first screening page embeds the library
        log.warning("The best-practice library could not be read for the warm-up", exc_info=True)
        return []


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Read the library (one query) and warm the screening's model with it in the
    background while the app starts serving."""
    pool = _library_pool(app.state.database)
    threading.Thread(
        target=_warm_screening, args=(pool,), name="warm-screening", daemon=True
    ).start()
    yield
