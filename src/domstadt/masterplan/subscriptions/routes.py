"""Routers of the subscriptions part, appended to the masterplan's routers."""

from domstadt.masterplan.subscriptions import api, views

routers = [api.router, views.router]
