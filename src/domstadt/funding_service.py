"""Operations of the funding radar (issue 11): list and read programmes, import files and
feeds (per-row report, change history), city programmes with digital criteria (S3.3).

Engine: ``domstadt.funding`` (reading, mapping, rows, feeds, matching); matching operations:
``funding_match_service``. Every write is permission-checked and audited.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth import directory_service
from domstadt.core.auth.permissions import (
    Actor,
    Permission,
    check_department,
    public,
    requires,
)
from domstadt.core.db import utcnow
from domstadt.core.errors import Conflict, Invalid, NotFound
from domstadt.core.outbound import OutboundClient, OutboundError, OutboundPolicy
from domstadt.core.weburl import is_web_url
from domstadt.funding import fdb, feeds, mapping, store
from domstadt.funding.models import FundingFeed
from domstadt.funding.rows import ProgrammeData, RowRefused, programme
from domstadt.funding.schemas import (
    CityProgrammeCreate,
    DigitalCriteriaUpdate,
    FeedCreate,
    FeedPublic,
    ImportReport,
    ProgrammeFilter,
    ProgrammeList,
    ProgrammePublic,
)
from domstadt.funding.tables import Table, read_table

FEED_MAX_BYTES = 5 * 1024 * 1024
FEED_SECONDS = 30.0
USER_AGENT = "Domstadt-Foerderradar/1.0"


@public("funding programmes are public information")
def programme_list(session: Session, *, actor: Actor, filters: ProgrammeFilter) -> ProgrammeList:
    """Programmes matching ``filters`` (full text over title, provider, description and
    topics; level; today's status; topic), soonest deadline first."""
    day = store.today()
    count, rows = store.page(session, filters, day)
    return ProgrammeList(count=count, items=[store.summary(r, day) for r in rows])


@public("funding programmes are public information")
def programme_get(session: Session, *, actor: Actor, programme_id: int) -> ProgrammePublic:
    """One programme with its change history."""
    return store.public(session, store.get(session, programme_id), store.today())


@requires(Permission.CONTENT_EDIT)
def import_file(
    session: Session,
    *,
    actor: Actor,
    content: bytes,
    filename: str,
    source: str,
    mapping_text: str | None = None,
    defaults: dict[str, Any] | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import programmes from a CSV, XLSX or JSON file: each row is added, changed (the old
    state kept as a version), unchanged or refused with the reason. A per-file problem
    (format, encoding, mapping, columns) raises Invalid before anything is written;
    ``dry_run`` reports without writing. Matched by ``source`` + external id."""
    source = _source_name(source)
    explicit = mapping.parse_mapping(mapping_text) if mapping_text is not None else None
    table = read_table(content, filename)
    column_map = mapping.resolve(table.columns, explicit)
    raws = _raw_rows(table, column_map)
    report = ImportReport(
        source=source, how=column_map.how, dry_run=dry_run, unused_columns=column_map.unused
    )
    _apply(session, actor, source, raws, defaults or {}, report, first_row=2)
    return report


def _raw_rows(table: Table, column_map: mapping.ColumnMap) -> list[dict[str, Any]]:
    if column_map.how == "foerderdatenbank":
        return [fdb.raw_fields(record) for record in table.rows]
    return [mapping.extract(record, column_map) for record in table.rows]


def _source_name(source: str) -> str:
    name = source.strip()
    if not name or len(name) > 100:
        raise Invalid("Die Quelle (--source) muss 1 bis 100 Zeichen lang sein.", field="source")
    return name


def _apply(
    session: Session,
    actor: Actor,
    source: str,
    raws: list[dict[str, Any]],
    defaults: dict[str, Any],
    report: ImportReport,
    first_row: int,
) -> None:
    """Read every row, then write (unless a dry run) and audit the import as one entry."""
    known = store.existing(session, source)
    seen: dict[str, int] = {}
    planned: list[tuple[int, ProgrammeData, str]] = []
    for number, raw in enumerate(raws, start=first_row):
        try:
            data = programme(raw, defaults)
        except RowRefused as exc:
            report.record(number, "refused", str(raw.get("title") or "")[:200], reason=str(exc))
            continue
        if data.external_id in seen:
            report.record(number, "refused", data.title, data.external_id,
                     f"doppelt: dieselbe Kennung wie Zeile {seen[data.external_id]}")  # fmt: skip
            continue
        seen[data.external_id] = number
        planned.append((number, data, data.content_hash()))
    new: list[tuple[ProgrammeData, str]] = []
    same: list[int] = []
    for number, data, content_hash in planned:
        found = known.get(data.external_id)
        if found is None:
            report.record(number, "added", data.title, data.external_id)
            new.append((data, content_hash))
        elif found[1] == content_hash:
            report.record(number, "unchanged", data.title, data.external_id)
            same.append(found[0])
        else:
            report.record(number, "changed", data.title, data.external_id)
            if not report.dry_run:
                row = store.get(session, found[0])
                store.change(session, row, data, content_hash, by=f"{source} ({actor.label})")
    if not report.dry_run:
        store.add_many(session, source, new)
        store.touch(session, same)
        audit.record(
            session, actor=actor, action="funding.import", entity_type="funding_import",
            entity_id=source, after=report.model_dump(exclude={"rows"}),
        )  # fmt: skip


@requires(Permission.CONTENT_EDIT)
def city_programme_create(
    session: Session, *, actor: Actor, data: CityProgrammeCreate
) -> ProgrammePublic:
    """Create a city programme (level Köln) owned by ``department_code``; only that
    department's editors (and admins) may."""
    department = directory_service.department_get(session, actor=actor, code=data.department_code)
    check_department(actor, department.id)
    if data.url and not is_web_url(data.url):
        raise Invalid("Die Adresse muss eine http(s)-URL sein.", field="url")
    if data.call_open and data.call_close and data.call_close < data.call_open:
        raise Invalid("Die Frist liegt vor dem Beginn.", field="call_close")
    raw = data.model_dump(exclude={"department_code", "digital_criteria"})
    item = ProgrammeData(
        external_id=f"{department.code}:{data.title}"[:300], level="kommune",
        provider=f"Stadt Köln, {department.name}", region="Köln",
        **{k: v for k, v in raw.items() if v not in (None, "")},
    )  # fmt: skip
    source = "stadt-koeln"
    if store.existing(session, source).get(item.external_id) is not None:
        raise Conflict("Dieses Amt hat schon ein Programm mit diesem Titel.", field="title")
    row = store.add(session, source, item, item.content_hash())
    row.department_id = department.id
    row.digital_criteria = _tags(data.digital_criteria)
    audit.record(
        session, actor=actor, action="funding.city_programme_create",
        entity_type="funding_programme", entity_id=row.id, after=item.content(),
    )  # fmt: skip
    return store.public(session, row, store.today())


def _tags(tags: list[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in tags:
        text = " ".join(tag.split())[:60]
        if text and text.casefold() not in {t.casefold() for t in cleaned}:
            cleaned.append(text)
    return cleaned


@requires(Permission.CONTENT_EDIT)
def digital_criteria_update(
    session: Session, *, actor: Actor, programme_id: int, data: DigitalCriteriaUpdate
) -> ProgrammePublic:
    """Replace the digital criteria tags of a city programme; only its department edits."""
    row = store.get(session, programme_id)
    if row.department_id is None:
        raise Invalid(
            "Digitale Kriterien gibt es nur bei Programmen der Stadt.", field="digital_criteria"
        )
    check_department(actor, row.department_id)
    before = list(row.digital_criteria or [])
    row.digital_criteria = _tags(data.digital_criteria)
    row.updated_at = utcnow()
    audit.record(
        session, actor=actor, action="funding.digital_criteria", entity_type="funding_programme",
        entity_id=row.id, before=before, after=row.digital_criteria,
    )  # fmt: skip
    return store.public(session, row, store.today())


@requires(Permission.CONTENT_EDIT)
def feed_create(session: Session, *, actor: Actor, data: FeedCreate) -> FeedPublic:
    """Register an RSS/Atom feed of funding news (polled by ``feeds_poll``)."""
    if not is_web_url(data.url):
        raise Invalid("Die Adresse des Feeds muss eine http(s)-URL sein.", field="url")
    if session.scalar(select(FundingFeed.id).where(FundingFeed.name == data.name)):
        raise Conflict(f"Es gibt schon einen Feed namens „{data.name}“.", field="name")
    row = FundingFeed(**data.model_dump(), created_at=utcnow())
    session.add(row)
    session.flush()
    audit.record(
        session, actor=actor, action="funding.feed_create", entity_type="funding_feed",
        entity_id=row.id, after=data.model_dump(),
    )  # fmt: skip
    return FeedPublic.model_validate(row, from_attributes=True)


@public("the list of polled feeds is public, like the programmes they bring")
def feed_list(session: Session, *, actor: Actor) -> list[FeedPublic]:
    """Every feed with its last poll."""
    rows = session.scalars(select(FundingFeed).order_by(FundingFeed.name))
    return [FeedPublic.model_validate(r, from_attributes=True) for r in rows]


@requires(Permission.CONTENT_EDIT)
def feeds_poll(
    session: Session, *, actor: Actor, outbound: OutboundPolicy, name: str | None = None
) -> dict[str, ImportReport | str]:
    """Fetch every feed (or the one named) through the outbound guard and import its items
    as programmes of source ``feed:<name>``; a feed that fails is recorded with the reason
    and the others go on. Returns each feed's report or error text."""
    query = select(FundingFeed).order_by(FundingFeed.name)
    if name is not None:
        query = query.where(FundingFeed.name == name)
    found = list(session.scalars(query))
    if name is not None and not found:
        raise NotFound(f"Es gibt keinen Feed namens „{name}“.")
    results: dict[str, ImportReport | str] = {}
    with OutboundClient(outbound, user_agent=USER_AGENT) as client:
        for feed in found:
            results[feed.name] = _poll_one(session, actor, client, feed)
    return results


def _poll_one(
    session: Session, actor: Actor, client: OutboundClient, feed: FundingFeed
) -> ImportReport | str:
    feed.last_polled_at = utcnow()
    try:
        reply = client.request(
            "GET", feed.url, max_bytes=FEED_MAX_BYTES, seconds=FEED_SECONDS, follow_redirects=True
        )
        if reply.status != 200:
            raise Invalid(f"Der Feed antwortet mit HTTP {reply.status}.", field="url")
        items = feeds.parse_feed(reply.content)
    except (OutboundError, Invalid) as exc:
        feed.last_result = str(exc)[:500]
        return feed.last_result
    report = ImportReport(source=f"feed:{feed.name}", how="feed", dry_run=False)
    defaults = {"level": feed.level, "provider": feed.provider}
    with session.begin_nested():
        _apply(session, actor, report.source, items, defaults, report, first_row=1)
    feed.last_result = (
        f"{report.added} neu, {report.changed} geändert, {report.unchanged} unverändert, "
        f"{report.refused} abgelehnt"
    )
    return report
