"""Routers of the initiatives registry and the AI screening (editors' fixed paths first)."""

from domstadt.masterplan.registry import api, review_views, views
from domstadt.masterplan.screening import api as screening_api
from domstadt.masterplan.screening import views as screening_views

routers = [
    review_views.router,
    api.router,
    views.router,
    screening_api.router,
    screening_views.router,
]
