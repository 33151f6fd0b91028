"""Routers of the organisations part, gathered by the participation domain's routes."""

from domstadt.participation.organisations import api, views

routers = [api.router, views.router]
