"""Event pages: /veranstaltungen (filters), an event's page with schema.org JSON-LD and
registration, and the iCalendar feeds (/veranstaltungen.ics, /veranstaltungen/{id}.ics)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from pydantic import ValidationError

from domstadt.core.auth.permissions import Actor, Permission
from domstadt.core.db import DbSession
from domstadt.core.errors import Forbidden, Invalid, NotFound
from domstadt.masterplan import service as masterplan
from domstadt.participation import event_service as service
from domstadt.participation import follow
from domstadt.participation.display import local_time
from domstadt.participation.events import ical, jsonld, labels
from domstadt.participation.events.schemas import EventCreate, EventPage
from domstadt.participation.moderation.api import mailer
from domstadt.web.account_views import require_login
from domstadt.web.deps import ActorDep, FormDep, SessionDep, verify_csrf_form
from domstadt.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)
CsrfChecked = Depends(verify_csrf_form)
CALENDAR_TYPE = "text/calendar; charset=utf-8"


def _day(value: str, name: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Invalid(
            f"'{value[:20]}' ist kein Datum; bitte im Format JJJJ-MM-TT angeben.", field=name
        ) from None


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/veranstaltungen.ics")
def feed(request: Request, session: SessionDep, actor: ActorDep, feld: str = "") -> Response:
    """Every visible event (or those of one field of action) as one calendar."""
    page = service.event_list(session, actor=actor, field=feld.strip() or None)
    body = ical.calendar(page.items, _base_url(request), "Domstadt – Veranstaltungen")
    return Response(body, media_type=CALENDAR_TYPE)


@router.get("/veranstaltungen/{event_id}.ics")
def event_ics(request: Request, event_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """One event as a calendar file to import."""
    event = service.event_get(session, actor=actor, event_id=event_id)
    body = ical.calendar([event], _base_url(request), event.title)
    return Response(
        body,
        media_type=CALENDAR_TYPE,
        headers={"Content-Disposition": f'attachment; filename="veranstaltung-{event_id}.ics"'},
    )


@router.get("/veranstaltungen")
def event_list(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    feld: str = "",
    von: str = "",
    bis: str = "",
) -> Response:
    """Events soonest first, filtered by field of action and date range (JSON: /api/v1/events)."""
    _ = gettext_for(request)
    fields = masterplan.taxonomy(session, actor=actor).fields_of_action
    error = None
    try:
        page = service.event_list(
            session,
            actor=actor,
            field=feld.strip() or None,
            date_from=_day(von, "von"),
            date_to=_day(bis, "bis"),
        )
    except (Invalid, NotFound) as exc:
        error, page = exc.message, EventPage(total=0, items=[])
    return render(
        request,
        "events/list.html",
        {
            "title": _("Events"),
            "page": page,
            "fields": fields,
            "values": {"feld": feld, "von": von, "bis": bis},
            "error": error,
            "can_create": actor.is_authenticated,
            "KIND": labels.KIND,
            "local_time": local_time,
        },
        422 if error else 200,
    )


def _form_page(
    request: Request, session: DbSession, actor: Actor, status: int = 200, **extra: Any
) -> Response:
    _ = gettext_for(request)
    return render(
        request,
        "events/form.html",
        {
            "title": _("New event"),
            "choices": service.organiser_choices(session, actor=actor),
            "fields": masterplan.taxonomy(session, actor=actor).fields_of_action,
            "KIND": labels.KIND,
            **{"error": None, "values": {}, "chosen_fields": [], **extra},
        },
        status,
    )


def _parse(form: Any) -> EventCreate:
    who = str(form.get("organiser", ""))
    kind, _, key = who.partition(":")
    capacity = str(form.get("capacity", "")).strip()
    data: dict[str, Any] = {
        "title": str(form.get("title", "")),
        "kind": str(form.get("kind", "")),
        "starts_at": str(form.get("starts_at", "")),
        "ends_at": str(form.get("ends_at", "")),
        "place": str(form.get("place", "")),
        "address": str(form.get("address", "")),
        "online_url": str(form.get("online_url", "")),
        "description": str(form.get("description", "")),
        "capacity": capacity or None,
        "fields": [str(v) for v in form.getlist("fields")],
    }
    if kind == "dep":
        data["department_code"] = key
    elif kind == "org" and key.isdecimal():
        data["organisation_id"] = int(key)
    try:
        return EventCreate.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or "organiser"
        message = str(first.get("msg", "")).removeprefix("Value error, ")
        raise Invalid(f"{FIELD_NAMES.get(field, field)}: {message}", field=field) from None


FIELD_NAMES = {
    "title": "Titel",
    "kind": "Art",
    "starts_at": "Beginn",
    "ends_at": "Ende",
    "online_url": "Online-Link",
    "capacity": "Plätze",
    "description": "Beschreibung",
    "organiser": "Veranstalter",
}


@router.get("/veranstaltungen/neu")
def new_form(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The form for a new event (editors for their department, organisation admins)."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    return _form_page(request, session, actor)


@router.post("/veranstaltungen/neu", dependencies=[CsrfChecked])
def new_post(request: Request, session: SessionDep, actor: ActorDep, form: FormDep) -> Response:
    """Create the event and show it; a broken rule re-shows the form with the message."""
    redirect = require_login(request, actor)
    if redirect:
        return redirect
    try:
        event = service.event_create(session, actor=actor, data=_parse(form))
    except (Invalid, Forbidden) as exc:
        session.rollback()
        values = {k: str(v) for k, v in form.items() if k != "fields"}
        chosen = [str(v) for v in form.getlist("fields")]
        status = 403 if isinstance(exc, Forbidden) else 422
        return _form_page(
            request, session, actor, status, error=exc.message, values=values, chosen_fields=chosen
        )
    return RedirectResponse(f"/veranstaltungen/{event.id}?hinweis=created", status_code=303)


@router.post("/veranstaltungen/{event_id}/absagen", dependencies=[CsrfChecked])
def cancel_post(event_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """The organiser cancels the event."""
    service.event_cancel(session, actor=actor, event_id=event_id)
    return RedirectResponse(f"/veranstaltungen/{event_id}", status_code=303)


@router.post("/veranstaltungen/{event_id}/ausblenden", dependencies=[CsrfChecked])
def hide_post(
    request: Request, event_id: int, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Moderators hide the event with a reason."""
    service.event_hide(
        session,
        actor=actor,
        event_id=event_id,
        reason=str(form.get("reason", "")),
        mailer=mailer(request),
    )
    return RedirectResponse("/veranstaltungen", status_code=303)


