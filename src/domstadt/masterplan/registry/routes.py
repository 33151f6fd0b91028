"""Routers of the initiatives registry (editors' fixed paths before /initiativen/{id})."""

from domstadt.masterplan.registry import api, review_views, views

routers = [review_views.router, api.router, views.router]
