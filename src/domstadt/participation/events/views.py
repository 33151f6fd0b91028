"""Event pages: /veranstaltungen (filters), an event's page with schema.org JSON-LD and
registration, and the iCalendar feeds (/veranstaltungen.ics, /veranstaltungen/{id}.ics)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from domstadt.core.errors import Invalid, NotFound
from domstadt.masterplan import service as masterplan
from domstadt.participation import event_service as service
from domstadt.participation.display import local_time
from domstadt.participation.events import ical, jsonld, labels
from domstadt.participation.events.schemas import EventPage
from domstadt.web.deps import ActorDep, SessionDep, verify_csrf_form
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
            "KIND": labels.KIND,
            "local_time": local_time,
        },
        422 if error else 200,
    )


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
            "notice": request.query_params.get("hinweis", ""),
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
