"""Routers of problem statements and pitches, mounted by the app factory."""

from domstadt.participation.pitches import api, edit_views, views

routers = [api.router, views.router, edit_views.router]
