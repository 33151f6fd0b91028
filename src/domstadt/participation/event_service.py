"""Event operations (S3.4, S3.5): list and read events, create and cancel them (department
editors for their department, organisation admins for their organisation), register with
capacity and waiting list, and moderation (hide with reason)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, func, insert, select, update
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.models import Department, Membership, Organisation, Role
from domstadt.core.auth.permissions import (
    Actor,
    Permission,
    check_department,
    public,
    requires,
)
from domstadt.core.db import utcnow
from domstadt.core.errors import Conflict, Forbidden, Invalid, NotFound, Unauthenticated
from domstadt.core.mail import Mailer
from domstadt.masterplan import measure_read_service
from domstadt.masterplan import service as masterplan
from domstadt.participation import moderation_service, seats
from domstadt.participation.events.models import (
    Event,
    EventKind,
    EventRegistration,
    EventStatus,
    RegistrationStatus,
    event_field,
    event_measure,
)
from domstadt.participation.events.schemas import (
    BERLIN,
    FIRST_YEAR,
    LAST_YEAR,
    YEARS_MESSAGE,
    EventCreate,
    EventPage,
    EventPublic,
    Organiser,
    Ref,
    RegistrationPublic,
)

MAX_LIST = 500
"""At most this many events in one list or feed."""


def _fields_by_slug(session: Session, actor: Actor) -> dict[str, Ref]:
    taxonomy = masterplan.taxonomy(session, actor=actor)
    return {f.slug: Ref(id=f.id, name=f.name, slug=f.slug) for f in taxonomy.fields_of_action}


def _organiser(session: Session, row: Event) -> Organiser | None:
    if row.department_id is not None:
        dep = session.get(Department, row.department_id)
        if dep is not None:
            return Organiser(type="department", id=dep.id, name=dep.name)
    if row.organisation_id is not None:
        org = session.get(Organisation, row.organisation_id)
        if org is not None:
            return Organiser(type="organisation", id=org.id, name=org.name)
    return None


def _counts(session: Session, event_ids: list[int]) -> dict[tuple[int, str], int]:
    if not event_ids:
        return {}
    rows = session.execute(
        select(EventRegistration.event_id, EventRegistration.status, func.count())
        .where(EventRegistration.event_id.in_(event_ids))
        .group_by(EventRegistration.event_id, EventRegistration.status)
    ).all()
    return {(event_id, str(status)): count for event_id, status, count in rows}


def _links(session: Session, actor: Actor, rows: list[Event]) -> tuple[dict, dict]:
    ids = [r.id for r in rows]
    measures: dict[int, list[Ref]] = {i: [] for i in ids}
    fields: dict[int, list[Ref]] = {i: [] for i in ids}
    if not ids:
        return measures, fields
    for event_id, measure_id in session.execute(
        select(event_measure.c.event_id, event_measure.c.measure_id)
        .where(event_measure.c.event_id.in_(ids))
        .order_by(event_measure.c.measure_id)
    ).all():
        m = measure_read_service.measure_get(session, actor=actor, measure_id=measure_id)
        measures[event_id].append(Ref(id=m.id, name=m.title, slug=m.code))
    by_id = {f.id: f for f in _fields_by_slug(session, actor).values()}
    for event_id, field_id in session.execute(
        select(event_field.c.event_id, event_field.c.field_of_action_id).where(
            event_field.c.event_id.in_(ids)
        )
    ).all():
        if field_id in by_id:
            fields[event_id].append(by_id[field_id])
    return measures, fields


def _publics(session: Session, actor: Actor, rows: list[Event]) -> list[EventPublic]:
    counts = _counts(session, [r.id for r in rows])
    measures, fields = _links(session, actor, rows)
    return [
        EventPublic(
            id=r.id,
            title=r.title,
            kind=r.kind,
            organiser=_organiser(session, r),
            starts_at=r.starts_at,
            ends_at=r.ends_at,
            place=r.place,
            address=r.address,
            online_url=r.online_url,
            description=r.description,
            status=r.status,
            capacity=r.capacity,
            registered=counts.get((r.id, RegistrationStatus.CONFIRMED.value), 0),
            waiting=counts.get((r.id, RegistrationStatus.WAITING.value), 0),
            measures=measures[r.id],
            fields=fields[r.id],
            url=f"/veranstaltungen/{r.id}",
        )
        for r in rows
    ]


def _visible_event(session: Session, event_id: int) -> Event:
    row = session.get(Event, event_id)
    if row is None or row.hidden_at is not None:
        raise NotFound(f"Veranstaltung {event_id} nicht gefunden.")
    return row


@public("the calendar of events is public (S3.4)")
def event_list(
    session: Session,
    *,
    actor: Actor,
    field: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    kind: EventKind | None = None,
) -> EventPage:
    """Visible events soonest first; ``field`` (slug) and the date range (Europe/Berlin days,
    inclusive; an event counts when it overlaps the range) narrow the list."""
    where: list[ColumnElement[bool]] = [Event.hidden_at.is_(None)]
    if field:
        ref = _fields_by_slug(session, actor).get(field)
        if ref is None:
            raise NotFound(f"Handlungsfeld '{field}' nicht gefunden.", field="field")
        where.append(
            Event.id.in_(
                select(event_field.c.event_id).where(event_field.c.field_of_action_id == ref.id)
            )
        )
    for name, day in (("date_from", date_from), ("date_to", date_to)):
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise Invalid(YEARS_MESSAGE, field=name)
    if date_from and date_to and date_to < date_from:
        raise Invalid("Das Enddatum des Zeitraums liegt vor dem Anfangsdatum.", field="bis")
    if date_from:
        start = dt.datetime.combine(date_from, dt.time(), BERLIN).astimezone(dt.UTC)
        where.append(Event.ends_at >= start)
    if date_to:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(), BERLIN)
        where.append(Event.starts_at < end.astimezone(dt.UTC))
    if kind:
        where.append(Event.kind == kind)
    total = session.scalar(select(func.count()).select_from(Event).where(*where)) or 0
    rows = session.scalars(
        select(Event).where(*where).order_by(Event.starts_at, Event.id).limit(MAX_LIST)
    ).all()
    return EventPage(total=total, items=_publics(session, actor, list(rows)))


@public("the calendar of events is public (S3.4)")
def event_get(session: Session, *, actor: Actor, event_id: int) -> EventPublic:
    """One visible event."""
    return _publics(session, actor, [_visible_event(session, event_id)])[0]


def _check_organiser(
    session: Session, actor: Actor, data: EventCreate
) -> tuple[int | None, int | None]:
    """(department id, organisation id) after checking the actor may speak for it."""
    if data.department_code is not None:
        dep = session.scalar(select(Department).where(Department.code == data.department_code))
        if dep is None:
            raise Invalid(f"Amt '{data.department_code}' nicht gefunden.", field="department_code")
        check_department(actor, dep.id)
        return dep.id, None
    org = session.get(Organisation, data.organisation_id)
    if org is None:
        raise Invalid(
            f"Organisation {data.organisation_id} nicht gefunden.", field="organisation_id"
        )
    _check_org_admin(session, actor, org.id)
    return None, org.id


def _check_org_admin(session: Session, actor: Actor, organisation_id: int) -> None:
    if actor.is_system or actor.role == Role.ADMIN:
        return
    is_admin = session.scalar(
        select(Membership.is_admin).where(
            Membership.organisation_id == organisation_id, Membership.user_id == actor.user_id
        )
    )
    if not is_admin:
        raise Forbidden(
            "Veranstaltungen einer Organisation legen nur deren Administratorinnen und "
            "Administratoren an."
        )


def _check_links(session: Session, actor: Actor, data: EventCreate) -> list[int]:
    for measure_id in data.measure_ids:
        try:
            measure_read_service.measure_get(session, actor=actor, measure_id=measure_id)
        except NotFound:
            raise Invalid(f"Maßnahme {measure_id} nicht gefunden.", field="measure_ids") from None
    known = _fields_by_slug(session, actor)
    unknown = [s for s in data.fields if s not in known]
    if unknown:
        raise Invalid(f"Handlungsfeld '{unknown[0]}' nicht gefunden.", field="fields")
    return [known[s].id for s in dict.fromkeys(data.fields)]


@requires(Permission.ACCOUNT_SELF)
def event_create(session: Session, *, actor: Actor, data: EventCreate) -> EventPublic:
    """Create an event: department editors (and admins) for their department, organisation
    admins for their organisation."""
    department_id, organisation_id = _check_organiser(session, actor, data)
    field_ids = _check_links(session, actor, data)
    row = Event(
        title=data.title.strip(),
        kind=data.kind,
        department_id=department_id,
        organisation_id=organisation_id,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        place=data.place.strip(),
        address=data.address.strip(),
        online_url=data.online_url,
        description=data.description,
        capacity=data.capacity,
        status=EventStatus.PLANNED,
    )
    session.add(row)
    session.flush()
    for measure_id in dict.fromkeys(data.measure_ids):
        session.execute(insert(event_measure).values(event_id=row.id, measure_id=measure_id))
    for field_id in field_ids:
        session.execute(insert(event_field).values(event_id=row.id, field_of_action_id=field_id))
    result = _publics(session, actor, [row])[0]
    audit.record(
        session,
        actor=actor,
        action="event.create",
        entity_type="event",
        entity_id=row.id,
        after=result.model_dump(mode="json"),
    )
    return result


def _check_may_edit(session: Session, actor: Actor, row: Event) -> None:
    if row.organisation_id is not None and row.department_id is None:
        _check_org_admin(session, actor, row.organisation_id)
    else:
        check_department(actor, row.department_id)


@public("answers only whether the actor may change the event; reveals nothing else")
def may_edit(session: Session, *, actor: Actor, event_id: int) -> bool:
    """True when the actor organises the event (shows the cancel button)."""
    if not actor.is_authenticated:
        return False
    try:
        _check_may_edit(session, actor, _visible_event(session, event_id))
    except (Forbidden, Unauthenticated):
        return False
    return True


@requires(Permission.ACCOUNT_SELF)
def event_cancel(session: Session, *, actor: Actor, event_id: int) -> EventPublic:
    """Cancel an event (its organiser); it stays listed and in the feed as cancelled."""
    row = _visible_event(session, event_id)
    _check_may_edit(session, actor, row)
    if row.status == EventStatus.CANCELLED:
        raise Conflict("Die Veranstaltung ist bereits abgesagt.")
    row.status = EventStatus.CANCELLED
    row.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="event.cancel",
        entity_type="event",
        entity_id=row.id,
        before={"status": "planned"},
        after={"status": "cancelled"},
    )
    return event_get(session, actor=actor, event_id=event_id)


@requires(Permission.CONTENT_MODERATE)
def event_hide(
    session: Session, *, actor: Actor, event_id: int, reason: str, mailer: Mailer | None = None
) -> None:
    """Moderators hide an event with a reason, through the moderation engine (audited; the
    organising organisation's admins get a mail); it leaves every list."""
    _visible_event(session, event_id)
    moderation_service.item_hide(
        session, actor=actor, kind="event", item_id=event_id, reason=reason, mailer=mailer
    )


def _lock(session: Session, event_id: int) -> None:
    """Take the event's row lock (PostgreSQL) / the write lock (SQLite) before counting seats,
    so two people never get the last seat both."""
    session.execute(update(Event).where(Event.id == event_id).values(id=Event.id))


def _registration(session: Session, event_id: int, user_id: int | None) -> EventRegistration | None:
    return session.scalar(
        select(EventRegistration).where(
            EventRegistration.event_id == event_id, EventRegistration.user_id == user_id
        )
    )


def _waiting_position(session: Session, reg: EventRegistration) -> int | None:
    if reg.status != RegistrationStatus.WAITING:
        return None
    ahead = session.scalar(
        select(func.count()).where(
            EventRegistration.event_id == reg.event_id,
            EventRegistration.status == RegistrationStatus.WAITING,
            (EventRegistration.created_at < reg.created_at)
            | ((EventRegistration.created_at == reg.created_at) & (EventRegistration.id < reg.id)),
        )
    )
    return int(ahead or 0) + 1


def _count(session: Session, event_id: int, status: RegistrationStatus) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                EventRegistration.event_id == event_id, EventRegistration.status == status
            )
        )
        or 0
    )


