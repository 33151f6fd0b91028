"""Routers of the masterplan domain, mounted by the app factory."""

from domstadt.masterplan import api, feeds, pages, views
from domstadt.masterplan.feedback import routes as feedback_routes
from domstadt.masterplan.subscriptions import routes as subscription_routes

routers = [api.router, views.router, pages.router, feeds.router]
routers += feedback_routes.routers + subscription_routes.routers
