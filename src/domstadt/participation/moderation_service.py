"""Moderation operations for every registered kind of user text (issue 10): anyone reports an
item, moderators see the queue, hide an item with a reason, unhide it or dismiss its reports;
authors see their hidden items and get a mail. Every decision is audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.models import Membership, MembershipState, User
from domstadt.core.auth.permissions import Actor, Permission, public, requires
from domstadt.core.db import utcnow
from domstadt.core.errors import Conflict, Invalid, NotFound, TooManyRequests
from domstadt.core.ids import ID_MAX
from domstadt.core.mail import Mailer
from domstadt.participation.moderation import kinds as _kinds  # noqa: F401  (registers kinds)
from domstadt.participation.moderation.models import ContentHidden, ContentReport
from domstadt.participation.moderation.registry import Item, Kind, kind_of
from domstadt.participation.moderation.schemas import (
    HiddenItem,
    ItemState,
    QueueEntry,
    ReportCreate,
    ReportPublic,
    ReportReceipt,
)

log = logging.getLogger("domstadt.moderation")

REPORTS_PER_HOUR = 10
"""Reports one client (address) may send per hour; anonymous reports are allowed."""
NOTICE = "Von der Moderation ausgeblendet: {reason}"
_KEY_SALT = "feedback-report"
"""Kept from the feedback-only reports, so reports copied by migration 0019 keep their keys."""


def _item(session: Session, kind: Kind, item_id: int) -> Item:
    item = kind.load(session, item_id) if 0 < item_id <= ID_MAX else None
    if item is None:
        raise NotFound(f"{kind.label} {item_id} (Art '{kind.name}') nicht gefunden.", field="id")
    return item


def _client_key(client: str) -> str:
    """A one-way key for a client address (the address itself is not stored)."""
    return hashlib.sha256(f"{_KEY_SALT}:{client}".encode()).hexdigest()


def _report_public(row: ContentReport) -> ReportPublic:
    return ReportPublic(
        id=row.id,
        kind=row.kind,
        item_id=row.item_id,
        reason=row.reason,
        comment=row.comment,
        created_at=row.created_at,
        resolution=row.resolution,
    )


def _throttle(session: Session, key: str) -> None:
    since = utcnow() - dt.timedelta(hours=1)
    recent = session.scalar(
        select(func.count())
        .select_from(ContentReport)
        .where(ContentReport.client_key == key, ContentReport.created_at >= since)
    )
    if (recent or 0) >= REPORTS_PER_HOUR:
        raise TooManyRequests(
            f"Höchstens {REPORTS_PER_HOUR} Meldungen pro Stunde und Adresse. Bitte versuchen "
            "Sie es später noch einmal."
        )


def _open_report(session: Session, kind: str, item_id: int, key: str) -> ContentReport | None:
    return session.scalar(
        select(ContentReport).where(
            ContentReport.kind == kind,
            ContentReport.item_id == item_id,
            ContentReport.open_key == key,
        )
    )


@public("anyone may ask moderators to look at a text; rate-limited per client address")
def report_create(
    session: Session, *, actor: Actor, data: ReportCreate, client: str
) -> ReportReceipt:
    """Report a visible item. Reporting the same item again from the same client while the
    first report is open is idempotent: the first report is returned (``already_reported``)."""
    kind = kind_of(data.kind)
    if _item(session, kind, data.id).hidden:
        raise NotFound(f"{kind.label} {data.id} (Art '{kind.name}') nicht gefunden.", field="id")
    key = _client_key(client)
    existing = _open_report(session, kind.name, data.id, key)
    if existing is not None:
        return ReportReceipt(**_report_public(existing).model_dump(), already_reported=True)
    _throttle(session, key)
    row = ContentReport(
        kind=kind.name,
        item_id=data.id,
        reason=data.reason,
        comment=data.comment.strip(),
        reporter_id=actor.user_id,
        client_key=key,
        open_key=key,
        created_at=utcnow(),
        resolution="",
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # a concurrent request of the same client won the race
        existing = _open_report(session, kind.name, data.id, key)
        if existing is None:
            raise
        return ReportReceipt(**_report_public(existing).model_dump(), already_reported=True)
    audit.record(
        session,
        actor=actor,
        action="moderation.report",
        entity_type=kind.entity_type,
        entity_id=data.id,
        after={"report_id": row.id, "reason": row.reason.value, "comment": row.comment},
    )
    return ReportReceipt(**_report_public(row).model_dump())


@requires(Permission.CONTENT_MODERATE)
def report_queue(session: Session, *, actor: Actor) -> list[QueueEntry]:
    """Items with open reports, most reported first, then oldest report first."""
    rows = session.scalars(
        select(ContentReport)
        .where(ContentReport.resolved_at.is_(None))
        .order_by(ContentReport.created_at, ContentReport.id)
    ).all()
    grouped: dict[tuple[str, int], list[ContentReport]] = {}
    for r in rows:
        grouped.setdefault((r.kind, r.item_id), []).append(r)
    entries: list[QueueEntry] = []
    for (name, item_id), reports in grouped.items():
        kind = kind_of(name)
        item = kind.load(session, item_id)
        if item is None:
            continue
        entries.append(
            QueueEntry(
                kind=name,
                kind_label=kind.label,
                item_id=item_id,
                title=item.title,
                text=item.text,
                url=item.url,
                hidden=item.hidden,
                reports=[_report_public(r) for r in reports],
            )
        )
    entries.sort(key=lambda e: (-len(e.reports), e.reports[0].created_at))
    return entries


def _resolve(session: Session, kind: str, item_id: int, resolution: str) -> int:
    reports = session.scalars(
        select(ContentReport).where(
            ContentReport.kind == kind,
            ContentReport.item_id == item_id,
            ContentReport.resolved_at.is_(None),
        )
    ).all()
    for r in reports:
        r.resolved_at, r.resolution, r.open_key = utcnow(), resolution, None
    session.flush()
    return len(reports)


def _recipients(session: Session, item: Item) -> list[str]:
    """E-mail addresses of the item's authors, or of its organisation's admins."""
    ids = set(item.owner_ids)
    if not ids and item.organisation_id is not None:
        ids = set(
            session.scalars(
                select(Membership.user_id).where(
                    Membership.organisation_id == item.organisation_id,
                    Membership.is_admin.is_(True),
                    Membership.state == MembershipState.ACCEPTED,
                )
            )
        )
    if not ids:
        return []
    rows = session.scalars(select(User.email).where(User.id.in_(ids), User.is_active.is_(True)))
    return sorted(rows)


def _notify(mailer: Mailer | None, to: list[str], subject: str, body: str) -> None:
    if mailer is None:
        return
    for address in to:
        try:
            mailer.send(to=address, subject=subject, body=body)
        except OSError:  # the decision stands; a lost mail is logged, not an error page
            log.exception("moderation mail to %s failed", address)


def _link(mailer: Mailer | None, url: str) -> str:
    return f"{mailer.settings.base_url.rstrip('/')}{url}" if mailer else url


@requires(Permission.CONTENT_MODERATE)
def item_hide(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    item_id: int,
    reason: str,
    mailer: Mailer | None = None,
) -> ItemState:
    """Hide an item from every public page, API and feed with a reason (required); its open
    reports are resolved, the author gets a mail with the reason."""
    entry = kind_of(kind)
    reason = " ".join(reason.split())
    if len(reason) < 3:
        raise Invalid(
            "Bitte geben Sie einen Grund für das Ausblenden an (mindestens 3 Zeichen); "
            "er wird der Autorin oder dem Autor gezeigt.",
            field="reason",
        )
    item = _item(session, entry, item_id)
    if item.hidden:
        raise Conflict(f"{entry.label} {item_id} ist bereits ausgeblendet.")
    entry.hide(session, item_id, reason[:500], actor.label)
    owner = item.owner_ids[0] if item.owner_ids else None
    session.add(
        ContentHidden(
            kind=entry.name,
            item_id=item_id,
            reason=reason[:500],
            hidden_by=actor.label[:400],
            hidden_at=utcnow(),
            owner_id=owner,
            organisation_id=item.organisation_id,
            title=item.title[:300],
            url=item.url[:500],
        )
    )
    resolved = _resolve(session, entry.name, item_id, "hidden")
    audit.record(
        session,
        actor=actor,
        action="moderation.hide",
        entity_type=entry.entity_type,
        entity_id=item_id,
        before={"title": item.title, "text": item.text},
        after={"hidden_reason": reason[:500], "reports_resolved": resolved},
    )
    _notify(
        mailer,
        _recipients(session, item),
        "Ihr Beitrag wurde von der Moderation ausgeblendet",
        f"Guten Tag,\n\nIhr Beitrag „{item.title}“ ({entry.label}) ist nicht mehr öffentlich "
        f"sichtbar.\n\n{NOTICE.format(reason=reason[:500])}\n\n{_link(mailer, item.url)}\n\n"
        "Wenn Sie die Entscheidung für falsch halten, antworten Sie bitte auf diese Nachricht.",
    )
    return ItemState(
        kind=entry.name,
        item_id=item_id,
        title=item.title,
        url=item.url,
        hidden=True,
        hidden_reason=reason[:500],
        reports_resolved=resolved,
    )


@requires(Permission.CONTENT_MODERATE)
def item_unhide(
    session: Session, *, actor: Actor, kind: str, item_id: int, mailer: Mailer | None = None
) -> ItemState:
    """Show a hidden item again; the author gets a mail."""
    entry = kind_of(kind)
    item = _item(session, entry, item_id)
    if not item.hidden:
        raise Conflict(f"{entry.label} {item_id} ist nicht ausgeblendet.")
    decision = session.scalar(
        select(ContentHidden).where(
            ContentHidden.kind == entry.name, ContentHidden.item_id == item_id
        )
    )
    before = {"hidden_reason": decision.reason if decision else ""}
    entry.unhide(session, item_id)
    if decision is not None:
        session.delete(decision)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="moderation.unhide",
        entity_type=entry.entity_type,
        entity_id=item_id,
        before=before,
        after={"hidden": False},
    )
    _notify(
        mailer,
        _recipients(session, item),
        "Ihr Beitrag ist wieder sichtbar",
        f"Guten Tag,\n\ndie Moderation hat Ihren Beitrag „{item.title}“ ({entry.label}) wieder "
        f"eingeblendet.\n\n{_link(mailer, item.url)}\n",
    )
    return ItemState(kind=entry.name, item_id=item_id, title=item.title, url=item.url, hidden=False)


@requires(Permission.CONTENT_MODERATE)
def reports_dismiss(session: Session, *, actor: Actor, kind: str, item_id: int) -> ItemState:
    """Close an item's open reports and keep it visible."""
    entry = kind_of(kind)
    item = _item(session, entry, item_id)
    resolved = _resolve(session, entry.name, item_id, "dismissed")
    if not resolved:
        raise Conflict(f"Zu {entry.label} {item_id} liegen keine offenen Meldungen vor.")
    audit.record(
        session,
        actor=actor,
        action="moderation.dismiss",
        entity_type=entry.entity_type,
        entity_id=item_id,
        after={"reports_resolved": resolved},
    )
    return ItemState(
        kind=entry.name,
        item_id=item_id,
        title=item.title,
        url=item.url,
        hidden=item.hidden,
        reports_resolved=resolved,
    )


