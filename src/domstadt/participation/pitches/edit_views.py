"""The pitcher's own forms (JSON twins in api.py): change one's pitch before the deadline at
/fragestellungen/pitches/{id}/bearbeiten (text, video link, team, optionally a new deck) and
withdraw it. A broken rule re-shows the form with the rule's message."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile as StarletteUpload

from domstadt.core.errors import Invalid
from domstadt.participation import pitch_service, problem_statement_service
from domstadt.participation.challenges.files import MAX_ATTACHMENT_BYTES
from domstadt.participation.pitches.forms import pitch_update_data
from domstadt.participation.pitches.views import LABELS
from domstadt.web.account_views import require_login
from domstadt.web.deps import ActorDep, FormDep, SessionDep, verify_csrf_form
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
CsrfChecked = Depends(verify_csrf_form)


def _edit_page(
    request: Request, session: SessionDep, actor: ActorDep, pitch_id: int, **extra: Any
) -> Response:
    _ = gettext_for(request)
    pitch = pitch_service.pitch_get(session, actor=actor, pitch_id=pitch_id)
    statement = problem_statement_service.statement_get(
        session, actor=actor, statement_id=pitch.statement_id
    )
    values = extra.pop("values", None) or {
        "title": pitch.title,
        "summary": pitch.summary,
        "video_url": pitch.video_url,
        "team": "\n".join(pitch.team),
    }
    context = {
        "title": _("Change your pitch"),
        "p": pitch,
        "s": statement,
        "values": values,
        "can_change": statement.phase.value == "open"
        and pitch.organisation_id in actor.organisation_ids,
        **LABELS,
    }
    status = 422 if extra.get("error") else 200
    return render(request, "pitches/edit.html", {**context, **extra}, status_code=status)


@router.get("/fragestellungen/pitches/{pitch_id}/bearbeiten")
def edit_form(request: Request, pitch_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """The form to change one's pitch (members of the pitching organisation)."""
    return require_login(request, actor) or _edit_page(request, session, actor, pitch_id)


def _deck(form: FormDep) -> tuple[str, bytes]:
    upload = form.get("deck")
    if isinstance(upload, StarletteUpload) and upload.filename:
        return upload.filename, upload.file.read(MAX_ATTACHMENT_BYTES + 1)
    return "", b""


@router.post("/fragestellungen/pitches/{pitch_id}/bearbeiten", dependencies=[CsrfChecked])
def edit_post(
    request: Request, pitch_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Save the changes; a field that breaks its rule re-shows the form with the message."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    filename, content = _deck(form)
    try:
        data = pitch_update_data(
            values.get("title", ""),
            values.get("summary", ""),
            values.get("video_url", ""),
            [values.get("team", "")],
        )
        pitch = pitch_service.pitch_update(
            session,
            actor=actor,
            pitch_id=pitch_id,
            data=data,
            deck_filename=filename,
            deck=content,
        )
    except Invalid as exc:
        session.rollback()
        return _edit_page(request, session, actor, pitch_id, error=exc.message, values=values)
    return RedirectResponse(
        f"/fragestellungen/{pitch.statement_id}?hinweis=changed#pitchen", status_code=303
    )


@router.post("/fragestellungen/pitches/{pitch_id}/zurueckziehen", dependencies=[CsrfChecked])
def withdraw_post(
    request: Request, pitch_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """Withdraw one's pitch before the deadline."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    statement_id = pitch_service.pitch_withdraw(session, actor=actor, pitch_id=pitch_id)
    return RedirectResponse(
        f"/fragestellungen/{statement_id}?hinweis=withdrawn#pitchen", status_code=303
    )
