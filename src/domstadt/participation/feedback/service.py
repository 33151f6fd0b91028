"""Feedback operations (S1.1): comment and rate a measure, aggregate the voices per measure
and per field of action (companies vs citizens); reports and moderation of comments go through
the moderation engine (``moderation_service``, kind ``feedback``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.models import Organisation
from domstadt.core.auth.permissions import Actor, Permission, public, requires
from domstadt.core.db import utcnow
from domstadt.core.errors import Conflict, Forbidden, Invalid, NotFound
from domstadt.core.ids import ID_MAX
from domstadt.masterplan.models import FieldOfAction, Measure, measure_field
from domstadt.participation import moderation_service
from domstadt.participation.feedback.models import Feedback, ReportReason, Stance
from domstadt.participation.feedback.schemas import (
    FeedbackAggregate,
    FeedbackCreate,
    FeedbackPublic,
    FeedbackSummary,
    FieldFeedback,
    MeasureFeedback,
    OrganisationChoice,
    OrganisationVoice,
    QueueItem,
    ReportCreate,
    ReportPublic,
    VoiceAggregate,
)
from domstadt.participation.moderation import schemas as moderation_schemas

KIND = "feedback"
"""The kind of a comment in the moderation engine (``participation/moderation/kinds.py``)."""
_LEGACY_REASONS = {r.value: r for r in ReportReason}


def _public(row: Feedback) -> FeedbackPublic:
    return FeedbackPublic(
        id=row.id,
        measure_id=row.measure_id,
        author_name=row.author_name,
        organisation_id=row.organisation_id,
        organisation_name=row.organisation_name,
        voice="company" if row.organisation_id is not None else "citizen",
        relevance=row.relevance,
        stance=row.stance,
        comment=row.comment,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _measure(session: Session, measure_id: int) -> Measure:
    m = session.get(Measure, measure_id)
    if m is None:
        raise NotFound(f"Maßnahme {measure_id} nicht gefunden.")
    return m


def _visible() -> ColumnElement[bool]:
    return Feedback.hidden_at.is_(None)


def _aggregate(rows: Iterable[Sequence[Any]]) -> FeedbackAggregate:
    """Rows of (is_company, stance, count, relevance sum) into the three groups."""
    result = FeedbackAggregate()
    sums = {"all": 0, "companies": 0, "citizens": 0}
    for is_company, stance, count, total in rows:
        for name in ("all", "companies" if is_company else "citizens"):
            group: VoiceAggregate = getattr(result, name)
            group.count += count
            group.stance[Stance(stance)] += count
            sums[name] += int(total or 0)
    for name, total in sums.items():
        group = getattr(result, name)
        group.mean_relevance = round(total / group.count, 2) if group.count else None
    return result


def _grouped(session: Session, *where: ColumnElement[bool], by: Any = None) -> list[Any]:
    is_company = Feedback.organisation_id.is_not(None)
    columns = [is_company, Feedback.stance, func.count(), func.sum(Feedback.relevance)]
    group = [is_company, Feedback.stance]
    if by is not None:
        columns.insert(0, by)
        group.insert(0, by)
    stmt = select(*columns).where(_visible(), *where).group_by(*group)
    return list(session.execute(stmt).all())


@public("feedback on measures is published with its author (S1.1)")
def feedback_for_measure(session: Session, *, actor: Actor, measure_id: int) -> MeasureFeedback:
    """The measure's visible comments, newest first, and their aggregate."""
    _measure(session, measure_id)
    rows = session.scalars(
        select(Feedback)
        .where(Feedback.measure_id == measure_id, _visible())
        .order_by(Feedback.updated_at.desc(), Feedback.id.desc())
    ).all()
    aggregate = _aggregate(_grouped(session, Feedback.measure_id == measure_id))
    return MeasureFeedback(
        measure_id=measure_id, aggregate=aggregate, items=[_public(r) for r in rows]
    )


