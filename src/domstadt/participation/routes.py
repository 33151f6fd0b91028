"""Routers of the participation domain (feedback, organisations), mounted by the app factory."""

from domstadt.participation.feedback import routes as feedback_routes
from domstadt.participation.organisations import routes as organisation_routes

routers = feedback_routes.routers + organisation_routes.routers
