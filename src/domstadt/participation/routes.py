"""Routers of the participation domain, mounted by the app factory."""

from domstadt.participation import api, views

routers = [api.router, views.router]
