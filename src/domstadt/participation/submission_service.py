"""Submission operations: write a draft or submit it (before the deadline), attach files,
read, show similar earlier entries on submit, set the jury's status, and moderation."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.models import Organisation
from domstadt.core.auth.permissions import (
    Actor,
    Permission,
    check_department,
    public,
    requires,
)
from domstadt.core.db import utcnow
from domstadt.core.errors import Conflict, Forbidden, Invalid, NotFound
from domstadt.core.mail import Mailer
from domstadt.core.text import upsert_text
from domstadt.core.text.models import TextEmbedding
from domstadt.core.text.similarity import similar
from domstadt.participation import moderation_service
from domstadt.participation.challenges import files, jury, store
from domstadt.participation.challenges.models import Attachment, Submission, SubmissionStatus
from domstadt.participation.challenges.phases import Phase
from domstadt.participation.challenges.schemas import (
    AttachmentPublic,
    SimilarItem,
    SubmissionCreate,
    SubmissionPublic,
)

KIND = "challenge_submission"
"""Kind of a submission's text in the core similarity store."""
SIMILAR_KINDS = {KIND: "/wettbewerbe/beitraege/{}", "initiative": "/initiativen/{}"}
MAX_ATTACHMENTS = 10


def _deadline_passed(deadline_text: str) -> Conflict:
    return Conflict(
        f"Die Einreichungsfrist ist am {deadline_text} (UTC) abgelaufen; "
        "Beiträge werden nicht mehr angenommen."
    )


def _check_open(challenge_phase: Phase, deadline_text: str) -> None:
    if challenge_phase == Phase.ANNOUNCEMENT:
        raise Conflict("Die Einreichungsphase hat noch nicht begonnen.")
    if challenge_phase != Phase.SUBMISSION:
        raise _deadline_passed(deadline_text)


def _organisation_name(session: Session, actor: Actor, organisation_id: int | None) -> str:
    if organisation_id is None:
        return ""
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise Invalid(f"Organisation {organisation_id} gibt es nicht.", field="organisation_id")
    if organisation_id not in actor.organisation_ids:
        raise Forbidden(
            f"Sie sind nicht Mitglied von {org.name} und können nicht für sie einreichen."
        )
    return org.name


def _similar(session: Session, sub: Submission) -> list[SimilarItem]:
    hits = similar(
        session,
        f"{sub.title}\n{sub.summary}",
        kinds=list(SIMILAR_KINDS),
        limit=5,
        exclude=[(KIND, sub.id)],
    )
    return [
        SimilarItem(
            kind=h.kind,
            id=h.entity_id,
            title="",
            score=round(h.score, 3),
            url=SIMILAR_KINDS[h.kind].format(h.entity_id),
        )
        for h in hits
        if h.score >= 0.3
    ]


def _titles(session: Session, items: list[SimilarItem]) -> list[SimilarItem]:
    for item in items:
        text = session.scalar(
            select(TextEmbedding.text)
            .where(TextEmbedding.kind == item.kind, TextEmbedding.entity_id == item.id)
            .limit(1)
        )
        item.title = (text or "").split("\n", 1)[0][:300]
    return items


def _submit(session: Session, actor: Actor, sub: Submission) -> list[SimilarItem]:
    row = store.get_challenge(session, sub.challenge_id)
    _check_open(store.phase_of(row), f"{row.review_opens:%d.%m.%Y %H:%M}")
    found = _titles(session, _similar(session, sub))
    sub.status = SubmissionStatus.SUBMITTED
    sub.submitted_at = utcnow()
    upsert_text(session, kind=KIND, entity_id=sub.id, text=f"{sub.title}\n{sub.summary}")
    return found


@requires(Permission.FEEDBACK_WRITE)
def submission_create(
    session: Session, *, actor: Actor, challenge_id: int, data: SubmissionCreate
) -> SubmissionPublic:
    """A signed-in person writes a submission (for an organisation they belong to, if
    given); ``submit`` hands it in at once, else it stays a draft."""
    if actor.user_id is None:
        raise Forbidden("Einreichen können nur angemeldete Personen mit einem Konto.")
    row = store.get_challenge(session, challenge_id)
    _check_open(store.phase_of(row), f"{row.review_opens:%d.%m.%Y %H:%M}")
    sub = Submission(
        challenge_id=challenge_id,
        user_id=actor.user_id,
        author_name=actor.name,
        organisation_id=data.organisation_id,
        organisation_name=_organisation_name(session, actor, data.organisation_id),
        title=data.title.strip(),
        summary=data.summary.strip(),
        status=SubmissionStatus.DRAFT,
        created_at=utcnow(),
        hidden_reason="",
        hidden_by="",
    )
    session.add(sub)
    session.flush()
    found = _submit(session, actor, sub) if data.submit else []
    session.flush()
    result = store.submission_public(session, sub)
    result.similar = found
    audit.record(
        session,
        actor=actor,
        action="submission.create",
        entity_type="challenge_submission",
        entity_id=sub.id,
        after=result,
    )
    return result


