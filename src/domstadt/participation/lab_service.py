"""Lab and UX-test operations (S1.2): sessions of a department, sign-up with capacity and
waiting list, SUS answers and their statistics per service; every write permission-checked
and audited, sessions hidden by moderators. Findings: ``lab_finding_service``."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.models import Department
from domstadt.core.auth.permissions import (
    Actor,
    Permission,
    check_department,
    public,
    requires,
)
from domstadt.core.db import utcnow
from domstadt.core.errors import Conflict, Forbidden, Invalid, NotFound
from domstadt.masterplan import measure_read_service
from domstadt.participation import seats
from domstadt.participation.events.models import RegistrationStatus
from domstadt.participation.events.schemas import Ref
from domstadt.participation.labs import sus
from domstadt.participation.labs.models import LabFinding, LabSession, LabSignup, SusResponse
from domstadt.participation.labs.schemas import (
    FindingPublic,
    LabOverview,
    LabSessionCreate,
    LabSessionPublic,
    ServiceSus,
    SignupPublic,
    SusResult,
    SusSummary,
    TrendPoint,
)

MAX_LIST = 500


def _summary(scores: list[float]) -> SusSummary:
    mean, low, high = sus.mean_interval(scores)
    return SusSummary(count=len(scores), mean=mean, ci_low=low, ci_high=high)


def _scores(session: Session, session_ids: list[int]) -> dict[int, list[float]]:
    out: dict[int, list[float]] = {i: [] for i in session_ids}
    if session_ids:
        for sid, score in session.execute(
            select(SusResponse.session_id, SusResponse.score).where(
                SusResponse.session_id.in_(session_ids)
            )
        ).all():
            out[sid].append(float(score))
    return out


def _count(session: Session, session_id: int, status: RegistrationStatus) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                LabSignup.session_id == session_id, LabSignup.status == status
            )
        )
        or 0
    )


def _public(
    session: Session, actor: Actor, row: LabSession, scores: list[float]
) -> LabSessionPublic:
    measure = None
    if row.measure_id is not None:
        m = measure_read_service.measure_get(session, actor=actor, measure_id=row.measure_id)
        measure = Ref(id=m.id, name=m.title, slug=m.code)
    dep = session.get(Department, row.department_id) if row.department_id else None
    findings = session.scalars(
        select(LabFinding)
        .where(LabFinding.session_id == row.id, LabFinding.hidden_at.is_(None))
        .order_by(LabFinding.id)
    ).all()
    return LabSessionPublic(
        id=row.id,
        title=row.title,
        kind=row.kind,
        service_name=row.service_name,
        measure=measure,
        department=Ref(id=dep.id, name=dep.name, slug=dep.code) if dep else None,
        starts_at=row.starts_at,
        place=row.place,
        capacity=row.capacity,
        registered=_count(session, row.id, RegistrationStatus.CONFIRMED),
        waiting=_count(session, row.id, RegistrationStatus.WAITING),
        description=row.description,
        tasks=[str(t) for t in row.tasks or []],
        findings=[
            FindingPublic(id=f.id, severity=f.severity, text=f.text, created_at=f.created_at)
            for f in findings
        ],
        sus=_summary(scores),
        url=f"/labore/{row.id}",
        cancelled_at=row.cancelled_at,
        cancel_reason=row.cancel_reason,
    )


def _visible(session: Session, session_id: int) -> LabSession:
    row = session.get(LabSession, session_id)
    if row is None or row.hidden_at is not None:
        raise NotFound(f"Labortermin {session_id} nicht gefunden.")
    return row


def _services(rows: list[LabSession], scores: dict[int, list[float]]) -> list[ServiceSus]:
    by_service: dict[str, list[LabSession]] = {}
    for row in rows:
        if row.service_name:
            by_service.setdefault(row.service_name, []).append(row)
    out = []
    for name, sessions in sorted(by_service.items()):
        pooled = [s for row in sessions for s in scores[row.id]]
        trend = [
            TrendPoint(
                session_id=row.id,
                title=row.title,
                starts_at=row.starts_at,
                sus=_summary(scores[row.id]),
            )
            for row in sorted(sessions, key=lambda r: (r.starts_at, r.id))
            if scores[row.id]
        ]
        out.append(ServiceSus(service_name=name, sus=_summary(pooled), trend=trend))
    return out


@public("lab sessions and their anonymous SUS results are published (S1.2)")
def lab_overview(session: Session, *, actor: Actor, service_name: str | None = None) -> LabOverview:
    """Visible sessions soonest first (one service's only, when named) and SUS per service."""
    stmt = select(LabSession).where(LabSession.hidden_at.is_(None))
    if service_name:
        stmt = stmt.where(LabSession.service_name == service_name)
    rows = list(session.scalars(stmt.order_by(LabSession.starts_at, LabSession.id).limit(MAX_LIST)))
    scores = _scores(session, [r.id for r in rows])
    return LabOverview(
        items=[_public(session, actor, r, scores[r.id]) for r in rows],
        services=_services(rows, scores),
    )


@public("lab sessions and their anonymous SUS results are published (S1.2)")
def lab_get(session: Session, *, actor: Actor, session_id: int) -> LabSessionPublic:
    """One visible session with its findings and SUS summary."""
    row = _visible(session, session_id)
    return _public(session, actor, row, _scores(session, [row.id])[row.id])


@requires(Permission.CONTENT_EDIT)
def lab_create(session: Session, *, actor: Actor, data: LabSessionCreate) -> LabSessionPublic:
    """Create a session for a department (its editors and admins)."""
    dep = session.scalar(select(Department).where(Department.code == data.department_code))
    if dep is None:
        raise Invalid(f"Amt '{data.department_code}' nicht gefunden.", field="department_code")
    check_department(actor, dep.id)
    if not data.service_name.strip() and data.measure_id is None:
        raise Invalid(
            "Ein Labortermin gehört zu einem Dienst (service_name) oder einer Maßnahme "
            "(measure_id).",
            field="service_name",
        )
    if data.measure_id is not None:
        try:
            measure_read_service.measure_get(session, actor=actor, measure_id=data.measure_id)
        except NotFound:
            raise Invalid(
                f"Maßnahme {data.measure_id} nicht gefunden.", field="measure_id"
            ) from None
    row = LabSession(
        title=data.title.strip(),
        kind=data.kind,
        service_name=data.service_name.strip(),
        measure_id=data.measure_id,
        department_id=dep.id,
        starts_at=data.starts_at,
        place=data.place.strip(),
        capacity=data.capacity,
        description=data.description,
        tasks=data.tasks,
    )
    session.add(row)
    session.flush()
    result = _public(session, actor, row, [])
    audit.record(
        session,
        actor=actor,
        action="lab.create",
        entity_type="lab_session",
        entity_id=row.id,
        after=result.model_dump(mode="json"),
    )
    return result


@requires(Permission.CONTENT_MODERATE)
def lab_hide(session: Session, *, actor: Actor, session_id: int, reason: str) -> None:
    """Moderators hide a session with a reason (kept in the audit log)."""
    reason = reason.strip()
    if len(reason) < 3:
        raise Invalid("Bitte nennen Sie einen Grund für das Ausblenden.", field="reason")
    row = _visible(session, session_id)
    row.hidden_at, row.hidden_reason = utcnow(), reason[:500]
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="lab.hide",
        entity_type="lab_session",
        entity_id=session_id,
        after={"reason": row.hidden_reason},
    )


