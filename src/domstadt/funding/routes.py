"""Routers of the funding radar, mounted by the app factory."""

from domstadt.funding import api, views

routers = [api.router, views.router]