@requires(Permission.ACCOUNT_SELF)
def event_register(session: Session, *, actor: Actor, event_id: int) -> RegistrationPublic:
    """Register the signed-in person: a seat while seats are free, else the waiting list."""
    row = _visible_event(session, event_id)
    if actor.user_id is None:
        raise Forbidden("Nur angemeldete Personen können sich registrieren.")
    if row.status == EventStatus.CANCELLED:
        raise Conflict("Die Veranstaltung ist abgesagt; eine Anmeldung ist nicht möglich.")
    if row.ends_at < utcnow():
        raise Conflict("Die Veranstaltung ist vorbei; eine Anmeldung ist nicht mehr möglich.")
    _lock(session, event_id)
    reg = _registration(session, event_id, actor.user_id)
    if reg is not None and reg.status != RegistrationStatus.CANCELLED:
        raise Conflict("Sie sind für diese Veranstaltung bereits angemeldet.")
    status = seats.status_for_new(
        _count(session, event_id, RegistrationStatus.CONFIRMED), row.capacity
    )
    now = utcnow()
    if reg is None:
        reg = EventRegistration(event_id=event_id, user_id=actor.user_id, status=status)
        session.add(reg)
    reg.status, reg.created_at, reg.updated_at = status, now, now
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="event.register",
        entity_type="event",
        entity_id=event_id,
        after={"user_id": actor.user_id, "status": status.value},
    )
    return RegistrationPublic(
        event_id=event_id, status=status, waiting_position=_waiting_position(session, reg)
    )


