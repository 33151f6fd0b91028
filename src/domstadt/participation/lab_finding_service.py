"""Findings of lab sessions and UX tests (S1.2): the editors of the session's department record
what they observed with its severity, moderators hide one with a reason; both audited. The
session page asks ``may_record_findings`` whether to offer the form."""

from __future__ import annotations

from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, check_department, public, requires
from domstadt.core.db import utcnow
from domstadt.core.errors import Forbidden, Invalid, NotFound, Unauthenticated
from domstadt.participation.labs.models import LabFinding, LabSession
from domstadt.participation.labs.schemas import FindingCreate, FindingPublic


def _visible(session: Session, session_id: int) -> LabSession:
    row = session.get(LabSession, session_id)
    if row is None or row.hidden_at is not None:
        raise NotFound(f"Labortermin {session_id} nicht gefunden.")
    return row


@public("answers only whether the actor may record findings; reveals nothing else")
def may_record_findings(session: Session, *, actor: Actor, session_id: int) -> bool:
    """True for the editors of the session's department and admins (the page's form)."""
    row = _visible(session, session_id)
    try:
        check_department(actor, row.department_id)
    except (Forbidden, Unauthenticated):
        return False
    return True


@requires(Permission.CONTENT_EDIT)
def finding_add(
    session: Session, *, actor: Actor, session_id: int, data: FindingCreate
) -> FindingPublic:
    """Record a finding (editors of the session's department)."""
    row = _visible(session, session_id)
    check_department(actor, row.department_id)
    finding = LabFinding(session_id=row.id, severity=data.severity, text=data.text.strip())
    session.add(finding)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="lab.finding_add",
        entity_type="lab_finding",
        entity_id=finding.id,
        after={"session_id": row.id, "severity": data.severity.value, "text": finding.text},
    )
    return FindingPublic(
        id=finding.id, severity=finding.severity, text=finding.text, created_at=finding.created_at
    )


@requires(Permission.CONTENT_MODERATE)
def finding_hide(session: Session, *, actor: Actor, finding_id: int, reason: str) -> None:
    """Moderators hide a finding with a reason (kept in the audit log)."""
    reason = reason.strip()
    if len(reason) < 3:
        raise Invalid("Bitte nennen Sie einen Grund für das Ausblenden.", field="reason")
    finding = session.get(LabFinding, finding_id)
    if finding is None or finding.hidden_at is not None:
        raise NotFound(f"Befund {finding_id} nicht gefunden.")
    finding.hidden_at, finding.hidden_reason = utcnow(), reason[:500]
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="lab.finding_hide",
        entity_type="lab_finding",
        entity_id=finding_id,
        after={"reason": finding.hidden_reason},
    )
