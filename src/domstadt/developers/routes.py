"""Routers of the developers domain (apps, keys, usage, status), mounted by the app factory."""

from domstadt.developers import api, views

routers = [api.router, views.router]