def _hidden_items(rows: list[ContentHidden]) -> list[HiddenItem]:
    return [
        HiddenItem(
            kind=r.kind,
            kind_label=kind_of(r.kind).label,
            item_id=r.item_id,
            title=r.title,
            url=r.url,
            reason=r.reason,
            hidden_at=r.hidden_at,
            notice=NOTICE.format(reason=r.reason),
        )
        for r in rows
    ]


@requires(Permission.CONTENT_MODERATE)
def hidden_recent(session: Session, *, actor: Actor, limit: int = 100) -> list[HiddenItem]:
    """The most recently hidden items (to unhide one)."""
    rows = session.scalars(
        select(ContentHidden)
        .order_by(ContentHidden.hidden_at.desc(), ContentHidden.id.desc())
        .limit(limit)
    ).all()
    return _hidden_items(list(rows))


@requires(Permission.ACCOUNT_SELF)
def my_hidden(session: Session, *, actor: Actor) -> list[HiddenItem]:
    """The signed-in person's hidden items (own, or of an organisation they belong to), each
    with the notice "Von der Moderation ausgeblendet: <Grund>"."""
    if actor.user_id is None:
        return []
    mine = [ContentHidden.owner_id == actor.user_id]
    if actor.organisation_ids:
        mine.append(
            ContentHidden.owner_id.is_(None)
            & ContentHidden.organisation_id.in_(actor.organisation_ids)
        )
    rows = session.scalars(
        select(ContentHidden)
        .where(or_(*mine))
        .order_by(ContentHidden.hidden_at.desc(), ContentHidden.id.desc())
    ).all()
    return _hidden_items(list(rows))
