"""Routers of the best-practice library, mounted by the app factory."""

from domstadt.funding.practices import api, views

routers = [api.router, views.router]
