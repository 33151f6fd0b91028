"""The domain packages the app serves. Each has ``routes.py`` with ``routers`` (a list of
APIRouters, HTML and JSON) and may have ``templates/`` and a German catalogue in
``locale/de/LC_MESSAGES/messages.po``; ``routes.py`` may also define ``lifespan`` (an async
context manager factory taking the app) for background services that run while the app
serves, and ``asgi_apps`` (plain ASGI apps by path prefix, served before every other route:
hot standard APIs that need no FastAPI machinery). A package may also have
``search_source.py`` with ``SOURCE``, its contribution to the site search
(``domstadt.search``). Add a domain here to mount it."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from fastapi import APIRouter, FastAPI
from starlette.types import ASGIApp

from domstadt.search import index as search_index
from domstadt.search import register as register_search_source

DOMAIN_PACKAGES = (
    "domstadt.masterplan",
    "domstadt.participation",
    "domstadt.subscriptions",
    "domstadt.masterplan.registry",
    "domstadt.catalog",
    "domstadt.sensors",
    "domstadt.participation.events",
    "domstadt.participation.labs",
    "domstadt.participation.pitches",
    "domstadt.developers",
    "domstadt.funding",
    "domstadt.funding.practices",
    "domstadt.funding.ecosystem",
    "domstadt.infrastructure.transit",
    "domstadt.infrastructure.coverage",
)


def domain_routers() -> list[APIRouter]:
    """Every domain's routers, in the order of :data:`DOMAIN_PACKAGES`."""
    routers: list[APIRouter] = []
    for package in DOMAIN_PACKAGES:
        routers.extend(importlib.import_module(f"{package}.routes").routers)
    return routers


def domain_asgi_apps() -> dict[str, ASGIApp]:
    """Every domain's ``asgi_apps`` (path prefix → ASGI app)."""
    apps: dict[str, ASGIApp] = {}
    for package in DOMAIN_PACKAGES:
        apps.update(getattr(importlib.import_module(f"{package}.routes"), "asgi_apps", {}))
    return apps


Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def domain_lifespans() -> list[Lifespan]:
    """The ``lifespan`` of every domain that has one, in the order of the packages."""
    found = (
        getattr(importlib.import_module(f"{package}.routes"), "lifespan", None)
        for package in DOMAIN_PACKAGES
    )
    return [lifespan for lifespan in found if lifespan is not None]


def register_search_sources() -> None:
    """Register every domain's site search source and follow commits to keep the index."""
    for package in DOMAIN_PACKAGES:
        try:
            module = importlib.import_module(f"{package}.search_source")
        except ModuleNotFoundError as exc:
            if exc.name != f"{package}.search_source":
                raise
            continue
        register_search_source(module.SOURCE)
    search_index.install()
