"""Problem statement pages: /fragestellungen (list), /fragestellungen/neu (staff form),
/fragestellungen/{id} (context, deadline, pitch form, pitch event with seats, the pitches for
department and jury, results) and the form posts (JSON twins in api.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile as StarletteUpload

from domstadt.core.auth.permissions import Permission
from domstadt.core.errors import Conflict, DomainError, Forbidden, Invalid, InvalidFields
from domstadt.participation import (
    event_service,
    follow,
    pitch_service,
    problem_statement_service,
)
from domstadt.participation.challenge_service import my_organisations
from domstadt.participation.challenges.files import MAX_ATTACHMENT_BYTES
from domstadt.participation.challenges.forms import check_removal_confirmed, juror, score_sheet
from domstadt.participation.display import local_time
from domstadt.participation.pitches import labels
from domstadt.participation.pitches.forms import (
    event_data,
    pitch_data,
    statement_data,
    statement_initial,
    statement_update_data,
)
from domstadt.participation.pitches.models import PitchStatus
from domstadt.web.account_views import require_login
from domstadt.web.deps import ActorDep, FormDep, SessionDep, verify_csrf_form
from domstadt.web.downloads import download_headers, served_media_type
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
CsrfChecked = Depends(verify_csrf_form)
LABELS = {"PHASE": labels.PHASE, "STATUS": labels.STATUS, "local_time": local_time}
DECISIONS = [PitchStatus.SELECTED, PitchStatus.NOT_SELECTED]
"""The department's decisions on a pitch after the deadline."""