@public("aggregated feedback per field of action is published (S1.1)")
def feedback_summary(
    session: Session, *, actor: Actor, field_slug: str | None = None
) -> FeedbackSummary:
    """Aggregates per field of action (only ``field_slug`` when given) and their total."""
    stmt = select(FieldOfAction).order_by(FieldOfAction.position)
    if field_slug:
        stmt = stmt.where(FieldOfAction.slug == field_slug)
    fields = session.scalars(stmt).all()
    if field_slug and not fields:
        raise NotFound(f"Handlungsfeld '{field_slug}' nicht gefunden.", field="field")
    field_ids = [f.id for f in fields]
    in_fields = Feedback.measure_id.in_(
        select(measure_field.c.measure_id).where(measure_field.c.field_of_action_id.in_(field_ids))
    )
    total = _aggregate(_grouped(session, in_fields))
    per_field: dict[int, list[Any]] = {i: [] for i in field_ids}
    joined = _grouped(
        session,
        measure_field.c.measure_id == Feedback.measure_id,
        measure_field.c.field_of_action_id.in_(field_ids),
        by=measure_field.c.field_of_action_id,
    )
    for field_id, *rest in joined:
        per_field[field_id].append(rest)
    counts: dict[int, int] = dict(
        session.execute(
            select(measure_field.c.field_of_action_id, func.count())
            .where(measure_field.c.field_of_action_id.in_(field_ids))
            .group_by(measure_field.c.field_of_action_id)
        ).all()
    )
    return FeedbackSummary(
        total=total,
        fields=[
            FieldFeedback(
                field=f.slug,
                name=f.name,
                measures=counts.get(f.id, 0),
                aggregate=_aggregate(per_field[f.id]),
            )
            for f in fields
        ],
    )


@public("visible feedback is public; it names organisations, never e-mail addresses")
def feedback_for_organisation(
    session: Session, *, actor: Actor, organisation_id: int, limit: int = 100
) -> list[OrganisationVoice]:
    """The visible voices an organisation gave, newest first (for its public page)."""
    rows = session.execute(
        select(Feedback, Measure.code, Measure.title)
        .join(Measure, Measure.id == Feedback.measure_id)
        .where(Feedback.organisation_id == organisation_id, _visible())
        .order_by(Feedback.updated_at.desc(), Feedback.id.desc())
        .limit(limit)
    ).all()
    return [
        OrganisationVoice(feedback=_public(row), measure_code=code, measure_title=title)
        for row, code, title in rows
    ]


@public("lists only the acting person's own verified organisations (none when anonymous)")
def speaking_options(session: Session, *, actor: Actor) -> list[OrganisationChoice]:
    """The verified organisations the actor may speak for, by name."""
    if not actor.organisation_ids:
        return []
    rows = session.scalars(
        select(Organisation)
        .where(Organisation.id.in_(actor.organisation_ids), Organisation.verified.is_(True))
        .order_by(Organisation.name)
    )
    return [OrganisationChoice(id=o.id, name=o.name) for o in rows]


def _speaking_for(session: Session, actor: Actor, organisation_id: int | None) -> str:
    """The organisation's name when the actor may speak for it; '' for a personal voice."""
    if organisation_id is None:
        return ""
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise Invalid(f"Organisation {organisation_id} gibt es nicht.", field="organisation_id")
    if organisation_id not in actor.organisation_ids and not actor.is_system:
        raise Forbidden(
            f"Sie sind nicht Mitglied von {org.name} und können nicht für sie sprechen.",
        )
    if not org.verified:
        raise Invalid(
            f"{org.name} ist noch nicht verifiziert. Nur verifizierte Organisationen können "
            "Stellungnahmen abgeben; bis dahin äußern Sie sich bitte persönlich.",
            field="organisation_id",
        )
    return org.name


@requires(Permission.FEEDBACK_WRITE)
def feedback_submit(
    session: Session, *, actor: Actor, measure_id: int, data: FeedbackCreate
) -> FeedbackPublic:
    """Comment on and rate a measure, personally or for a verified organisation one belongs
    to. A person's earlier visible voice (same organisation or personal) is replaced."""
    if actor.user_id is None:
        raise Forbidden("Feedback geben nur angemeldete Personen mit einem Konto.")
    _measure(session, measure_id)
    org_name = _speaking_for(session, actor, data.organisation_id)
    row = session.scalar(
        select(Feedback).where(
            Feedback.measure_id == measure_id,
            Feedback.user_id == actor.user_id,
            Feedback.organisation_id.is_(None)
            if data.organisation_id is None
            else Feedback.organisation_id == data.organisation_id,
            _visible(),
        )
    )
    before = _public(row) if row else None
    now = utcnow()
    if row is None:
        row = Feedback(
            measure_id=measure_id, user_id=actor.user_id, created_at=now, hidden_reason=""
        )
        session.add(row)
    row.author_name = actor.name
    row.organisation_id = data.organisation_id
    row.organisation_name = org_name
    row.relevance = data.relevance
    row.stance = data.stance
    row.comment = data.comment
    row.updated_at = now
    session.flush()
    result = _public(row)
    audit.record(
        session,
        actor=actor,
        action="feedback.update" if before else "feedback.create",
        entity_type="measure_feedback",
        entity_id=row.id,
        before=before,
        after=result,
    )
    return result


