"""The screening page of a measure: proposal with every criterion, review, similar cases."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from domstadt.core.auth.permissions import Permission
from domstadt.core.errors import Invalid
from domstadt.masterplan.screening import rubric, service
from domstadt.masterplan.screening.schemas import Review
from domstadt.web.deps import ActorDep, FormDep, SessionDep, verify_csrf_form
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
CsrfChecked = Depends(verify_csrf_form)


@router.get("/massnahmen/{measure_id}/ki-pruefung")
def screening_page(
    request: Request, measure_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """JSON twin: /api/v1/measures/{id}/screening."""
    _ = gettext_for(request)
    data = service.screening_get(session, actor=actor, measure_id=measure_id)
    proposal = service.screening_proposal(session, actor=actor, measure_id=measure_id)
    context = {
        "title": _("AI screening") + f": {data.measure_title}",
        "data": data,
        "proposal": proposal,
        "proposed": {} if data.screened else {a.question: a for a in proposal.answers},
        "rubric": rubric,
        "can_edit": actor.can(Permission.CONTENT_EDIT),
    }
    return render(request, "registry/screening.html", context)


def _input(form: Any) -> rubric.ScreeningInput:
    values: dict[str, Any] = {
        "hard_stops": [k for k in rubric.HARD_STOPS if form.get(f"stop_{k}")],
        "potential": {k: int(form.get(f"pot_{k}") or 0) for k, _, _ in rubric.POTENTIAL},
        "risk": {k: str(form.get(f"risk_{k}")) for k, *_ in rubric.RISK if form.get(f"risk_{k}")},
        "mitigation": [k for k, *_ in rubric.MITIGATION if form.get(f"mit_{k}")],
        "high_risk_area": form.get("high_risk_area") or None,
        "interacts_with_people": bool(form.get("interacts_with_people")),
        "generates_content": bool(form.get("generates_content")),
        "task": form.get("task") or None,
    }
    try:
        return rubric.ScreeningInput.model_validate(values)
    except ValidationError as exc:
        raise Invalid(f"Ungültige Angabe: {exc.errors()[0]['loc']}", field="screening") from None


@router.post("/massnahmen/{measure_id}/ki-pruefung", dependencies=[CsrfChecked])
def screening_submit(
    request: Request,
    measure_id: int,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
) -> Response:
    """Store the answers; the system proposes."""
    try:
        data = _input(form)
    except ValueError:
        raise Invalid("Bewertungen müssen Zahlen von 0 bis 4 sein.", field="potential") from None
    service.screening_propose(
        session, actor=actor, measure_id=measure_id, data=data,
        from_proposal=bool(form.get("from_proposal")),
    )  # fmt: skip
    return RedirectResponse(f"/massnahmen/{measure_id}/ki-pruefung", status_code=303)


@router.post("/massnahmen/{measure_id}/ki-pruefung/review", dependencies=[CsrfChecked])
def screening_review(
    request: Request,
    measure_id: int,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
) -> Response:
    """Confirm the proposal or override it with reasons."""
    decision = str(form.get("decision", ""))
    override = {
        k: str(form.get(k)) for k in ("risk_level", "ai_act_tier", "technique") if form.get(k)
    }
    try:
        review = Review.model_validate(
            {"decision": decision, "reasons": str(form.get("reasons", "")),
             "override": override if decision == "override" else None}
        )  # fmt: skip
    except ValidationError as exc:
        message = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise Invalid(message, field="reasons") from None
    service.screening_review(session, actor=actor, measure_id=measure_id, review=review)
    return RedirectResponse(f"/massnahmen/{measure_id}/ki-pruefung", status_code=303)
