"""Masterplan overview pages: dashboard, budget and status reports (JSON twins in api.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domstadt.masterplan import budget_service, overview_service, report_service
from domstadt.masterplan.views import page
from domstadt.participation.feedback import service as feedback_service
from domstadt.web.deps import ActorDep, SessionDep
from domstadt.web.downloads import download_headers
from domstadt.web.templating import gettext_for

router = APIRouter(include_in_schema=False)


@router.get("/masterplan/dashboard")
def dashboard(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Status mix overall, per field and Dezernat; stalled pilots."""
    _ = gettext_for(request)
    data = overview_service.dashboard(session, actor=actor)
    voices = feedback_service.feedback_summary(session, actor=actor)
    context = {"title": _("Status overview"), "data": data, "feedback_summary": voices}
    return page(request, "masterplan/dashboard.html", context)


@router.get("/masterplan/budget")
def budget(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Budget pools with their years, allocations and what is left."""
    _ = gettext_for(request)
    data = budget_service.budget_overview(session, actor=actor)
    return page(request, "masterplan/budget.html", {"title": _("Budget pools"), "data": data})


@router.get("/berichte")
def reports(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The published status reports."""
    _ = gettext_for(request)
    items = report_service.report_list(session, actor=actor)
    return page(request, "masterplan/reports.html", {"title": _("Status reports"), "items": items})


@router.get("/berichte/{report_id}.csv")
def report_csv(request: Request, report_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """A report's rows as CSV, served like every file (attachment, nosniff, sandboxed)."""
    text = report_service.report_csv(session, actor=actor, report_id=report_id)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers=download_headers(f"statusbericht-{report_id}.csv"),
    )


@router.get("/berichte/{report_id}/druck")
def report_print(
    request: Request, report_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """A report as print-ready HTML (one page per section, no navigation)."""
    r = report_service.report_get(session, actor=actor, report_id=report_id)
    return page(request, "masterplan/report_print.html", {"title": r.title, "r": r})


@router.get("/berichte/{report_id}")
def report(request: Request, report_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """One frozen report with changes since the previous one and stalled pilots."""
    r = report_service.report_get(session, actor=actor, report_id=report_id)
    return page(request, "masterplan/report.html", {"title": r.title, "r": r})
