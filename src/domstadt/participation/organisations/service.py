"""Organisation operations: register, list and show, join requests and their answers,
verification by moderators. Every write is permission-checked and audited."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.models import Membership, MembershipState, Organisation, User
from domstadt.core.auth.permissions import Actor, Permission, public, requires
from domstadt.core.auth.schemas import OrganisationPublic
from domstadt.core.db import utcnow
from domstadt.core.errors import Conflict, Forbidden, Invalid, NotFound
from domstadt.core.names import name_key
from domstadt.participation.moderation.hidden import hidden_ids
from domstadt.participation.organisations.contributions import contributions_of
from domstadt.participation.organisations.schemas import (
    JoinDecision,
    JoinRequest,
    MemberPublic,
    MembershipRequestPublic,
    MyMembership,
    OrganisationDetail,
    OrganisationFilter,
    OrganisationRegister,
    Verification,
)

_ACCEPTED = Membership.state == MembershipState.ACCEPTED


def _org(session: Session, organisation_id: int) -> Organisation:
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound(f"Organisation {organisation_id} nicht gefunden.")
    return org


def _public(
    session: Session, org: Organisation, hidden: set[int] | None = None
) -> OrganisationPublic:
    """The public shape; a description the moderation hid is left out (``hidden``: the ids
    known to be hidden, looked up when not given)."""
    result = OrganisationPublic.model_validate(org)
    if hidden is None:
        hidden = hidden_ids(session, "organisation", [org.id])
    if org.id in hidden:
        result.description = ""
    count = select(func.count()).select_from(Membership)
    result.member_count = (
        session.scalar(count.where(Membership.organisation_id == org.id, _ACCEPTED)) or 0
    )
    return result


def _membership(session: Session, organisation_id: int, user_id: int | None) -> Membership | None:
    if user_id is None:
        return None
    return session.scalar(
        select(Membership).where(
            Membership.organisation_id == organisation_id, Membership.user_id == user_id
        )
    )


@requires(Permission.ACCOUNT_SELF)
def organisation_register(
    session: Session, *, actor: Actor, data: OrganisationRegister
) -> OrganisationPublic:
    """Register an organisation (unverified); the registrant becomes its admin. A name that
    differs from a registered one only in case, spaces or invisible characters is refused."""
    taken = Conflict(
        f"Die Organisation '{data.name}' ist bereits registriert. Suchen Sie sie unter "
        "/organisationen und bitten Sie dort um Aufnahme.",
        field="name",
    )
    if session.scalar(select(Organisation.id).where(Organisation.name_key == name_key(data.name))):
        raise taken
    org = Organisation(**data.model_dump(), verified=False)
    try:
        with session.begin_nested():
            session.add(org)
    except IntegrityError:
        raise taken from None
    if actor.user_id is not None:
        session.add(
            Membership(
                organisation_id=org.id,
                user_id=actor.user_id,
                is_admin=True,
                state=MembershipState.ACCEPTED,
            )
        )
        session.flush()
    result = _public(session, org)
    audit.record(
        session,
        actor=actor,
        action="organisation.register",
        entity_type="organisation",
        entity_id=org.id,
        after=result,
    )
    return result


@public("organisations and their verification are shown publicly")
def organisation_search(
    session: Session, *, actor: Actor, filters: OrganisationFilter | None = None
) -> list[OrganisationPublic]:
    """Organisations by name, filtered by kind, Stadtbezirk and verification."""
    query = select(Organisation).order_by(Organisation.name_key)
    f = filters or OrganisationFilter()
    if f.kind is not None:
        query = query.where(Organisation.kind == f.kind)
    if f.district:
        query = query.where(Organisation.district == f.district)
    if f.verified is not None:
        query = query.where(Organisation.verified.is_(f.verified))
    rows = session.scalars(query.limit(1000)).all()
    hidden = hidden_ids(session, "organisation", [o.id for o in rows])
    return [_public(session, o, hidden) for o in rows]


@public("an organisation's page shows only members who opted in, by name")
def organisation_detail(
    session: Session, *, actor: Actor, organisation_id: int
) -> OrganisationDetail:
    """One organisation with its opted-in members (names only) and its contributions."""
    org = _org(session, organisation_id)
    members = session.execute(
        select(User.name, Membership.is_admin)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.organisation_id == org.id,
            _ACCEPTED,
            Membership.listed_publicly.is_(True),
        )
        .order_by(User.name)
    ).all()
    return OrganisationDetail(
        organisation=_public(session, org),
        verification_reason=org.verification_reason if org.verified else "",
        members=[MemberPublic(name=name, is_admin=is_admin) for name, is_admin in members],
        contributions=contributions_of(session, actor, org.id),
    )


@requires(Permission.ACCOUNT_SELF)
def my_membership(session: Session, *, actor: Actor, organisation_id: int) -> MyMembership | None:
    """The signed-in person's own membership of the organisation, if any."""
    row = _membership(session, _org(session, organisation_id).id, actor.user_id)
    if row is None:
        return None
    return MyMembership(state=row.state, is_admin=row.is_admin, listed_publicly=row.listed_publicly)


