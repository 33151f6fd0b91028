"""Routers of the ecosystem directory and the market exploration, mounted by the app factory."""

from domstadt.funding.ecosystem import api, views

routers = [api.router, views.router]
