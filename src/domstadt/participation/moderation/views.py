"""Moderation pages: the report form's target (/melden), the moderators' queue
/admin/moderation with its decision forms, and one's own hidden items (/konto/ausgeblendet)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from domstadt.core.errors import Invalid
from domstadt.participation import moderation_service as service
from domstadt.participation.moderation import labels
from domstadt.participation.moderation.api import mailer
from domstadt.participation.moderation.schemas import ReportCreate
from domstadt.web.account_views import require_login
from domstadt.web.deps import (
    ActorDep,
    FormDep,
    SessionDep,
    client_address,
    verify_csrf_form,
)
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
CsrfChecked = Depends(verify_csrf_form)
QUEUE = "/admin/moderation"


def _back(value: str) -> str:
    """Only a path of this site (never another origin) is a way back."""
    return value if value.startswith("/") and not value.startswith("//") else "/"


@router.post("/melden", dependencies=[CsrfChecked])
def report_post(request: Request, session: SessionDep, actor: ActorDep, form: FormDep) -> Response:
    """Anyone reports an item with a reason from the list; the page confirms it."""
    _ = gettext_for(request)
    raw_id = str(form.get("id", ""))
    try:
        data = ReportCreate(
            kind=str(form.get("kind", "")),
            id=int(raw_id) if raw_id.isdecimal() else 0,
            reason=str(form.get("reason", "")),
            comment=str(form.get("comment", "")),
        )
    except ValidationError as exc:
        field = str(exc.errors()[0]["loc"][0])
        message = {
            "reason": "Bitte wählen Sie einen Grund für die Meldung aus der Liste.",
            "comment": "Die Anmerkung darf höchstens 1000 Zeichen lang sein.",
        }.get(field, f"Ungültige Angabe im Feld '{field}'.")
        raise Invalid(message, field=field) from None
    receipt = service.report_create(session, actor=actor, data=data, client=client_address(request))
    return render(
        request,
        "moderation/reported.html",
        {
            "title": _("Reported"),
            "back": _back(str(form.get("back", "/"))),
            "already": receipt.already_reported,
        },
        201 if not receipt.already_reported else 200,
    )


@router.get(QUEUE)
def queue(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The moderators' queue of reported items (JSON: /api/v1/moderation/reports)."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    _ = gettext_for(request)
    return render(
        request,
        "moderation/queue.html",
        {
            "title": _("Content moderation"),
            "items": service.report_queue(session, actor=actor),
            "hidden": service.hidden_recent(session, actor=actor),
            "REASON": labels.REASON,
            "done": request.query_params.get("erledigt") == "1",
        },
    )


@router.post(QUEUE + "/{kind}/{item_id}/ausblenden", dependencies=[CsrfChecked])
def hide_post(
    request: Request,
    kind: str,
    item_id: int,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
) -> Response:
    """Hide an item with the given reason."""
    service.item_hide(
        session,
        actor=actor,
        kind=kind,
        item_id=item_id,
        reason=str(form.get("reason", "")),
        mailer=mailer(request),
    )
    return RedirectResponse(QUEUE + "?erledigt=1", status_code=303)


@router.post(QUEUE + "/{kind}/{item_id}/einblenden", dependencies=[CsrfChecked])
def unhide_post(
    request: Request, kind: str, item_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """Show a hidden item again."""
    service.item_unhide(session, actor=actor, kind=kind, item_id=item_id, mailer=mailer(request))
    return RedirectResponse(QUEUE + "?erledigt=1", status_code=303)


@router.post(QUEUE + "/{kind}/{item_id}/behalten", dependencies=[CsrfChecked])
def keep_post(kind: str, item_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """Dismiss the reports and keep the item visible."""
    service.reports_dismiss(session, actor=actor, kind=kind, item_id=item_id)
    return RedirectResponse(QUEUE + "?erledigt=1", status_code=303)


@router.get("/konto/ausgeblendet")
def mine(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """One's own items the moderation hid, with the reason (JSON: /api/v1/moderation/mine)."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    _ = gettext_for(request)
    return render(
        request,
        "moderation/mine.html",
        {"title": _("Hidden by the moderation"), "items": service.my_hidden(session, actor=actor)},
    )