@router.get("/veranstaltungen/{event_id}")
def event_page(request: Request, event_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """One event with its schema.org JSON-LD and the registration form."""
    _ = gettext_for(request)
    event = service.event_get(session, actor=actor, event_id=event_id)
    # script_json escapes <, > and &: the JSON cannot close the script element.
    ld = Markup(jsonld.script_json(jsonld.event_ld(event, _base_url(request))))
    return render(
        request,
        "events/detail.html",
        {
            "title": event.title,
            "event": event,
            "ld_json": ld,
            "registration": service.my_registration(session, actor=actor, event_id=event_id),
            "following": follow.following(session, actor, "event", event_id),
            "notice": request.query_params.get("hinweis", ""),
            "can_moderate": actor.can(Permission.CONTENT_MODERATE),
            "can_cancel": service.may_edit(session, actor=actor, event_id=event_id),
            "KIND": labels.KIND,
            "local_time": local_time,
        },
    )


@router.post("/veranstaltungen/{event_id}/anmelden", dependencies=[CsrfChecked])
def register_post(event_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """Register (a seat or the waiting list) and go back to the event."""
    result = service.event_register(session, actor=actor, event_id=event_id)
    return RedirectResponse(
        f"/veranstaltungen/{event_id}?hinweis={result.status.value}", status_code=303
    )


@router.post("/veranstaltungen/{event_id}/abmelden", dependencies=[CsrfChecked])
def unregister_post(event_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """Withdraw; the waiting list moves up."""
    service.registration_cancel(session, actor=actor, event_id=event_id)
    return RedirectResponse(f"/veranstaltungen/{event_id}?hinweis=cancelled", status_code=303)
