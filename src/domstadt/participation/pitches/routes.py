"""Routers of problem statements and pitches, mounted by the app factory."""

from domstadt.participation.pitches import api, views

routers = [api.router, views.router]
