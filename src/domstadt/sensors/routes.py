"""Routers of the sensors domain (the SensorThings API as plain ASGI routes), mounted by the
app factory, and its lifespan."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from domstadt.sensors import api, harvest_views, views
from domstadt.sensors.mqtt import embedded
from domstadt.sensors.sta import routes as sta

routers: list[APIRouter] = [
    api.router,
    views.router,
    harvest_views.router,
    harvest_views.api_router,
]
asgi_apps = sta.asgi_apps


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The embedded MQTT broker while the app serves, when ``domstadt serve`` asked for it."""
    async with embedded.running(app.state):
        yield
