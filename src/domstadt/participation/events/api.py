"""Events JSON API (twins of /veranstaltungen): list with filters, one event, create, change,
cancel, register and withdraw, moderation."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request, Response

from domstadt.core.auth.permissions import Permission
from domstadt.participation import event_edit_service
from domstadt.participation import event_service as service
from domstadt.participation.events.models import EventKind
from domstadt.participation.events.schemas import (
    EventCreate,
    EventPage,
    EventPublic,
    EventUpdate,
    HideRequest,
    RegistrationPublic,
)
from domstadt.participation.moderation.api import mailer
from domstadt.web.deps import ActorDep, SessionDep, needs, verify_csrf_api

router = APIRouter(prefix="/api/v1", tags=["events"], dependencies=[Depends(verify_csrf_api)])


@router.get("/events", summary="Events (filters: field of action, date range, kind)")
def events(
    session: SessionDep,
    actor: ActorDep,
    field: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    kind: EventKind | None = None,
) -> EventPage:
    """Soonest first; `date_from`/`date_to` are days in Europe/Berlin (inclusive)."""
    return service.event_list(
        session, actor=actor, field=field or None, date_from=date_from, date_to=date_to, kind=kind
    )


@router.get("/events/{event_id}", summary="One event")
def event(event_id: int, session: SessionDep, actor: ActorDep) -> EventPublic:
    """JSON twin of /veranstaltungen/{id}."""
    return service.event_get(session, actor=actor, event_id=event_id)


@router.post(
    "/events",
    status_code=201,
    summary="Create an event",
    openapi_extra=needs(Permission.ACCOUNT_SELF),
)
def event_create(body: EventCreate, session: SessionDep, actor: ActorDep) -> EventPublic:
    """Department editors for their department (`department_code`), organisation admins for
    their organisation (`organisation_id`). Times without offset are Europe/Berlin."""
    return service.event_create(session, actor=actor, data=body)


@router.patch(
    "/events/{event_id}",
    summary="Change an event's title, time or place",
    openapi_extra=needs(Permission.ACCOUNT_SELF),
)
def event_update(
    event_id: int, body: EventUpdate, session: SessionDep, actor: ActorDep
) -> EventPublic:
    """Its organiser changes title, times (without offset: Europe/Berlin) or place of a
    planned event; followers of the event are told in their digest or webhook."""
    return event_edit_service.event_update(session, actor=actor, event_id=event_id, data=body)


@router.post(
    "/events/{event_id}/cancel",
    summary="Cancel an event (its organiser)",
    openapi_extra=needs(Permission.ACCOUNT_SELF),
)
def event_cancel(event_id: int, session: SessionDep, actor: ActorDep) -> EventPublic:
    """The event stays listed as cancelled (STATUS:CANCELLED in the iCalendar feed)."""
    return service.event_cancel(session, actor=actor, event_id=event_id)


@router.post(
    "/events/{event_id}/hide",
    status_code=204,
    summary="Hide an event (moderators)",
    openapi_extra=needs(Permission.CONTENT_MODERATE),
)
def event_hide(
    event_id: int, body: HideRequest, request: Request, session: SessionDep, actor: ActorDep
) -> Response:
    """Moderators hide an event with a reason (kept in the audit log)."""
    service.event_hide(
        session, actor=actor, event_id=event_id, reason=body.reason, mailer=mailer(request)
    )
    return Response(status_code=204)


@router.post(
    "/events/{event_id}/registrations",
    status_code=201,
    summary="Register for an event",
    openapi_extra=needs(Permission.ACCOUNT_SELF),
)
def register(event_id: int, session: SessionDep, actor: ActorDep) -> RegistrationPublic:
    """A seat while seats are free, else a place on the waiting list (`waiting_position`)."""
    return service.event_register(session, actor=actor, event_id=event_id)


@router.get("/events/{event_id}/registration", summary="One's own registration")
def my_registration(
    event_id: int, session: SessionDep, actor: ActorDep
) -> RegistrationPublic | None:
    """`null` when not registered."""
    service.event_get(session, actor=actor, event_id=event_id)
    return service.my_registration(session, actor=actor, event_id=event_id)


@router.delete(
    "/events/{event_id}/registration",
    summary="Withdraw one's registration",
    openapi_extra=needs(Permission.ACCOUNT_SELF),
)
def unregister(event_id: int, session: SessionDep, actor: ActorDep) -> RegistrationPublic:
    """The first person on the waiting list moves up to the freed seat."""
    return service.registration_cancel(session, actor=actor, event_id=event_id)