@requires(Permission.ACCOUNT_SELF)
def membership_request(
    session: Session, *, actor: Actor, organisation_id: int, data: JoinRequest
) -> MyMembership:
    """Ask to join an organisation; its admins accept or decline."""
    org = _org(session, organisation_id)
    if actor.user_id is None:
        raise Forbidden("Nur angemeldete Personen können um Aufnahme bitten.")
    existing = _membership(session, org.id, actor.user_id)
    if existing is not None:
        state = "Mitglied" if existing.state == MembershipState.ACCEPTED else "angefragt"
        raise Conflict(f"Sie sind bei {org.name} bereits {state}.")
    row = Membership(
        organisation_id=org.id,
        user_id=actor.user_id,
        is_admin=False,
        state=MembershipState.REQUESTED,
        listed_publicly=data.listed_publicly,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="organisation.join_request",
        entity_type="organisation",
        entity_id=org.id,
        after={"user_id": actor.user_id, "listed_publicly": data.listed_publicly},
    )
    return MyMembership(state=row.state, is_admin=False, listed_publicly=row.listed_publicly)


def _check_org_admin(session: Session, actor: Actor, org: Organisation) -> None:
    if actor.can(Permission.ORGANISATION_MANAGE):
        return
    own = _membership(session, org.id, actor.user_id)
    if own is None or not own.is_admin or own.state != MembershipState.ACCEPTED:
        raise Forbidden(
            f"Nur Administratorinnen und Administratoren von {org.name} dürfen "
            "Aufnahmeanfragen beantworten."
        )


@requires(Permission.ACCOUNT_SELF)
def membership_requests(
    session: Session, *, actor: Actor, organisation_id: int
) -> list[MembershipRequestPublic]:
    """Open join requests (the organisation's admins and platform admins only)."""
    org = _org(session, organisation_id)
    _check_org_admin(session, actor, org)
    rows = session.execute(
        select(Membership, User.name)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.organisation_id == org.id,
            Membership.state == MembershipState.REQUESTED,
        )
        .order_by(Membership.created_at, Membership.id)
    ).all()
    return [
        MembershipRequestPublic(
            user_id=m.user_id,
            name=name,
            requested_at=m.created_at,
            listed_publicly=m.listed_publicly,
        )
        for m, name in rows
    ]


@requires(Permission.ACCOUNT_SELF)
def membership_decide(
    session: Session, *, actor: Actor, organisation_id: int, user_id: int, data: JoinDecision
) -> list[MembershipRequestPublic]:
    """Accept or decline a join request (declining removes it); returns the open requests."""
    org = _org(session, organisation_id)
    _check_org_admin(session, actor, org)
    row = _membership(session, org.id, user_id)
    if row is None or row.state != MembershipState.REQUESTED:
        raise NotFound(f"Keine offene Aufnahmeanfrage von Konto {user_id} bei {org.name}.")
    if data.accept:
        row.state = MembershipState.ACCEPTED
    else:
        session.delete(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="organisation.join_accept" if data.accept else "organisation.join_decline",
        entity_type="organisation",
        entity_id=org.id,
        before={"user_id": user_id, "state": MembershipState.REQUESTED.value},
        after={"user_id": user_id, "state": "accepted" if data.accept else "declined"},
    )
    return membership_requests(session, actor=actor, organisation_id=org.id)


@requires(Permission.CONTENT_MODERATE)
def organisation_verify(
    session: Session, *, actor: Actor, organisation_id: int, data: Verification
) -> OrganisationPublic:
    """A moderator verifies an organisation, giving the reason (shown with the date)."""
    org = _org(session, organisation_id)
    if org.verified:
        raise Conflict(f"{org.name} ist bereits verifiziert.")
    if not data.reason:
        raise Invalid("Bitte begründen Sie die Verifizierung.", field="reason")
    org.verified = True
    org.verified_at = utcnow()
    org.verification_reason = data.reason
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="organisation.verify",
        entity_type="organisation",
        entity_id=org.id,
        before={"verified": False},
        after={"verified": True, "reason": data.reason},
    )
    return _public(session, org)
