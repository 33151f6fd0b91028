"""Subscription pages: subscribe form (/abonnieren), the "Folgen" button of challenge, event
and organisation pages (POST /folgen), opt-in and unsubscribe links, and the personal list
at /konto/abonnements (JSON twin: /api/v1/subscriptions)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from domstadt.core.errors import Conflict, DomainError, Invalid
from domstadt.masterplan import measure_read_service as reader
from domstadt.masterplan import service as taxonomy_service
from domstadt.subscriptions import follow_service, service
from domstadt.subscriptions.api import client_address, delivery_config
from domstadt.subscriptions.schemas import SubscriptionCreate
from domstadt.web.account_views import require_login
from domstadt.web.deps import ActorDep, FormDep, SessionDep, verify_csrf_form
from domstadt.web.i18n import N_
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
CsrfChecked = Depends(verify_csrf_form)
KIND_NAMES = {
    "measure": N_("Measure"),
    "field": N_("Field of action"),
    "challenge": N_("Challenge"),
    "event": N_("Event"),
    "organisation": N_("Organization"),
    "problem_statement": N_("Problem statement"),
}
"""Display names of the kinds of target (English message ids)."""


def _target_title(request: Request, session: Any, actor: Any, values: dict[str, str]) -> str:
    kind, target_id = values.get("target_kind", ""), values.get("target_id", "")
    if kind:
        number = int(target_id) if target_id.isdecimal() else 0
        return service.target_page(session, actor=actor, kind=kind, target_id=number)[0]
    measure = values.get("measure_id", "")
    if measure.isdecimal():
        m = reader.measure_get(session, actor=actor, measure_id=int(measure))
        return f"{m.code} {m.title}"
    taxonomy = taxonomy_service.taxonomy(session, actor=actor)
    for f in taxonomy.fields_of_action:
        if f.slug == values.get("field"):
            return f.name
    return ""


def _form(
    request: Request,
    session: Any,
    actor: Any,
    values: dict[str, str],
    error: DomainError | None = None,
) -> Response:
    _ = gettext_for(request)
    context = {
        "title": _("Subscribe"),
        "values": values,
        "target_title": _target_title(request, session, actor, values),
        "fields": taxonomy_service.taxonomy(session, actor=actor).fields_of_action,
        "error": error,
        "mail_configured": delivery_config(request).mail_configured,
        "KIND_NAMES": KIND_NAMES,
    }
    return render(request, "subscriptions/form.html", context, 422 if error else 200)


@router.get("/abonnieren")
def subscribe_form(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    measure: str = "",
    field: str = "",
    kind: str = "",
    id: str = "",
) -> Response:
    """Choose how to follow a measure, a field of action, or (``kind``, ``id``) a challenge,
    an event or an organisation."""
    values = {"measure_id": measure, "field": field, "target_kind": kind, "target_id": id}
    return _form(request, session, actor, values)


def _parse(values: dict[str, str]) -> SubscriptionCreate:
    measure = values.get("measure_id", "").strip()
    target_id = values.get("target_id", "").strip()
    try:
        return SubscriptionCreate(
            measure_id=int(measure) if measure.isdecimal() else None,
            field=values.get("field") or None,
            target_kind=values.get("target_kind") or None,
            target_id=int(target_id) if target_id.isdecimal() else None,
            channel=values.get("channel") or "email",
            email=values.get("email") or None,
            webhook_url=values.get("webhook_url") or None,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first.get("loc") else None
        if field == "email":
            raise Invalid("Bitte geben Sie eine gültige E-Mail-Adresse an.", field=field) from None
        message = str(first["msg"]).removeprefix("Value error, ")
        raise Invalid(message, field=field) from None


@router.post("/abonnieren", dependencies=[CsrfChecked])
def subscribe_post(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Create the subscription; show what happens next (opt-in mail or webhook secret)."""
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        created = service.subscribe(
            session,
            actor=actor,
            data=_parse(values),
            config=delivery_config(request),
            client=client_address(request),
        )
    except DomainError as exc:
        if exc.status_code in (401, 404, 429):
            raise
        session.rollback()
        return _form(request, session, actor, values, exc)
    _ = gettext_for(request)
    return render(request, "subscriptions/created.html", {"title": _("Subscribed"), "s": created})


