"""Append-only audit log of every write: who did what to which entity, before and after, when."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import JSON, ForeignKey, String, func, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from domstadt.core.db import Base, IdType, UTCDateTime, utcnow

if TYPE_CHECKING:
    from domstadt.core.auth.permissions import Actor


class AuditEntry(Base):
    """One write. Rows are only ever inserted; nothing deletes them, and only an account's
    erasure (:func:`forget_actor`) rewrites who they name."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    actor_label: Mapped[str] = mapped_column(String(400))
    action: Mapped[str] = mapped_column(String(100), index=True)
    entity_type: Mapped[str] = mapped_column(String(100), index=True)
    entity_id: Mapped[str] = mapped_column(String(100))
    before: Mapped[Any] = mapped_column(JSON, nullable=True)
    after: Mapped[Any] = mapped_column(JSON, nullable=True)


class AuditEntryPublic(BaseModel):
    """An audit entry as shown to admins."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    at: dt.datetime
    actor_id: int | None
    actor_label: str
    action: str
    entity_type: str
    entity_id: str
    before: Any
    after: Any


class AuditPage(BaseModel):
    """A page of audit entries, newest first."""

    total: int
    items: list[AuditEntryPublic]


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: object,
    before: Any = None,
    after: Any = None,
) -> None:
    """Append one entry; called by service functions in the same transaction as the write.

    Written at once with a plain INSERT (no unit of work): every sensor POST is audited."""
    session.execute(
        _INSERT,
        {
            "at": utcnow(),
            "actor_id": actor.user_id,
            "actor_label": actor.label,
            "action": action,
            "entity_type": entity_type,
            "entity_id": str(entity_id),
            "before": _jsonable(before),
            "after": _jsonable(after),
        },
    )


_INSERT: Any = insert(AuditEntry.__table__)  # type: ignore[arg-type]


def stamp_once(
    session: Session, *, actor: Actor, row: Any, field: str, action: str, entity_type: str
) -> None:
    """Set the moment ``field`` of ``row`` (e.g. ``revoked_at``) to now and record ``action``,
    unless it is set already: revoking or resolving twice changes and records nothing."""
    if getattr(row, field) is not None:
        return
    setattr(row, field, utcnow())
    record(
        session,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=row.id,
        before={field: None},
        after={field: getattr(row, field).isoformat()},
    )


def forget_actor(session: Session, *, user_id: int, label: str) -> None:
    """GDPR erasure: entries by a deleted account keep its id but show ``label`` instead of
    name and address; entries about the account lose their before/after data. The only
    change ever made to written entries."""
    session.execute(
        update(AuditEntry).where(AuditEntry.actor_id == user_id).values(actor_label=label)
    )
    session.execute(
        update(AuditEntry)
        .where(AuditEntry.entity_type == "user", AuditEntry.entity_id == str(user_id))
        .values(before=None, after=None)
    )


def query_entries(
    session: Session, *, entity_type: str | None, limit: int, offset: int
) -> AuditPage:
    """Newest entries first, optionally for one entity type (permission checked by the caller)."""
    stmt = select(AuditEntry)
    count = select(func.count()).select_from(AuditEntry)
    if entity_type:
        stmt = stmt.where(AuditEntry.entity_type == entity_type)
        count = count.where(AuditEntry.entity_type == entity_type)
    rows = session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(limit).offset(offset)).all()
    return AuditPage(
        total=session.scalar(count) or 0,
        items=[AuditEntryPublic.model_validate(r) for r in rows],
    )


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)


_ADDRESS = re.compile(r"\s*<[^<>\s]*@[^<>\s]*>")


def without_address(label: str) -> str:
    """An actor label fit for public pages: ``"Name <mail>"`` (the audit log's form, and that of
    older public rows) without the e-mail address."""
    return _ADDRESS.sub("", label).strip()


def public_label(session: Session, actor: Actor) -> str:
    """How a change appears on public pages: the person's name and department, never their
    e-mail address (``Erika Muster (Amt für Informationsverarbeitung)``)."""
    from domstadt.core.auth.models import Department

    if actor.user_id is None or actor.is_system:
        return without_address(actor.label)
    department = session.get(Department, actor.department_id) if actor.department_id else None
    name = actor.name.strip() or "Redaktion"
    return f"{name} ({department.name})" if department else name