def _move_up(session: Session, actor: Actor, row: Event) -> None:
    waiting = session.scalars(
        select(EventRegistration)
        .where(
            EventRegistration.event_id == row.id,
            EventRegistration.status == RegistrationStatus.WAITING,
        )
        .order_by(EventRegistration.created_at, EventRegistration.id)
    ).all()
    free = seats.free_seats(
        _count(session, row.id, RegistrationStatus.CONFIRMED), row.capacity, len(waiting)
    )
    for reg in waiting[:free]:
        reg.status, reg.updated_at = RegistrationStatus.CONFIRMED, utcnow()
        audit.record(
            session,
            actor=actor,
            action="event.registration_move_up",
            entity_type="event",
            entity_id=row.id,
            after={"user_id": reg.user_id, "status": "confirmed"},
        )
    session.flush()


@requires(Permission.ACCOUNT_SELF)
def registration_cancel(session: Session, *, actor: Actor, event_id: int) -> RegistrationPublic:
    """Withdraw one's registration; the first on the waiting list takes the freed seat."""
    row = _visible_event(session, event_id)
    _lock(session, event_id)
    reg = _registration(session, event_id, actor.user_id)
    if reg is None or reg.status == RegistrationStatus.CANCELLED:
        raise NotFound("Sie sind für diese Veranstaltung nicht angemeldet.")
    before = reg.status.value
    reg.status, reg.updated_at = RegistrationStatus.CANCELLED, utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="event.registration_cancel",
        entity_type="event",
        entity_id=event_id,
        before={"user_id": actor.user_id, "status": before},
        after={"user_id": actor.user_id, "status": "cancelled"},
    )
    _move_up(session, actor, row)
    return RegistrationPublic(event_id=event_id, status=RegistrationStatus.CANCELLED)


