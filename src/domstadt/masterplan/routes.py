"""Routers of the masterplan domain, mounted by the app factory."""

from domstadt.masterplan import api, feeds, pages, views

routers = [api.router, views.router, pages.router, feeds.router]
