"""Routers of the feedback part, appended to the masterplan's routers."""

from domstadt.masterplan.feedback import api, views

routers = [api.router, views.router]
