"""Masterplan overview pages: dashboard, budget and status reports (JSON twins in api.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from domstadt.core.auth.permissions import Permission
from domstadt.core.errors import DomainError, Invalid
from domstadt.masterplan import (
    budget_service,
    overview_service,
    report_schedule_service,
    report_service,
)
from domstadt.masterplan.views import page
from domstadt.participation.feedback import service as feedback_service
from domstadt.web.deps import ActorDep, FormDep, SessionDep, csrf_token, verify_csrf_form
from domstadt.web.downloads import download_headers
from domstadt.web.i18n import N_
from domstadt.web.templating import gettext_for

router = APIRouter(include_in_schema=False)

CADENCE_LABELS = {
    "monthly": N_("monthly"),
    "quarterly": N_("quarterly"),
    "half-yearly": N_("half-yearly"),
    "yearly": N_("yearly"),
}


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
    return _reports_page(request, session, actor)


def _reports_page(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    error: DomainError | None = None,
    status_code: int = 200,
) -> Response:
    _ = gettext_for(request)
    context = {
        "title": _("Status reports"),
        "items": report_service.report_list(session, actor=actor),
        "schedule": report_schedule_service.report_schedule_get(session, actor=actor),
        "may_schedule": actor.can(Permission.DEPARTMENT_MANAGE),
        "cadence_labels": CADENCE_LABELS,
        "csrf_token": csrf_token(request) if actor.is_authenticated else "",
        "error": error,
        "saved": request.query_params.get("gespeichert") == "1",
    }
    return page(request, "masterplan/reports.html", context, status_code=status_code)


@router.post("/berichte/zeitplan", dependencies=[Depends(verify_csrf_form)])
def reports_schedule_post(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Set or end the report schedule; on bad input the reports page again with the error."""
    first_due = str(form.get("first_due") or "").strip() or None
    try:
        data = report_schedule_service.ScheduleSet.model_validate(
            {"cadence": str(form.get("cadence") or ""), "first_due": first_due}
        )
        report_schedule_service.report_schedule_set(session, actor=actor, data=data)
    except ValidationError:
        _ = gettext_for(request)
        error = Invalid(_("Choose a cadence and, if you like, a first date after today."))
        return _reports_page(request, session, actor, error, status_code=422)
    except DomainError as exc:
        if exc.status_code in (401, 403, 404):
            raise
        session.rollback()
        return _reports_page(request, session, actor, exc, status_code=422)
    return RedirectResponse("/berichte?gespeichert=1", status_code=303)


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
