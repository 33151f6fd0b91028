"""Routers of the subscriptions domain, mounted by the app factory."""

from domstadt.subscriptions import api, views

routers = [api.router, views.router]
