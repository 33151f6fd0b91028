"""Routers of transit connectivity, mounted by the app factory."""

from domstadt.infrastructure.transit import api, views

routers = [api.router, views.router]
