"""Who may do what. Every service function is wrapped by :func:`requires`, :func:`public` or,
for steps other services call after their own check, :func:`internal`.

The decorators record the permission on the function (``__permission__``) so a test can prove
that no service function skips the check.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from domstadt.core.auth.models import Role
from domstadt.core.errors import Forbidden, Unauthenticated

P = ParamSpec("P")
R = TypeVar("R")


class Permission(enum.StrEnum):
    """Named rights; roles map to sets of them in :data:`ROLE_PERMISSIONS`."""

    READ_PUBLIC = "read.public"
    ACCOUNT_SELF = "account.self"
    FEEDBACK_WRITE = "feedback.write"
    CONTENT_MODERATE = "content.moderate"
    CONTENT_EDIT = "content.edit"
    ORGANISATION_MANAGE = "organisation.manage"
    DEPARTMENT_MANAGE = "department.manage"
    USER_MANAGE = "user.manage"
    AUDIT_READ = "audit.read"
    SYSTEM_BACKUP = "system.backup"
    """Create, restore and list backups (operators; admins hold every permission)."""
    PRACTICES_EDIT = "practices.edit"
    """Import and edit the best-practice library (staff: editors and admins)."""
    SENSORS_STORAGE = "sensors.storage"
    """List, create and drop the observation store's time partitions (admins only)."""


_MEMBER = {Permission.READ_PUBLIC, Permission.ACCOUNT_SELF, Permission.FEEDBACK_WRITE}
ROLE_PERMISSIONS: dict[Role | None, frozenset[Permission]] = {
    None: frozenset({Permission.READ_PUBLIC}),
    Role.MEMBER: frozenset(_MEMBER),
    Role.MODERATOR: frozenset(_MEMBER | {Permission.CONTENT_MODERATE}),
    Role.EDITOR: frozenset(_MEMBER | {Permission.CONTENT_EDIT, Permission.PRACTICES_EDIT}),
    Role.ADMIN: frozenset(Permission),
}


@dataclass(frozen=True)
class Actor:
    """The person (or the anonymous public, or the system) on whose behalf a service acts.

    ``department_id`` is the person's own department; ``department_ids`` the editor's scope:
    that department and all units below it.
    """

    user_id: int | None = None
    email: str = ""
    name: str = ""
    role: Role | None = None
    department_id: int | None = None
    department_ids: frozenset[int] = frozenset()
    organisation_ids: frozenset[int] = frozenset()
    is_system: bool = False
    via: str = "anonymous"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def is_authenticated(self) -> bool:
        """True for a signed-in person or the system."""
        return self.user_id is not None or self.is_system

    @property
    def label(self) -> str:
        """How the actor appears in the audit log."""
        if self.is_system:
            return f"system ({self.name or 'cli'})"
        if self.user_id is None:
            return "anonymous"
        return f"{self.name} <{self.email}>"

    def can(self, permission: Permission) -> bool:
        """True when the actor's role grants ``permission`` (system actors may do everything)."""
        return self.is_system or permission in ROLE_PERMISSIONS[self.role]

    def can_edit_department(self, department_id: int | None) -> bool:
        """Admins edit everything; editors only content of their department and its sub-units."""
        if self.is_system or self.role == Role.ADMIN:
            return True
        return (
            self.role == Role.EDITOR
            and department_id is not None
            and department_id in self.department_ids
        )


ANONYMOUS = Actor()


def system_actor(name: str = "cli") -> Actor:
    """The actor for operator commands run on the server (CLI, demo loader, jobs)."""
    return Actor(is_system=True, name=name, via="system")


def check(actor: Actor, permission: Permission) -> None:
    """Raise Unauthenticated/Forbidden unless ``actor`` holds ``permission``."""
    if actor.can(permission):
        return
    if not actor.is_authenticated:
        raise Unauthenticated("Bitte melden Sie sich an, um diese Aktion auszuführen.")
    raise Forbidden("Ihnen fehlt die Berechtigung für diese Aktion.")


def check_department(actor: Actor, department_id: int | None) -> None:
    """Raise Forbidden unless ``actor`` may edit content owned by ``department_id``."""
    check(actor, Permission.CONTENT_EDIT)
    if not actor.can_edit_department(department_id):
        raise Forbidden("Sie dürfen nur Inhalte Ihres eigenen Dezernats oder Amts bearbeiten.")


def requires(permission: Permission) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Service decorator: check ``permission`` for the keyword argument ``actor`` first."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            actor = kwargs.get("actor")
            if not isinstance(actor, Actor):
                raise TypeError(f"{func.__qualname__} needs the keyword argument actor=Actor")
            check(actor, permission)
            return func(*args, **kwargs)

        wrapper.__permission__ = permission  # type: ignore[attr-defined]
        return wrapper

    return decorate


def public(reason: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Mark a service function that anyone may call; ``reason`` says why that is safe."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        func.__permission__ = f"public: {reason}"  # type: ignore[attr-defined]
        return func

    return decorate


def internal(reason: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Mark a service-module function that is no entry point: it works on rows handed to it by
    another service that already checked the permission (``reason`` names that caller).
    Routes and the CLI must not call it."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        func.__permission__ = f"internal: {reason}"  # type: ignore[attr-defined]
        return func

    return decorate
