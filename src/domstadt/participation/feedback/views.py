"""Feedback pages: the feedback section of a measure page (with htmx partial update) and the
older feedback-only report and moderation forms, which now go through the moderation engine
(its queue is /admin/moderation; JSON twins in api.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from domstadt.core.auth.permissions import Actor, Permission
from domstadt.core.db import DbSession
from domstadt.core.errors import DomainError, Invalid
from domstadt.participation import moderation_service
from domstadt.participation.feedback import labels, service
from domstadt.participation.feedback.api import client_address
from domstadt.participation.feedback.schemas import FeedbackCreate, ReportCreate
from domstadt.participation.moderation.schemas import HiddenItem
from domstadt.web.deps import ActorDep, FormDep, SessionDep, verify_csrf_form
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
CsrfChecked = Depends(verify_csrf_form)


def section_context(
    session: DbSession, actor: Actor, measure_id: int, **extra: Any
) -> dict[str, Any]:
    """What the feedback section of a measure page needs (also used by the measure view)."""
    return {
        "feedback": service.feedback_for_measure(session, actor=actor, measure_id=measure_id),
        "feedback_orgs": service.speaking_options(session, actor=actor),
        "feedback_can_write": actor.can(Permission.FEEDBACK_WRITE) and actor.user_id is not None,
        "feedback_error": None,
        "feedback_notice": None,
        "feedback_values": {},
        "feedback_hidden_mine": _hidden_mine(session, actor, measure_id),
        "STANCE": labels.STANCE,
        "REASON": labels.REASON,
        "RELEVANCE": labels.RELEVANCE,
        "VOICE": labels.VOICE,
        **extra,
    }


def _hidden_mine(session: DbSession, actor: Actor, measure_id: int) -> list[HiddenItem]:
    """The actor's own comments on this measure that the moderation hid (with the reason)."""
    if actor.user_id is None:
        return []
    prefix = f"/massnahmen/{measure_id}#"
    return [
        h
        for h in moderation_service.my_hidden(session, actor=actor)
        if h.kind == "feedback" and h.url.startswith(prefix)
    ]


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _section(
    request: Request, session: DbSession, actor: Actor, measure_id: int, **extra: Any
) -> Response:
    context = section_context(session, actor, measure_id, **extra)
    name = "feedback/_section.html" if _is_htmx(request) else "feedback/page.html"
    status = 422 if extra.get("feedback_error") and not _is_htmx(request) else 200
    _ = gettext_for(request)
    return render(
        request, name, {"title": _("Feedback"), "measure_id": measure_id, **context}, status
    )


def _parse(form: dict[str, str]) -> FeedbackCreate:
    org = form.get("organisation_id", "").strip()
    try:
        return FeedbackCreate(
            relevance=form.get("relevance", ""),
            stance=form.get("stance", ""),
            comment=form.get("comment", ""),
            organisation_id=int(org) if org.isdecimal() else None,
        )
    except ValidationError as exc:
        field = str(exc.errors()[0]["loc"][0])
        message = {
            "relevance": "Bitte wählen Sie die Relevanz von 1 bis 5.",
            "stance": "Bitte wählen Sie Ihre Haltung: Unterstützung, neutral oder Bedenken.",
            "comment": "Der Kommentar darf höchstens 4000 Zeichen lang sein.",
        }.get(field, exc.errors()[0]["msg"])
        raise Invalid(message, field=field) from None


@router.post("/massnahmen/{measure_id}/feedback", dependencies=[CsrfChecked])
def feedback_post(
    request: Request,
    measure_id: int,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
) -> Response:
    """Comment on and rate a measure; htmx swaps the updated section, others are redirected."""
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    _ = gettext_for(request)
    try:
        service.feedback_submit(session, actor=actor, measure_id=measure_id, data=_parse(values))
    except DomainError as exc:
        if exc.status_code in (401, 404):
            raise
        session.rollback()
        return _section(
            request, session, actor, measure_id, feedback_error=exc, feedback_values=values
        )
    if _is_htmx(request):
        return _section(
            request, session, actor, measure_id, feedback_notice=_("Thank you for your feedback.")
        )
    return RedirectResponse(f"/massnahmen/{measure_id}?feedback=1#feedback", status_code=303)


@router.post("/feedback/{feedback_id}/melden", dependencies=[CsrfChecked])
def report_post(
    request: Request,
    feedback_id: int,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
) -> Response:
    """Anyone reports a comment with a reason; the page confirms it."""
    _ = gettext_for(request)
    measure_id = str(form.get("measure_id", ""))
    back = f"/massnahmen/{measure_id}#feedback" if measure_id.isdecimal() else "/massnahmen"
    try:
        data = ReportCreate(reason=str(form.get("reason", "")), note=str(form.get("note", "")))
    except ValidationError:
        raise Invalid("Bitte wählen Sie einen Grund für die Meldung.", field="reason") from None
    service.feedback_report(
        session, actor=actor, feedback_id=feedback_id, data=data, client=client_address(request)
    )
    return render(
        request,
        "feedback/reported.html",
        {"title": _("Comment reported"), "back": back},
    )


@router.get("/moderation")
def moderation() -> Response:
    """The feedback-only queue moved into the moderation engine's queue for every kind."""
    return RedirectResponse("/admin/moderation", status_code=308)


@router.post("/moderation/{feedback_id}/ausblenden", dependencies=[CsrfChecked])
def hide_post(
    request: Request,
    feedback_id: int,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
) -> Response:
    """Hide a reported comment with the given reason."""
    service.feedback_hide(
        session, actor=actor, feedback_id=feedback_id, reason=str(form.get("reason", ""))
    )
    return RedirectResponse("/admin/moderation?erledigt=1", status_code=303)


@router.post("/moderation/{feedback_id}/behalten", dependencies=[CsrfChecked])
def keep_post(request: Request, feedback_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """Dismiss the reports and keep the comment visible."""
    service.reports_dismiss(session, actor=actor, feedback_id=feedback_id)
    return RedirectResponse("/admin/moderation?erledigt=1", status_code=303)
