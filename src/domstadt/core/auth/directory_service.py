"""The city's departments (Dezernate, Ämter) and the organisations that take part."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.models import Department, Membership, Organisation, User
from domstadt.core.auth.permissions import Actor, Permission, public, requires
from domstadt.core.auth.schemas import (
    DepartmentCreate,
    DepartmentNode,
    DepartmentPublic,
    DepartmentUpdate,
    OrganisationCreate,
    OrganisationPublic,
)
from domstadt.core.db import Base
from domstadt.core.errors import Conflict, Forbidden, Invalid, NotFound
from domstadt.core.names import name_key


@requires(Permission.DEPARTMENT_MANAGE)
def department_create(
    session: Session, *, actor: Actor, data: DepartmentCreate
) -> DepartmentPublic:
    """Add a department under an existing parent (by code)."""
    taken = Conflict(f"Das Kürzel '{data.code}' ist bereits vergeben.", field="code")
    if session.scalar(select(Department).where(Department.code == data.code)):
        raise taken
    parent_id = None
    if data.parent_code:
        parent = session.scalar(select(Department).where(Department.code == data.parent_code))
        if parent is None:
            raise Invalid(
                f"Übergeordnete Dienststelle '{data.parent_code}' gibt es nicht.",
                field="parent_code",
            )
        parent_id = parent.id
    row = Department(
        code=data.code,
        name=data.name,
        kind=data.kind,
        parent_id=parent_id,
        description=data.description,
    )
    _insert_unique(session, row, taken)
    result = DepartmentPublic.model_validate(row)
    audit.record(
        session,
        actor=actor,
        action="department.create",
        entity_type="department",
        entity_id=row.id,
        after=result,
    )
    return result


def _parent_id(session: Session, code: str, parent_code: str) -> int | None:
    """The id of the new parent; none for "", refused for itself or one of its own units."""
    if not parent_code:
        return None
    parent = session.scalar(select(Department).where(Department.code == parent_code))
    if parent is None:
        raise Invalid(
            f"Übergeordnete Dienststelle '{parent_code}' gibt es nicht.", field="parent_code"
        )
    node: Department | None = parent
    while node is not None:
        if node.code == code:
            raise Invalid(
                f"'{parent_code}' liegt unter '{code}' oder ist sie selbst; eine Dienststelle "
                "kann nicht unter sich selbst hängen.",
                field="parent_code",
            )
        node = node.parent
    return parent.id


@requires(Permission.DEPARTMENT_MANAGE)
def department_update(
    session: Session, *, actor: Actor, code: str, data: DepartmentUpdate
) -> DepartmentPublic:
    """Change name, kind, parent or description of a department (only the fields given)."""
    row = session.scalar(select(Department).where(Department.code == code))
    if row is None:
        raise NotFound(f"Dienststelle '{code}' nicht gefunden.")
    before = DepartmentPublic.model_validate(row)
    given = data.model_dump(exclude_unset=True)
    if "parent_code" in given:
        row.parent_id = _parent_id(session, row.code, data.parent_code or "")
    for field in ("name", "kind", "description"):
        if given.get(field) is not None:
            setattr(row, field, given[field])
    session.flush()
    result = DepartmentPublic.model_validate(row)
    audit.record(
        session,
        actor=actor,
        action="department.update",
        entity_type="department",
        entity_id=row.id,
        before=before,
        after=result,
    )
    return result


@public("the administration's structure is public information")
def department_list(session: Session, *, actor: Actor) -> list[DepartmentPublic]:
    """All departments ordered by code."""
    rows = session.scalars(select(Department).order_by(Department.code)).all()
    return [DepartmentPublic.model_validate(r) for r in rows]


@public("the administration's structure is public information")
def department_tree(session: Session, *, actor: Actor) -> list[DepartmentNode]:
    """Departments as a tree: Dezernate at the top, their Ämter below."""
    nodes = {d.id: DepartmentNode(**d.model_dump()) for d in department_list(session, actor=actor)}
    roots: list[DepartmentNode] = []
    for node in nodes.values():
        parent = nodes.get(node.parent_id) if node.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


@public("the administration's structure is public information")
def department_get(session: Session, *, actor: Actor, code: str) -> DepartmentPublic:
    """One department by its code."""
    row = session.scalar(select(Department).where(Department.code == code))
    if row is None:
        raise NotFound(f"Dienststelle '{code}' nicht gefunden.")
    return DepartmentPublic.model_validate(row)


def _insert_unique(session: Session, row: Base, taken: Conflict) -> None:
    """Insert ``row`` in a savepoint; a unique key another transaction took first (the check
    before could not see it yet) is the Conflict ``taken``, not a server error."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise taken from None


