"""Routers of the moderation part, gathered by the participation domain's routes."""

from domstadt.participation.moderation import api, views

routers = [api.router, views.router]
