"""What a harvest source of any kind (a catalogue, a SensorThings service) is checked for when
it is registered: a short name, an http(s) address the outbound guard would fetch, and the
department it belongs to."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core.auth.models import Department
from domstadt.core.errors import Invalid
from domstadt.core.outbound import OutboundPolicy, OutboundRefused

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,99}$")
"""A source's name: lower-case letters, digits, ``-`` and ``_``, 2–100 characters."""


def check_name(name: str) -> None:
    """Refuse a name that is not :data:`NAME_RE`."""
    if not NAME_RE.match(name):
        raise Invalid(
            "Der Name der Quelle darf nur Kleinbuchstaben, Ziffern, - und _ enthalten "
            "(2–100 Zeichen).",
            field="name",
        )


def check_address(url: str, outbound: OutboundPolicy) -> None:
    """Refuse an address that is not http(s) or that the outbound guard would not fetch."""
    if not url.startswith(("http://", "https://")):
        raise Invalid(f"'{url}' ist keine http(s)-Adresse.", field="url")
    try:
        outbound.check_url(url)
    except OutboundRefused as exc:
        raise Invalid(str(exc), field="url") from None


def department_id(session: Session, code: str | None) -> int | None:
    """The id of the department with ``code`` (None for none given); unknown codes refused."""
    if not code:
        return None
    found = session.scalar(select(Department.id).where(Department.code == code))
    if found is None:
        raise Invalid(f"Unbekannte Dienststelle '{code}'.", field="department_code")
    return found