def _signup(session: Session, session_id: int, user_id: int | None) -> LabSignup | None:
    return session.scalar(
        select(LabSignup).where(LabSignup.session_id == session_id, LabSignup.user_id == user_id)
    )


def _position(session: Session, signup: LabSignup) -> int | None:
    if signup.status != RegistrationStatus.WAITING:
        return None
    ahead = session.scalar(
        select(func.count()).where(
            LabSignup.session_id == signup.session_id,
            LabSignup.status == RegistrationStatus.WAITING,
            (LabSignup.created_at < signup.created_at)
            | ((LabSignup.created_at == signup.created_at) & (LabSignup.id < signup.id)),
        )
    )
    return int(ahead or 0) + 1


@requires(Permission.ACCOUNT_SELF)
def lab_signup(
    session: Session, *, actor: Actor, session_id: int, waiting_list: bool = True
) -> SignupPublic:
    """Sign the person up: a seat while seats are free; when full, the waiting list if
    ``waiting_list`` (else a clear refusal)."""
    row = _visible(session, session_id)
    if actor.user_id is None:
        raise Forbidden("Nur angemeldete Personen können sich anmelden.")
    if row.cancelled_at is not None:
        raise Conflict("Der Labortermin ist abgesagt; eine Anmeldung ist nicht möglich.")
    if row.starts_at < utcnow():
        raise Conflict("Der Labortermin hat schon stattgefunden; eine Anmeldung ist nicht möglich.")
    session.execute(update(LabSession).where(LabSession.id == row.id).values(id=LabSession.id))
    signup = _signup(session, row.id, actor.user_id)
    if signup is not None and signup.status != RegistrationStatus.CANCELLED:
        raise Conflict("Sie sind für diesen Labortermin bereits angemeldet.")
    status = seats.status_for_new(
        _count(session, row.id, RegistrationStatus.CONFIRMED), row.capacity
    )
    if status == RegistrationStatus.WAITING and not waiting_list:
        raise Conflict(
            f"Der Labortermin ist ausgebucht (alle {row.capacity} Plätze vergeben); "
            "Sie können sich auf die Warteliste setzen lassen."
        )
    if signup is None:
        signup = LabSignup(session_id=row.id, user_id=actor.user_id, status=status)
        session.add(signup)
    signup.status, signup.created_at = status, utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="lab.signup",
        entity_type="lab_session",
        entity_id=row.id,
        after={"user_id": actor.user_id, "status": status.value},
    )
    return SignupPublic(
        session_id=row.id, status=status, waiting_position=_position(session, signup)
    )


