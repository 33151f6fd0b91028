"""Assigning SensorThings entities to a department (``domstadt sensors owner``).

Rows from before migration 0010, and rows the system made (imports, demo data, MQTT), belong
to no department, so only admins may change them; this hands them to the department whose
editors should (see ``sta/ownership.py``).
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.models import Department
from domstadt.core.auth.permissions import Actor, Permission, requires
from domstadt.core.errors import Invalid, NotFound
from domstadt.sensors import models as m

OWNED_MODELS = (m.Thing, m.Location, m.Sensor, m.ObservedProperty, m.FeatureOfInterest)


class OwnerAssigned(BaseModel):
    """What ``assign_owner`` changed: rows per table."""

    department_code: str
    rows: dict[str, int]


@requires(Permission.DEPARTMENT_MANAGE)
def assign_owner(
    session: Session, *, actor: Actor, department_code: str, thing_ids: list[int] | None = None
) -> OwnerAssigned:
    """Give ``thing_ids`` (with their Datastreams, Observations and HistoricalLocations), or
    without ids every entity that has no department yet, to the department ``department_code``."""
    department_id = session.scalar(select(Department.id).where(Department.code == department_code))
    if department_id is None:
        raise Invalid(
            f"Unbekannte Dienststelle '{department_code}'; `domstadt departments list` zeigt "
            "die Kürzel.",
            field="department_code",
        )
    rows: dict[str, int] = {}
    if thing_ids:
        found = set(session.scalars(select(m.Thing.id).where(m.Thing.id.in_(thing_ids))))
        if missing := sorted(set(thing_ids) - found):
            raise NotFound(f"Thing {missing[0]} gibt es nicht.")
        done = session.execute(
            update(m.Thing).where(m.Thing.id.in_(thing_ids)).values(department_id=department_id)
        )
        rows["sta_thing"] = int(getattr(done, "rowcount", 0) or 0)
    else:
        for model in OWNED_MODELS:
            done = session.execute(
                update(model)
                .where(model.department_id.is_(None))
                .values(department_id=department_id)
            )
            rows[model.__tablename__] = int(getattr(done, "rowcount", 0) or 0)
    result = OwnerAssigned(department_code=department_code, rows=rows)
    audit.record(
        session,
        actor=actor,
        action="sensors.owner_assign",
        entity_type="department",
        entity_id=department_id,
        after={**result.model_dump(), "thing_ids": thing_ids or None},
    )
    return result