@router.get("/fragestellungen")
def statement_list(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """All problem statements with their phase (JSON: /api/v1/problem-statements)."""
    _ = gettext_for(request)
    items = problem_statement_service.statement_list(session, actor=actor)
    return render(
        request,
        "pitches/list.html",
        {
            "title": _("Problem statements"),
            "items": items,
            "is_staff": actor.can(Permission.CONTENT_EDIT),
            **LABELS,
        },
    )


def _form_page(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    values: dict[str, Any],
    statement_id: int | None = None,
    error: DomainError | None = None,
) -> Response:
    """The new or the change form; a refused one shows every problem next to its field (and
    all of them in a summary above the form) with the values as typed."""
    _ = gettext_for(request)
    problems = error.errors if isinstance(error, InvalidFields) else [error] if error else []
    by_field: dict[str, list[str]] = {}
    for problem in problems:
        by_field.setdefault(problem.field or "", []).append(problem.message)
    context = {
        "title": _("Change the problem statement") if statement_id else _("New problem statement"),
        "statement_id": statement_id,
        "departments": event_service.organiser_choices(session, actor=actor)["departments"],
        "values": values,
        "problems": problems,
        "errors": by_field,
    }
    return render(request, "pitches/form.html", context, error.status_code if error else 200)


@router.get("/fragestellungen/neu")
def new_form(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The staff form for a new problem statement."""
    blank = {"criteria": "Wirkung; 2\nMachbarkeit; 1", "scale_min": "0", "scale_max": "10"}
    return require_login(request, actor) or _form_page(request, session, actor, blank)


@router.post("/fragestellungen/neu", dependencies=[CsrfChecked])
def new_post(request: Request, session: SessionDep, actor: ActorDep, form: FormDep) -> Response:
    """Post the statement; broken rules re-show the form with every message by its field."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    values = {k: str(v) for k, v in form.items()}
    try:
        made = problem_statement_service.statement_create(
            session, actor=actor, data=statement_data(values)
        )
    except (Invalid, Forbidden) as exc:
        session.rollback()
        return _form_page(request, session, actor, values, error=exc)
    return RedirectResponse(made.url, status_code=303)


def _check_may_edit(session: SessionDep, actor: ActorDep, statement_id: int) -> None:
    roles = problem_statement_service.viewer_roles(session, actor=actor, statement_id=statement_id)
    if not roles["can_edit"]:
        raise Forbidden("Eine Fragestellung ändert die Redaktion der ausschreibenden Dienststelle.")


@router.get("/fragestellungen/{statement_id}/bearbeiten")
def edit_form(
    request: Request, statement_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """The statement's form with its current values (editors of its department)."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    s = problem_statement_service.statement_get(session, actor=actor, statement_id=statement_id)
    _check_may_edit(session, actor, statement_id)
    return _form_page(request, session, actor, statement_initial(s), statement_id)


@router.post("/fragestellungen/{statement_id}/bearbeiten", dependencies=[CsrfChecked])
def edit_post(
    request: Request, statement_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Save the changes (the department stays); broken rules, or criteria changed after the
    first score (409), re-show the form with every message by its field and the values."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    s = problem_statement_service.statement_get(session, actor=actor, statement_id=statement_id)
    _check_may_edit(session, actor, statement_id)
    values = {k: str(v) for k, v in form.items()}
    values["department"] = s.department_code
    try:
        problem_statement_service.statement_update(
            session, actor=actor, statement_id=statement_id, data=statement_update_data(values)
        )
    except (Invalid, Conflict) as exc:
        session.rollback()
        return _form_page(request, session, actor, values, statement_id, exc)
    return RedirectResponse(f"{s.url}?hinweis=statement-changed", status_code=303)


@router.get("/fragestellungen/{statement_id}")
def statement_page(
    request: Request, statement_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """A statement with its pitch event, the actor's forms and (for department and jury) the
    pitches."""
    s = problem_statement_service.statement_get(session, actor=actor, statement_id=statement_id)
    roles = problem_statement_service.viewer_roles(session, actor=actor, statement_id=statement_id)
    context: dict[str, Any] = {
        "title": s.title,
        "s": s,
        "roles": roles,
        "orgs": my_organisations(session, actor=actor),
        "results": problem_statement_service.results(
            session, actor=actor, statement_id=statement_id
        ),
        "pitches": pitch_service.pitch_list(session, actor=actor, statement_id=statement_id)
        if roles["can_edit"] or roles["is_juror"]
        else [],
        "event": event_service.event_get(session, actor=actor, event_id=s.event_id)
        if s.event_id
        else None,
        "registration": event_service.my_registration(session, actor=actor, event_id=s.event_id)
        if s.event_id
        else None,
        "mine": pitch_service.pitch_mine(session, actor=actor, statement_id=statement_id),
        "members": problem_statement_service.jury_members(
            session, actor=actor, statement_id=statement_id
        )
        if roles["can_edit"]
        else [],
        "following": follow.following(session, actor, "problem_statement", statement_id),
        "decisions": DECISIONS,
        "notice": request.query_params.get("hinweis", ""),
        **LABELS,
    }
    return render(request, "pitches/detail.html", context)


@router.post("/fragestellungen/{statement_id}/pitchen", dependencies=[CsrfChecked])
def pitch_post(
    request: Request, statement_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Pitch with deck (multipart); every rule is checked before anything is stored."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    data = pitch_data(
        str(form.get("organisation_id", "")),
        str(form.get("title", "")),
        str(form.get("summary", "")),
        str(form.get("video_url", "")),
        [str(form.get("team", ""))],
    )
    upload = form.get("deck")
    filename, content = "", b""
    if isinstance(upload, StarletteUpload) and upload.filename:
        filename, content = upload.filename, upload.file.read(MAX_ATTACHMENT_BYTES + 1)
    pitch_service.pitch_create(
        session,
        actor=actor,
        statement_id=statement_id,
        data=data,
        deck_filename=filename,
        deck=content,
    )
    return RedirectResponse(f"/fragestellungen/{statement_id}?hinweis=pitched", status_code=303)


@router.post("/fragestellungen/{statement_id}/event", dependencies=[CsrfChecked])
def event_post(
    request: Request, statement_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """The department sets up the pitch event."""
    problem_statement_service.pitch_event_create(
        session, actor=actor, statement_id=statement_id, data=event_data(form)
    )
    return RedirectResponse(f"/fragestellungen/{statement_id}#pitch-event", status_code=303)


@router.post("/fragestellungen/pitches/{pitch_id}/bewerten", dependencies=[CsrfChecked])
def score_post(
    request: Request, pitch_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """A juror's scores for one pitch."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    pitch = pitch_service.pitch_get(session, actor=actor, pitch_id=pitch_id)
    s = problem_statement_service.statement_get(
        session, actor=actor, statement_id=pitch.statement_id
    )
    pitch_service.pitch_score(
        session, actor=actor, pitch_id=pitch_id, data=score_sheet(form, len(s.criteria))
    )
    return RedirectResponse(f"{s.url}?hinweis=scored#pitches", status_code=303)


@router.post("/fragestellungen/pitches/{pitch_id}/slot", dependencies=[CsrfChecked])
def slot_post(
    request: Request, pitch_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """The department invites a pitch into a slot of the pitch event."""
    raw = str(form.get("slot", "")).strip()
    if not raw.isdecimal():
        raise Invalid("Bitte geben Sie die Nummer des Slots an.", field="slot")
    pitch = pitch_service.pitch_invite(session, actor=actor, pitch_id=pitch_id, slot=int(raw))
    return RedirectResponse(f"/fragestellungen/{pitch.statement_id}#pitches", status_code=303)


@router.post("/fragestellungen/{statement_id}/jury", dependencies=[CsrfChecked])
def jury_post(
    request: Request, statement_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """The department adds a person (by the e-mail address of their account) to the jury."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    problem_statement_service.juror_assign(
        session, actor=actor, statement_id=statement_id, data=juror(form)
    )
    return RedirectResponse(f"/fragestellungen/{statement_id}?hinweis=jury#jury", status_code=303)


@router.post("/fragestellungen/{statement_id}/jury/{user_id}/entfernen", dependencies=[CsrfChecked])
def jury_remove_post(
    request: Request,
    statement_id: int,
    user_id: int,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
) -> Response:
    """Take a person off the jury; one who has scored only with "delete their scores"
    ticked (the service refuses once the ranking is shown)."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    members = problem_statement_service.jury_members(
        session, actor=actor, statement_id=statement_id
    )
    check_removal_confirmed(members, user_id, form)
    removed = problem_statement_service.juror_remove(
        session, actor=actor, statement_id=statement_id, user_id=user_id
    )
    return RedirectResponse(
        f"/fragestellungen/{statement_id}?hinweis=jury-entfernt&bewertungen={removed.scored}#jury",
        status_code=303,
    )


@router.post("/fragestellungen/pitches/{pitch_id}/entscheidung", dependencies=[CsrfChecked])
def decision_post(
    request: Request, pitch_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """The department records its decision on a pitch (selected / not selected)."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    raw = str(form.get("status", ""))
    if raw not in {d.value for d in DECISIONS}:
        raise Invalid("Bitte entscheiden Sie: ausgewählt oder nicht ausgewählt.", field="status")
    pitch = pitch_service.pitch_decide(
        session, actor=actor, pitch_id=pitch_id, status=PitchStatus(raw)
    )
    return RedirectResponse(
        f"/fragestellungen/{pitch.statement_id}?hinweis=decided#pitch-{pitch.id}",
        status_code=303,
    )


@router.get("/fragestellungen/pitches/{pitch_id}/deck.pdf")
def deck_download(pitch_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """A pitch's deck, served as a sandboxed download."""
    filename, content = pitch_service.pitch_deck(session, actor=actor, pitch_id=pitch_id)
    return Response(
        content,
        media_type=served_media_type("application/pdf"),
        headers=download_headers(filename),
    )
