"""Building the Actor of a person: department scope and organisations (shared by sign-in,
sessions and tokens)."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from domstadt.core.auth.models import Department, Membership, MembershipState, Role, User
from domstadt.core.auth.permissions import Actor

_ORGANISATIONS = select(Membership.organisation_id).where(
    Membership.user_id == bindparam("user"), Membership.state == MembershipState.ACCEPTED
)


def department_scope(session: Session, department_id: int | None) -> frozenset[int]:
    """The department and every unit below it (one query for the whole, small, tree)."""
    if department_id is None:
        return frozenset()
    children: dict[int | None, list[int]] = {}
    for dep_id, parent_id in session.execute(select(Department.id, Department.parent_id)):
        children.setdefault(parent_id, []).append(dep_id)
    scope = {department_id}
    frontier = [department_id]
    while frontier:
        frontier = [c for p in frontier for c in children.get(p, []) if c not in scope]
        scope.update(frontier)
    return frozenset(scope)


def actor_of(
    session: Session,
    user_id: int,
    email: str,
    name: str,
    role: Role,
    department_id: int | None,
    via: str,
    organisation_ids: frozenset[int] | None = None,
) -> Actor:
    """The Actor of a user; organisations are looked up unless the caller already has them."""
    if organisation_ids is None:
        organisation_ids = frozenset(session.scalars(_ORGANISATIONS, {"user": user_id}).all())
    return Actor(
        user_id=user_id,
        email=email,
        name=name,
        role=role,
        department_id=department_id,
        department_ids=department_scope(session, department_id),
        organisation_ids=organisation_ids,
        via=via,
    )


def actor_of_user(session: Session, user: User, *, via: str) -> Actor:
    """The Actor for the loaded ``user``."""
    return actor_of(session, user.id, user.email, user.name, user.role, user.department_id, via)