def _org_public(session: Session, org: Organisation) -> OrganisationPublic:
    result = OrganisationPublic.model_validate(org)
    result.member_count = (
        session.scalar(
            select(func.count()).select_from(Membership).where(Membership.organisation_id == org.id)
        )
        or 0
    )
    return result


@requires(Permission.ACCOUNT_SELF)
def organisation_create(
    session: Session, *, actor: Actor, data: OrganisationCreate
) -> OrganisationPublic:
    """Register an organisation (unverified); a person who registers it becomes its admin.
    Names are compared as ``core.names.name_key`` (spaces, invisible characters and case do
    not make a new name); the unique key decides between concurrent registrations."""
    taken = Conflict(
        f"Die Organisation '{data.name}' ist bereits registriert. Suchen Sie sie unter "
        "/beteiligung und bitten Sie ihre Administratoren, Sie aufzunehmen.",
        field="name",
    )
    if session.scalar(select(Organisation.id).where(Organisation.name_key == name_key(data.name))):
        raise taken
    org = Organisation(**data.model_dump(), verified=False)
    _insert_unique(session, org, taken)
    if actor.user_id is not None:
        session.add(Membership(organisation_id=org.id, user_id=actor.user_id, is_admin=True))
        session.flush()
    result = _org_public(session, org)
    audit.record(
        session,
        actor=actor,
        action="organisation.create",
        entity_type="organisation",
        entity_id=org.id,
        after=result,
    )
    return result


@public("organisations and their verification are shown publicly")
def organisation_list(session: Session, *, actor: Actor) -> list[OrganisationPublic]:
    """All organisations by name."""
    rows = session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return [_org_public(session, o) for o in rows]


@public("organisations and their verification are shown publicly")
def organisation_get(session: Session, *, actor: Actor, organisation_id: int) -> OrganisationPublic:
    """One organisation."""
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound(f"Organisation {organisation_id} nicht gefunden.")
    return _org_public(session, org)


@requires(Permission.ORGANISATION_MANAGE)
def organisation_verify(
    session: Session, *, actor: Actor, organisation_id: int, verified: bool = True
) -> OrganisationPublic:
    """Mark an organisation as verified (or not) after checking it is real."""
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound(f"Organisation {organisation_id} nicht gefunden.")
    before = org.verified
    org.verified = verified
    audit.record(
        session,
        actor=actor,
        action="organisation.verify",
        entity_type="organisation",
        entity_id=org.id,
        before={"verified": before},
        after={"verified": verified},
    )
    return _org_public(session, org)


@requires(Permission.ACCOUNT_SELF)
def organisation_add_member(
    session: Session, *, actor: Actor, organisation_id: int, email: str, is_admin: bool = False
) -> OrganisationPublic:
    """Add a person to an organisation (its own admins and platform admins may)."""
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound(f"Organisation {organisation_id} nicht gefunden.")
    if not actor.can(Permission.ORGANISATION_MANAGE):
        own = session.scalar(
            select(Membership).where(
                Membership.organisation_id == org.id, Membership.user_id == actor.user_id
            )
        )
        if own is None or not own.is_admin:
            raise Forbidden("Nur Administratoren der Organisation dürfen Mitglieder hinzufügen.")
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(f"Kein Konto mit der E-Mail-Adresse {email} gefunden.", field="email")
    if session.scalar(
        select(Membership).where(
            Membership.organisation_id == org.id, Membership.user_id == user.id
        )
    ):
        raise Conflict(f"{user.name} ist bereits Mitglied von {org.name}.")
    session.add(Membership(organisation_id=org.id, user_id=user.id, is_admin=is_admin))
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="organisation.add_member",
        entity_type="organisation",
        entity_id=org.id,
        after={"user_id": user.id, "is_admin": is_admin},
    )
    return _org_public(session, org)
