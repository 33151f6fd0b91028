"""Routers of the participation domain (feedback, moderation, organisations, challenges,
events, labs, open data), mounted by the app factory."""

from domstadt.participation import api, challenge_form_views, decision_views, views
from domstadt.participation.feedback import routes as feedback_routes
from domstadt.participation.moderation import routes as moderation_routes
from domstadt.participation.opendata import api as open_data_api
from domstadt.participation.organisations import routes as organisation_routes

routers = (
    feedback_routes.routers
    + moderation_routes.routers
    + organisation_routes.routers
    + [
        api.router,
        challenge_form_views.router,  # /wettbewerbe/neu before /wettbewerbe/{id}
        views.router,
        decision_views.router,
        open_data_api.router,
    ]
)
