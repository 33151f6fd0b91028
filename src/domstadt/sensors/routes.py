"""Routers of the sensors domain, mounted by the app factory."""

from fastapi import APIRouter

from domstadt.sensors import api, views
from domstadt.sensors.sta import routes as sta

routers: list[APIRouter] = [sta.router, api.router, views.router]
