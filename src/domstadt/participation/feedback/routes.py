"""Routers of the feedback part, gathered by the participation domain's routes."""

from domstadt.participation.feedback import api, views

routers = [api.router, views.router]
