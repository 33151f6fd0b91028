"""Routers of the labs part of participation, mounted by the app factory."""

from domstadt.participation.labs import api, form_views, views

routers = [api.router, form_views.router, views.router]  # /labore/neu before /labore/{id}