def _visible_feedback(session: Session, feedback_id: int) -> Feedback:
    row = session.get(Feedback, feedback_id)
    if row is None or row.hidden_at is not None:
        raise NotFound(f"Beitrag {feedback_id} nicht gefunden.")
    return row


@public("anyone may ask moderators to look at a comment; rate-limited per client address")
def feedback_report(
    session: Session, *, actor: Actor, feedback_id: int, data: ReportCreate, client: str
) -> None:
    """Report a visible comment through the moderation engine (kind ``feedback``). Unlike the
    engine's own API, reporting the same comment again while open is refused here (409)."""
    if not 1 <= feedback_id <= ID_MAX:  # no comment has such an id (64-bit ids)
        raise NotFound(f"Rückmeldung {feedback_id} nicht gefunden.")
    receipt = moderation_service.report_create(
        session,
        actor=actor,
        data=moderation_schemas.ReportCreate(
            kind=KIND, id=feedback_id, reason=data.reason.value, comment=data.note
        ),
        client=client,
    )
    if receipt.already_reported:
        raise Conflict("Sie haben diesen Beitrag bereits gemeldet; die Moderation prüft ihn.")


@requires(Permission.CONTENT_MODERATE)
def moderation_queue(session: Session, *, actor: Actor) -> list[QueueItem]:
    """Visible comments with open reports, most reported first (the feedback part of the
    moderation engine's queue, in the shape of /api/v1/moderation/feedback)."""
    items: list[QueueItem] = []
    for entry in moderation_service.report_queue(session, actor=actor):
        row = session.get(Feedback, entry.item_id)
        if entry.kind != KIND or entry.hidden or row is None:
            continue
        m = _measure(session, row.measure_id)
        items.append(
            QueueItem(
                feedback=_public(row),
                measure_code=m.code,
                measure_title=m.title,
                reports=[
                    ReportPublic(
                        reason=_LEGACY_REASONS.get(r.reason.value, ReportReason.OTHER),
                        note=r.comment,
                        created_at=r.created_at,
                    )
                    for r in entry.reports
                ],
            )
        )
    return items


@requires(Permission.CONTENT_MODERATE)
def feedback_hide(session: Session, *, actor: Actor, feedback_id: int, reason: str) -> None:
    """Hide a comment from the public with a reason (through the moderation engine)."""
    _visible_feedback(session, feedback_id)
    moderation_service.item_hide(
        session, actor=actor, kind=KIND, item_id=feedback_id, reason=reason
    )


@requires(Permission.CONTENT_MODERATE)
def reports_dismiss(session: Session, *, actor: Actor, feedback_id: int) -> None:
    """Close a comment's open reports and keep it visible (through the moderation engine)."""
    _visible_feedback(session, feedback_id)
    moderation_service.reports_dismiss(session, actor=actor, kind=KIND, item_id=feedback_id)


@requires(Permission.ACCOUNT_SELF)
def my_feedback(session: Session, *, actor: Actor) -> list[dict[str, Any]]:
    """All feedback the signed-in person wrote (also hidden), newest first: for /konto and
    the GDPR export."""
    rows = session.scalars(
        select(Feedback)
        .where(Feedback.user_id == actor.user_id)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
    )
    return [_public(r).model_dump(mode="json") | {"hidden": r.hidden_at is not None} for r in rows]


@requires(Permission.ACCOUNT_SELF)
def my_feedback_anonymise(session: Session, *, actor: Actor, author_name: str) -> int:
    """On account deletion: my feedback stays, its author shown as ``author_name``."""
    rows = session.scalars(select(Feedback).where(Feedback.user_id == actor.user_id)).all()
    for row in rows:
        row.author_name = author_name
    return len(rows)
