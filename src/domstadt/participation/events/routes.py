"""Routers of the events part of participation, mounted by the app factory."""

from domstadt.participation.events import api, views

routers = [api.router, views.router]
