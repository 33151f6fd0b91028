"""Lab pages: /labore (sessions and the SUS chart per service), a session's page with
sign-up, findings, the SUS questionnaire for participants, the "Folgen" button and, for its
department's editors, calling the session off."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from domstadt.core.auth.permissions import Permission
from domstadt.core.errors import Invalid
from domstadt.participation import follow, lab_edit_service, lab_finding_service
from domstadt.participation import lab_service as service
from domstadt.participation.display import local_time
from domstadt.participation.labs import labels, sus
from domstadt.participation.labs.schemas import LabCancel, LabOverview
from domstadt.web.account_views import require_login
from domstadt.web.deps import ActorDep, FormDep, SessionDep, verify_csrf_form
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
CsrfChecked = Depends(verify_csrf_form)


def chart_data(overview: LabOverview) -> str:
    """The per-service trend as JSON for the chart script (read from a data attribute)."""
    return json.dumps(
        [
            {
                "service": s.service_name,
                "mean": s.sus.mean,
                "low": s.sus.ci_low,
                "high": s.sus.ci_high,
                "points": [
                    [p.starts_at.isoformat(), p.sus.mean, p.sus.ci_low, p.sus.ci_high]
                    for p in s.trend
                ],
            }
            for s in overview.services
        ]
    )


def _context(request: Request, **extra: Any) -> dict[str, Any]:
    return {
        "KIND": labels.KIND,
        "SEVERITY": labels.SEVERITY,
        "local_time": local_time,
        **extra,
    }


@router.get("/labore")
def lab_list(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Sessions soonest first and SUS per service with chart (JSON: /api/v1/ux-tests)."""
    _ = gettext_for(request)
    overview = service.lab_overview(session, actor=actor)
    return render(
        request,
        "labs/list.html",
        _context(
            request,
            title=_("Labs and UX tests"),
            overview=overview,
            chart=chart_data(overview),
            can_create=actor.can(Permission.CONTENT_EDIT),
        ),
    )


def session_page(
    request: Request, session: Any, actor: Any, session_id: int, status: int = 200, **extra: Any
) -> Response:
    """A session's page (``status`` and the forms' values and problems in ``extra``)."""
    lab = service.lab_get(session, actor=actor, session_id=session_id)
    return render(
        request,
        "labs/detail.html",
        _context(
            request,
            title=lab.title,
            lab=lab,
            items=sus.ITEMS_DE,
            ANSWERS=labels.ANSWERS,
            signup=service.my_signup(session, actor=actor, session_id=session_id),
            notice=request.query_params.get("hinweis", ""),
            can_moderate=actor.can(Permission.CONTENT_MODERATE),
            following=follow.following(session, actor, "lab_session", session_id),
            may_record=lab_finding_service.may_record_findings(
                session, actor=actor, session_id=session_id
            ),
            **{
                "error": None,
                "values": {},
                "finding_values": {},
                "finding_errors": {},
                "cancel_error": None,
                **extra,
            },
        ),
        status,
    )


@router.get("/labore/{session_id}")
def lab_page(request: Request, session_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """One session: tasks, findings, SUS summary, sign-up and the questionnaire."""
    return session_page(request, session, actor, session_id)


@router.post("/labore/{session_id}/sus", dependencies=[CsrfChecked])
def sus_post(
    request: Request, session_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """The questionnaire form: ten radio groups q1..q10."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    raw = [str(form.get(f"q{i}", "")) for i in range(1, 11)]
    answers: list[object] = [int(v) if v.isdecimal() else v for v in raw]
    missing = [i for i, v in enumerate(raw, start=1) if not v]
    try:
        if missing:
            raise Invalid(f"Bitte beantworten Sie Aussage {missing[0]} (1 bis 5).", field="answers")
        result = service.sus_submit(session, actor=actor, session_id=session_id, answers=answers)
    except Invalid as exc:
        session.rollback()
        values = {f"q{i}": v for i, v in enumerate(raw, start=1)}
        return session_page(
            request, session, actor, session_id, 422, error=exc.message, values=values
        )
    score = f"{result.score:g}"
    return RedirectResponse(f"/labore/{session_id}?hinweis=sus-{score}#sus", status_code=303)


@router.post("/labore/{session_id}/anmelden", dependencies=[CsrfChecked])
def signup_post(session_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """Sign up (a seat or the waiting list)."""
    result = service.lab_signup(session, actor=actor, session_id=session_id)
    return RedirectResponse(f"/labore/{session_id}?hinweis={result.status.value}", status_code=303)


@router.post("/labore/{session_id}/abmelden", dependencies=[CsrfChecked])
def signup_cancel_post(session_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """Withdraw; the waiting list moves up."""
    service.lab_signup_cancel(session, actor=actor, session_id=session_id)
    return RedirectResponse(f"/labore/{session_id}?hinweis=cancelled", status_code=303)


@router.post("/labore/befunde/{finding_id}/ausblenden", dependencies=[CsrfChecked])
def finding_hide_post(
    finding_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Moderators hide a finding with a reason."""
    lab_finding_service.finding_hide(
        session, actor=actor, finding_id=finding_id, reason=str(form.get("reason", ""))
    )
    back = str(form.get("session_id", ""))
    return RedirectResponse(f"/labore/{back}" if back.isdecimal() else "/labore", status_code=303)


@router.post("/labore/{session_id}/absagen", dependencies=[CsrfChecked])
def cancel_post(
    request: Request, session_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """The department's editors call the session off with a reason; followers are told."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    reason = str(form.get("reason", "")).strip()
    if not 3 <= len(reason) <= 500:
        error = "Bitte nennen Sie einen Grund für die Absage (3 bis 500 Zeichen)."
        return session_page(request, session, actor, session_id, 422, cancel_error=error)
    lab_edit_service.lab_session_cancel(
        session, actor=actor, session_id=session_id, data=LabCancel(reason=reason)
    )
    return RedirectResponse(f"/labore/{session_id}?hinweis=abgesagt", status_code=303)
