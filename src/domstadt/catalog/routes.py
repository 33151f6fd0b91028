"""Routers of the catalog domain, mounted by the app factory."""

from fastapi import APIRouter

from domstadt.catalog import api, harvest_views, privacy_views, views
from domstadt.catalog.ckan import api as ckan_api
from domstadt.catalog.dcat import api as dcat_api

routers: list[APIRouter] = [
    ckan_api.router,
    dcat_api.router,
    privacy_views.api_router,
    harvest_views.api_router,
    api.router,
    privacy_views.router,
    harvest_views.router,
    views.router,
]