@requires(Permission.ACCOUNT_SELF)
def lab_signup_cancel(session: Session, *, actor: Actor, session_id: int) -> SignupPublic:
    """Withdraw; the first on the waiting list takes the freed seat."""
    row = _visible(session, session_id)
    session.execute(update(LabSession).where(LabSession.id == row.id).values(id=LabSession.id))
    signup = _signup(session, row.id, actor.user_id)
    if signup is None or signup.status == RegistrationStatus.CANCELLED:
        raise NotFound("Sie sind für diesen Labortermin nicht angemeldet.")
    before = signup.status.value
    signup.status = RegistrationStatus.CANCELLED
    session.flush()
    waiting = session.scalars(
        select(LabSignup)
        .where(LabSignup.session_id == row.id, LabSignup.status == RegistrationStatus.WAITING)
        .order_by(LabSignup.created_at, LabSignup.id)
    ).all()
    free = seats.free_seats(
        _count(session, row.id, RegistrationStatus.CONFIRMED), row.capacity, len(waiting)
    )
    moved = [w.user_id for w in waiting[:free]]
    for w in waiting[:free]:
        w.status = RegistrationStatus.CONFIRMED
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="lab.signup_cancel",
        entity_type="lab_session",
        entity_id=row.id,
        before={"user_id": actor.user_id, "status": before},
        after={"user_id": actor.user_id, "status": "cancelled", "moved_up": moved},
    )
    return SignupPublic(session_id=row.id, status=RegistrationStatus.CANCELLED)


@public("a person reads only their own sign-up")
def my_signup(session: Session, *, actor: Actor, session_id: int) -> SignupPublic | None:
    """The actor's live sign-up, or None."""
    if actor.user_id is None:
        return None
    signup = _signup(session, session_id, actor.user_id)
    if signup is None or signup.status == RegistrationStatus.CANCELLED:
        return None
    return SignupPublic(
        session_id=session_id, status=signup.status, waiting_position=_position(session, signup)
    )


@requires(Permission.FEEDBACK_WRITE)
def sus_submit(session: Session, *, actor: Actor, session_id: int, answers: object) -> SusResult:
    """Store one SUS questionnaire (ten answers 1..5) and return its score. A signed-in person
    has one questionnaire per session (answering again replaces it); the system (demo,
    operators entering paper questionnaires) adds anonymous ones."""
    row = _visible(session, session_id)
    problem = sus.answers_problem(answers)
    if problem:
        raise Invalid(problem, field="answers")
    values = [int(a) for a in answers]  # type: ignore[attr-defined]
    value = sus.score(values)
    existing = None
    if actor.user_id is not None:
        existing = session.scalar(
            select(SusResponse).where(
                SusResponse.session_id == row.id, SusResponse.user_id == actor.user_id
            )
        )
    before = None
    if existing is None:
        existing = SusResponse(
            session_id=row.id, user_id=actor.user_id, answers=values, score=value
        )
        session.add(existing)
    else:
        before = {"answers": existing.answers, "score": existing.score}
        existing.answers, existing.score, existing.created_at = values, value, utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="lab.sus_submit",
        entity_type="lab_session",
        entity_id=row.id,
        before=before,
        after={"response_id": existing.id, "answers": values, "score": value},
    )
    return SusResult(id=existing.id, session_id=row.id, score=value)
