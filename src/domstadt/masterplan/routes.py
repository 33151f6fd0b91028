"""Routers of the masterplan domain, mounted by the app factory."""

from domstadt.masterplan import api, views

routers = [api.router, views.router]