def _own(session: Session, actor: Actor, submission_id: int) -> Submission:
    sub = store.get_submission(session, submission_id)
    if sub.user_id != actor.user_id or actor.user_id is None:
        raise Forbidden("Nur die einreichende Person kann ihren Beitrag ändern.")
    return sub


@requires(Permission.FEEDBACK_WRITE)
def submission_submit(session: Session, *, actor: Actor, submission_id: int) -> SubmissionPublic:
    """Hand in one's draft (before the submission deadline); shows similar earlier entries."""
    sub = _own(session, actor, submission_id)
    if sub.status != SubmissionStatus.DRAFT:
        raise Conflict("Dieser Beitrag ist schon eingereicht.")
    found = _submit(session, actor, sub)
    session.flush()
    result = store.submission_public(session, sub)
    result.similar = found
    audit.record(
        session,
        actor=actor,
        action="submission.submit",
        entity_type="challenge_submission",
        entity_id=sub.id,
        after={"status": sub.status.value},
    )
    return result


@requires(Permission.FEEDBACK_WRITE)
def attachment_add(
    session: Session, *, actor: Actor, submission_id: int, filename: str, content: bytes
) -> AttachmentPublic:
    """Attach a PDF, PNG or JPEG to one's submission while submission is open; the content
    must be what the name says (checked by its first bytes)."""
    sub = _own(session, actor, submission_id)
    row = store.get_challenge(session, sub.challenge_id)
    _check_open(store.phase_of(row), f"{row.review_opens:%d.%m.%Y %H:%M}")
    media_type = files.checked_type(filename, content)
    count = len(store.submission_public(session, sub).attachments)
    if count >= MAX_ATTACHMENTS:
        raise Conflict(f"Ein Beitrag hat höchstens {MAX_ATTACHMENTS} Anhänge.")
    att = Attachment(
        submission_id=sub.id,
        filename=files.safe_name(filename),
        media_type=media_type,
        size=len(content),
        content=content,
        created_at=utcnow(),
    )
    session.add(att)
    session.flush()
    result = AttachmentPublic(
        id=att.id,
        filename=att.filename,
        media_type=att.media_type,
        size=att.size,
        url=f"/wettbewerbe/anhaenge/{att.id}",
    )
    audit.record(
        session,
        actor=actor,
        action="submission.attach",
        entity_type="challenge_submission",
        entity_id=sub.id,
        after=result,
    )
    return result


@public("attachments of submitted, visible entries are public; drafts only to their author")
def attachment_get(session: Session, *, actor: Actor, attachment_id: int) -> tuple[str, str, bytes]:
    """(file name, media type, content) of an attachment."""
    att = session.get(Attachment, attachment_id)
    sub = session.get(Submission, att.submission_id) if att else None
    hidden = sub is None or sub.hidden_at is not None
    draft = (
        sub is not None and sub.status == SubmissionStatus.DRAFT and sub.user_id != actor.user_id
    )
    if att is None or hidden or draft:
        raise NotFound(f"Anhang {attachment_id} nicht gefunden.")
    return att.filename, att.media_type, att.content


@public("submitted entries are public; a draft only to its author")
def submission_get(session: Session, *, actor: Actor, submission_id: int) -> SubmissionPublic:
    """One submission with its attachments."""
    sub = store.get_submission(session, submission_id)
    if sub.status == SubmissionStatus.DRAFT and (
        actor.user_id is None or sub.user_id != actor.user_id
    ):
        raise NotFound(f"Beitrag {submission_id} nicht gefunden.")
    return store.submission_public(session, sub)


@requires(Permission.CONTENT_EDIT)
def submission_set_status(
    session: Session, *, actor: Actor, submission_id: int, status: SubmissionStatus
) -> SubmissionPublic:
    """The owner department records the jury's decision (after the submission deadline)."""
    sub = store.get_submission(session, submission_id)
    row = store.get_challenge(session, sub.challenge_id)
    check_department(actor, row.department_id)
    if store.phase_of(row) in {Phase.ANNOUNCEMENT, Phase.SUBMISSION}:
        raise Conflict("Über Beiträge wird erst nach der Einreichungsfrist entschieden.")
    if sub.status == SubmissionStatus.DRAFT or status == SubmissionStatus.DRAFT:
        raise Conflict("Entwürfe nehmen am Wettbewerb nicht teil.")
    jury.record_decision(
        session,
        actor=actor,
        row=sub,
        status=status,
        entity_type="challenge_submission",
        action="submission.status",
    )
    return store.submission_public(session, sub)


@requires(Permission.CONTENT_MODERATE)
def submission_hide(
    session: Session,
    *,
    actor: Actor,
    submission_id: int,
    reason: str,
    mailer: Mailer | None = None,
) -> None:
    """Hide a submission's text and files with a reason, through the moderation engine (it
    stays stored, leaves the similarity store, is audited; the author gets a mail)."""
    store.get_submission(session, submission_id)
    moderation_service.item_hide(
        session, actor=actor, kind=KIND, item_id=submission_id, reason=reason, mailer=mailer
    )
