"""Open-by-default pages: the editors' dashboard (/daten/dashboard) and the privacy gate's
decisions on a dataset's findings (clear with a reason, or remove the file)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from domstadt.catalog import privacy_service, quality, vocab
from domstadt.catalog.schemas import Dashboard, FindingPublic, ScanPublic
from domstadt.web.account_views import require_login
from domstadt.web.deps import ActorDep, SessionDep, verify_csrf_form
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1", tags=["catalog"])
CsrfChecked = Depends(verify_csrf_form)


@router.get("/daten/dashboard")
def dashboard_page(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Open, restricted and waiting datasets per department; metadata quality (editors)."""
    if (redirect := require_login(request, actor)) is not None:
        return redirect
    _ = gettext_for(request)
    board = privacy_service.dashboard(session, actor=actor)
    return render(
        request,
        "catalog/dashboard.html",
        {
            "title": _("Open data dashboard"),
            "board": board,
            "criteria": quality.CRITERIA,
            "reasons": vocab.RESTRICTION_REASONS,
        },
    )


@api_router.get("/catalog/dashboard", summary="Open-by-default dashboard")
def dashboard_json(session: SessionDep, actor: ActorDep) -> Dashboard:
    """JSON twin of /daten/dashboard."""
    return privacy_service.dashboard(session, actor=actor)


@api_router.get("/datasets/{name}/findings", summary="Privacy findings of a dataset")
def findings_json(session: SessionDep, actor: ActorDep, name: str) -> list[FindingPublic]:
    """The privacy gate's findings (editors of the dataset's department)."""
    return privacy_service.finding_list(session, actor=actor, dataset=name)


@api_router.get("/datasets/{name}/privacy-scans", summary="Privacy scans of a dataset (jobs)")
def scans_json(session: SessionDep, actor: ActorDep, name: str) -> list[ScanPublic]:
    """The privacy scans of the dataset's large tables, run as jobs, with their progress
    (editors of the dataset's department); the dataset waits until each one is done."""
    return privacy_service.scan_list(session, actor=actor, dataset=name)


@router.post("/daten/{name}/befunde/{finding_id}/freigeben", dependencies=[CsrfChecked])
def clear(
    session: SessionDep,
    actor: ActorDep,
    name: str,
    finding_id: int,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Clear a finding with a reason."""
    privacy_service.finding_clear(
        session, actor=actor, dataset=name, finding_id=finding_id, reason=reason
    )
    return RedirectResponse(f"/daten/{name}/bearbeiten#befunde", status_code=303)


@router.post("/daten/{name}/befunde/{finding_id}/entfernen", dependencies=[CsrfChecked])
def fix(session: SessionDep, actor: ActorDep, name: str, finding_id: int) -> Response:
    """Fix a finding by removing the file with the personal data."""
    privacy_service.finding_fix(session, actor=actor, dataset=name, finding_id=finding_id)
    return RedirectResponse(f"/daten/{name}/bearbeiten#befunde", status_code=303)
