"""Routers of the participation domain (feedback, organisations), mounted by the app factory."""

from domstadt.participation.feedback import routes as feedback_routes

routers = list(feedback_routes.routers)
