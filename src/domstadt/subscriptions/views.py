"""Subscription pages: subscribe form (/abonnieren), opt-in and unsubscribe links, and the
personal list at /konto/abonnements (JSON twin: /api/v1/subscriptions)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from domstadt.core.errors import DomainError, Invalid
from domstadt.masterplan import measure_read_service as reader
from domstadt.masterplan import service as taxonomy_service
from domstadt.subscriptions import service
from domstadt.subscriptions.api import client_address, delivery_config
from domstadt.subscriptions.schemas import SubscriptionCreate
from domstadt.web.account_views import require_login
from domstadt.web.deps import ActorDep, FormDep, SessionDep, verify_csrf_form
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
CsrfChecked = Depends(verify_csrf_form)


def _target_title(request: Request, session: Any, actor: Any, values: dict[str, str]) -> str:
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
    }
    return render(request, "subscriptions/form.html", context, 422 if error else 200)


@router.get("/abonnieren")
def subscribe_form(
    request: Request, session: SessionDep, actor: ActorDep, measure: str = "", field: str = ""
) -> Response:
    """Choose how to follow a measure or a field of action."""
    return _form(request, session, actor, {"measure_id": measure, "field": field})


def _parse(values: dict[str, str]) -> SubscriptionCreate:
    measure = values.get("measure_id", "").strip()
    try:
        return SubscriptionCreate(
            measure_id=int(measure) if measure.isdecimal() else None,
            field=values.get("field") or None,
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
        },
    )


@router.post("/konto/abonnements/{subscription_id}/beenden", dependencies=[CsrfChecked])
def cancel(
    request: Request, subscription_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    """End one of one's subscriptions."""
    service.subscription_cancel(session, actor=actor, subscription_id=subscription_id)
    return RedirectResponse("/konto/abonnements?beendet=1", status_code=303)
