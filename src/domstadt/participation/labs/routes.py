"""Routers of the labs part of participation, mounted by the app factory."""

from domstadt.participation.labs import api, views

routers = [api.router, views.router]
