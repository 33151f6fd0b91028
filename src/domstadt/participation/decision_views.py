"""The owner department's forms on a challenge page (JSON twins in api.py): assign and remove
a juror, record the decision on a submission (shortlisted, finalist, winner, not selected),
and turn a winner into a masterplan measure or an initiative in one step. A broken rule is
shown by the error page with the rule's message."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from domstadt.core.errors import Invalid, NotFound
from domstadt.participation import challenge_service, submission_service, winner_service
from domstadt.participation.challenges.forms import check_removal_confirmed, juror
from domstadt.participation.challenges.models import SubmissionStatus
from domstadt.participation.challenges.schemas import InitiativeFromWinner, MeasureFromWinner
from domstadt.web.account_views import require_login
from domstadt.web.deps import ActorDep, FormDep, SessionDep, verify_csrf_form

router = APIRouter(include_in_schema=False)
CsrfChecked = Depends(verify_csrf_form)
DECISIONS = [s for s in SubmissionStatus if s not in {SubmissionStatus.DRAFT}]
"""The statuses the department may set (a submission is handed in by its author)."""
MEASURE_CODE_RULE = (
    "Bitte geben Sie ein Kürzel für die Maßnahme an (1 bis 40 Zeichen, z. B. WB-02)."
)
INITIATIVE_CODE_RULE = "Das Kürzel der Initiative hat höchstens 64 Zeichen."


@router.post("/wettbewerbe/{challenge_id}/jury", dependencies=[CsrfChecked])
def jury_post(
    request: Request, challenge_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Add a person (by the e-mail address of their account) to the challenge's jury."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    challenge_service.juror_assign(
        session, actor=actor, challenge_id=challenge_id, data=juror(form)
    )
    return RedirectResponse(f"/wettbewerbe/{challenge_id}?hinweis=jury#jury", status_code=303)


@router.post("/wettbewerbe/{challenge_id}/jury/{user_id}/entfernen", dependencies=[CsrfChecked])
def jury_remove_post(
    request: Request,
    challenge_id: int,
    user_id: int,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
) -> Response:
    """Take a person off the jury; one who has scored only with "delete their scores"
    ticked (the service refuses once the jury's scores are shown)."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    members = challenge_service.jury_members(session, actor=actor, challenge_id=challenge_id)
    check_removal_confirmed(members, user_id, form)
    removed = challenge_service.juror_remove(
        session, actor=actor, challenge_id=challenge_id, user_id=user_id
    )
    return RedirectResponse(
        f"/wettbewerbe/{challenge_id}?hinweis=jury-entfernt&bewertungen={removed.scored}#jury",
        status_code=303,
    )


@router.post("/wettbewerbe/beitraege/{submission_id}/status", dependencies=[CsrfChecked])
def status_post(
    request: Request, submission_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """The owner department records the jury's decision."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    raw = str(form.get("status", ""))
    if raw not in {s.value for s in DECISIONS}:
        raise Invalid(
            "Bitte wählen Sie einen Status: eingereicht, in der engeren Wahl, im Finale, "
            "Gewinner oder nicht ausgewählt.",
            field="status",
        )
    sub = submission_service.submission_set_status(
        session, actor=actor, submission_id=submission_id, status=SubmissionStatus(raw)
    )
    return RedirectResponse(
        f"/wettbewerbe/{sub.challenge_id}?hinweis=status#beitrag-{sub.id}", status_code=303
    )


def _code(form: FormDep, model: type[BaseModel], message: str) -> Any:
    """The winner form's code field as ``model`` (empty: none), or Invalid with ``message``."""
    try:
        return model(code=str(form.get("code", "")).strip() or None)
    except ValidationError:
        raise Invalid(message, field="code") from None


@router.post("/wettbewerbe/beitraege/{submission_id}/{target}", dependencies=[CsrfChecked])
def winner_post(
    request: Request,
    submission_id: int,
    target: str,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
) -> Response:
    """ "Gewinner wird Maßnahme" (``massnahme``, a code is required) or "Gewinner wird
    Initiative" (``initiative``, code optional): create it and open its page."""
    if target not in {"massnahme", "initiative"}:
        raise NotFound(f"Seite /wettbewerbe/beitraege/{submission_id}/{target} gibt es nicht.")
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    site_url = request.app.state.settings.base_url
    if target == "massnahme":
        made: Any = winner_service.winner_to_measure(
            session,
            actor=actor,
            submission_id=submission_id,
            data=_code(form, MeasureFromWinner, MEASURE_CODE_RULE),
            site_url=site_url,
        )
    else:
        made = winner_service.winner_to_initiative(
            session,
            actor=actor,
            submission_id=submission_id,
            data=_code(form, InitiativeFromWinner, INITIATIVE_CODE_RULE),
            site_url=site_url,
        )
    return RedirectResponse(made.url, status_code=303)
