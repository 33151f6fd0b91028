"""Routers of coverage and IoT planning, mounted by the app factory."""

from domstadt.infrastructure.coverage import api, views

routers = [api.router, views.router]