@router.post("/folgen", dependencies=[CsrfChecked])
def follow(request: Request, session: SessionDep, actor: ActorDep, form: FormDep) -> Response:
    """The "Folgen" button: signed-in people follow by e-mail digest at once and return to
    the page; others choose their e-mail address (double opt-in) on /abonnieren."""
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    kind, target_id = values.get("target_kind", ""), values.get("target_id", "")
    if actor.user_id is None:
        query = urlencode({"kind": kind, "id": target_id})
        return RedirectResponse(f"/abonnieren?{query}", status_code=303)
    data = _parse({"target_kind": kind, "target_id": target_id})
    try:
        created = service.subscribe(
            session, actor=actor, data=data, config=delivery_config(request)
        )
        path, notice = created.target_url, "neu"
    except Conflict:
        session.rollback()
        page = service.target_page(session, actor=actor, kind=kind, target_id=data.target_id or 0)
        path, notice = page[1], "schon"
    return RedirectResponse(f"{path or '/konto/abonnements'}?gefolgt={notice}", status_code=303)


@router.post("/folgen/beenden", dependencies=[CsrfChecked])
def unfollow(request: Request, session: SessionDep, actor: ActorDep, form: FormDep) -> Response:
    """The "Nicht mehr folgen" button beside "Sie folgen": end one's subscriptions to the
    target and return to its page."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    kind, raw = str(form.get("target_kind", "")), str(form.get("target_id", ""))
    if not raw.isdecimal():
        raise Invalid("Bitte geben Sie an, wem Sie nicht mehr folgen wollen.", field="target_id")
    path = follow_service.unfollow(session, actor=actor, kind=kind, target_id=int(raw))
    return RedirectResponse(f"{path}?gefolgt=beendet", status_code=303)


def _token_page(request: Request, name: str, title: str, **context: Any) -> Response:
    return render(request, f"subscriptions/{name}.html", {"title": title, **context})


@router.get("/abonnieren/bestaetigen/{token}")
def confirm_form(request: Request, token: str, session: SessionDep) -> Response:
    """Ask to confirm (a button, so link scanners do not confirm by fetching the page)."""
    _ = gettext_for(request)
    s = service.subscription_by_token(session, token=token)
    return _token_page(
        request, "token", _("Confirm subscription"), s=s, token=token, mode="confirm"
    )


@router.post("/abonnieren/bestaetigen/{token}", dependencies=[CsrfChecked])
def confirm(request: Request, token: str, session: SessionDep, actor: ActorDep) -> Response:
    """Activate the subscription."""
    _ = gettext_for(request)
    s = service.subscription_confirm(session, actor=actor, token=token)
    return _token_page(
        request, "token", _("Subscription confirmed"), s=s, token=token, mode="confirmed"
    )


@router.get("/abmelden/{token}")
def unsubscribe_form(request: Request, token: str, session: SessionDep) -> Response:
    """Ask to end the subscription the link belongs to."""
    _ = gettext_for(request)
    s = service.subscription_by_token(session, token=token)
    return _token_page(request, "token", _("End subscription"), s=s, token=token, mode="cancel")


@router.post("/abmelden/{token}", dependencies=[CsrfChecked])
def unsubscribe(request: Request, token: str, session: SessionDep, actor: ActorDep) -> Response:
    """End the subscription."""
    _ = gettext_for(request)
    s = service.subscription_cancel_by_token(session, actor=actor, token=token)
    return _token_page(request, "token", _("Subscription ended"), s=s, token=token, mode="ended")


@router.get("/konto/abonnements")
def mine(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The signed-in person's subscriptions with a button to end each."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    _ = gettext_for(request)
    items = service.my_subscriptions(session, actor=actor)
    return render(
        request,
        "subscriptions/mine.html",
        {
            "title": _("My subscriptions"),
            "items": items,
            "ended": "beendet" in request.query_params,
            "KIND_NAMES": KIND_NAMES,
        },
    )


@router.post("/konto/abonnements/{subscription_id}/beenden", dependencies=[CsrfChecked])
def cancel(
    request: Request, subscription_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """End one of one's subscriptions."""
    service.subscription_cancel(session, actor=actor, subscription_id=subscription_id)
    return RedirectResponse("/konto/abonnements?beendet=1", status_code=303)
