"""The domain packages the app serves. Each has ``routes.py`` with ``routers`` (a list of
APIRouters, HTML and JSON) and may have ``templates/`` and a German catalogue in
``locale/de/LC_MESSAGES/messages.po``. Add a domain here to mount it."""

from __future__ import annotations

import importlib

from fastapi import APIRouter

DOMAIN_PACKAGES = (
    "domstadt.masterplan",
    "domstadt.masterplan.registry",
    "domstadt.catalog",
    "domstadt.sensors",
)


def domain_routers() -> list[APIRouter]:
    """Every domain's routers, in the order of :data:`DOMAIN_PACKAGES`."""
    routers: list[APIRouter] = []
    for package in DOMAIN_PACKAGES:
        routers.extend(importlib.import_module(f"{package}.routes").routers)
    return routers