@public("a person reads only their own registration")
def my_registration(session: Session, *, actor: Actor, event_id: int) -> RegistrationPublic | None:
    """The actor's live registration for the event, or None (also for anonymous visitors)."""
    if actor.user_id is None:
        return None
    reg = _registration(session, event_id, actor.user_id)
    if reg is None or reg.status == RegistrationStatus.CANCELLED:
        return None
    return RegistrationPublic(
        event_id=event_id, status=reg.status, waiting_position=_waiting_position(session, reg)
    )


@requires(Permission.ACCOUNT_SELF)
def organiser_choices(session: Session, *, actor: Actor) -> dict[str, list[Ref]]:
    """Departments and organisations the actor may create events for (the form's choices)."""
    deps = session.scalars(select(Department).order_by(Department.code)).all()
    out_deps = [
        Ref(id=d.id, name=d.name, slug=d.code) for d in deps if actor.can_edit_department(d.id)
    ]
    stmt = select(Organisation).order_by(Organisation.name)
    if not (actor.is_system or actor.role == Role.ADMIN):
        stmt = stmt.join(Membership, Membership.organisation_id == Organisation.id).where(
            Membership.user_id == actor.user_id, Membership.is_admin.is_(True)
        )
    orgs = [Ref(id=o.id, name=o.name) for o in session.scalars(stmt).all()]
    return {"departments": out_deps, "organisations": orgs}
