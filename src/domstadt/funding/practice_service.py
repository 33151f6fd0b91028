"""Operations of the best-practice library (issue 11, S2.2): list and read practices, import
files (per-row report as the funding radar's), rate practices by named criteria, the
practices most like a measure, and the pool the AI screening's similar-case lookup reads.

Engine: ``domstadt.funding.practices`` (reading reuses the funding radar's ``tables``,
``values`` and ``mapping``). Every write is permission-checked and audited.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, public, requires
from domstadt.core.db import utcnow
from domstadt.core.errors import Invalid, Unauthenticated
from domstadt.funding import mapping
from domstadt.funding.practices import similarity, store, vocab
from domstadt.funding.practices.models import PracticeRating
from domstadt.funding.practices.rows import PracticeData, RowRefused, practice
from domstadt.funding.practices.schemas import (
    PracticeFilter,
    PracticeList,
    PracticePublic,
    RatingInput,
    RatingPublic,
    ScreeningCase,
    SimilarList,
    SimilarPractice,
)
from domstadt.funding.schemas import ImportReport
from domstadt.funding.tables import read_table
from domstadt.masterplan import measure_read_service

REFERENCE_SOURCE = "reference_cases"
REFERENCE_MAPPING = {
    "external_id": "id", "title": "title", "solution": "description", "technology": "technique",
    "topics": "domain", "city": "place", "country": "country", "outcome": "outcome",
}  # fmt: skip
"""How the AI screening's reference cases (its ``data/reference_cases.json``) read as
practices."""
REFERENCE_LICENCE = (
    "Domstadt-Demo: für die KI-Prüfung geschrieben (realistisch, keine reale Quelle)"
)
"""What the library says of the reference cases' origin (docs/data-sources.md)."""


@public("the best-practice library is public information")
def practice_list(session: Session, *, actor: Actor, filters: PracticeFilter) -> PracticeList:
    """Practices matching ``filters`` (full text, technology, status, city), title order."""
    count, rows = store.page(session, filters)
    return PracticeList(count=count, items=[store.summary(r) for r in rows])


@public("the best-practice library is public information")
def practice_get(session: Session, *, actor: Actor, practice_id: int) -> PracticePublic:
    """One practice with its ratings and their aggregate per criterion."""
    return store.public(session, store.get(session, practice_id))


@public("the technologies named in the public library")
def technologies(session: Session, *, actor: Actor) -> list[str]:
    """Every technology the library names (the list filter's choices)."""
    return store.technologies(session)


@requires(Permission.PRACTICES_EDIT)
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
    """Import practices from a CSV, XLSX or JSON file: each row is added, changed, unchanged
    or refused with the reason; matched by ``source`` + external id, compared by content
    hash. A per-file problem raises Invalid before anything is written; ``dry_run`` reports
    without writing."""
    source = source.strip()
    if not source or len(source) > 100:
        raise Invalid("Die Quelle (--source) muss 1 bis 100 Zeichen lang sein.", field="source")
    explicit = (
        mapping.parse_mapping(mapping_text, vocab.FIELDS) if mapping_text is not None else None
    )
    table = read_table(content, filename)
    column_map = mapping.resolve(table.columns, explicit, headers=vocab.HEADERS)
    report = ImportReport(
        source=source, how=column_map.how, dry_run=dry_run, unused_columns=column_map.unused
    )
    raws = [mapping.extract(record, column_map) for record in table.rows]
    planned = _read_rows(raws, defaults or {}, report)
    _write(session, actor, source, planned, report)
    report.rows.sort(key=lambda r: r.row)
    return report


def _read_rows(
    raws: list[dict[str, Any]], defaults: dict[str, Any], report: ImportReport
) -> list[tuple[int, PracticeData]]:
    seen: dict[str, int] = {}
    planned = []
    for number, raw in enumerate(raws, start=2):
        try:
            data = practice(raw, defaults)
        except RowRefused as exc:
            report.record(number, "refused", str(raw.get("title") or "")[:200], reason=str(exc))
            continue
        if data.external_id in seen:
            report.record(number, "refused", data.title, data.external_id,
                     f"doppelt: dieselbe Kennung wie Zeile {seen[data.external_id]}")  # fmt: skip
            continue
        seen[data.external_id] = number
        planned.append((number, data))
    return planned


def _write(
    session: Session, actor: Actor, source: str, planned: list[tuple[int, PracticeData]],
    report: ImportReport,
) -> None:  # fmt: skip
    known = store.existing(session, source)
    for number, data in planned:
        found = known.get(data.external_id)
        if found is None:
            report.record(number, "added", data.title, data.external_id)
            if not report.dry_run:
                store.add(session, source, data)
        elif found[1] == data.content_hash():
            report.record(number, "unchanged", data.title, data.external_id)
        else:
            report.record(number, "changed", data.title, data.external_id)
            if not report.dry_run:
                store.change(session, store.get(session, found[0]), data)
    if not report.dry_run:
        audit.record(
            session, actor=actor, action="practices.import", entity_type="practice_import",
            entity_id=source, after=report.model_dump(exclude={"rows"}),
        )  # fmt: skip


@requires(Permission.PRACTICES_EDIT)
def import_reference_cases(
    session: Session, *, actor: Actor, dry_run: bool = False
) -> ImportReport:
    """Import the AI screening's reference cases (shipped with the screening as
    ``data/reference_cases.json``) as practices of source ``reference_cases``."""
    path = resources.files("domstadt.masterplan.screening") / "data" / "reference_cases.json"
    return import_file(
        session, actor=actor, content=path.read_bytes(), filename="reference_cases.json",
        source=REFERENCE_SOURCE, mapping_text=_json(REFERENCE_MAPPING),
        defaults={"licence": REFERENCE_LICENCE},
        dry_run=dry_run,
    )  # fmt: skip


def _json(data: dict[str, str]) -> str:
    import json

    return json.dumps(data)


@requires(Permission.FEEDBACK_WRITE)
def rating_set(
    session: Session, *, actor: Actor, practice_id: int, data: RatingInput
) -> PracticePublic:
    """Rate a practice (1–5 per named criterion, with a comment) as the signed-in reviewer;
    a second rating by the same person replaces the first."""
    if actor.user_id is None:
        raise Unauthenticated("Bitte melden Sie sich an, um Praxisbeispiele zu bewerten.")
    row = store.get(session, practice_id)
    for criterion, score in data.scores.items():
        if not 1 <= score <= 5:
            raise Invalid(
                f"{vocab.CRITERIA_DE[criterion]}: die Bewertung muss zwischen 1 und 5 liegen "
                f"(war {score}).",
                field=f"scores.{criterion}",
            )
    rating = store.rating_of(session, row.id, actor.user_id)
    before = None if rating is None else {"scores": rating.scores, "comment": rating.comment}
    if rating is None:
        rating = PracticeRating(practice_id=row.id, user_id=actor.user_id, created_at=utcnow())
        session.add(rating)
    rating.scores = {str(k): v for k, v in data.scores.items()}
    rating.comment = data.comment.strip()
    rating.reviewer = actor.name or actor.email
    rating.updated_at = utcnow()
    session.flush()
    audit.record(
        session, actor=actor, action="practices.rate", entity_type="practice", entity_id=row.id,
        before=before, after={"scores": rating.scores, "comment": rating.comment},
    )  # fmt: skip
    return store.public(session, row)


@requires(Permission.FEEDBACK_WRITE)
def my_rating(session: Session, *, actor: Actor, practice_id: int) -> RatingPublic | None:
    """The signed-in reviewer's own rating of a practice (None: not rated yet), for the form."""
    if actor.user_id is None:
        return None
    rating = store.rating_of(session, store.get(session, practice_id).id, actor.user_id)
    if rating is None:
        return None
    return RatingPublic(
        reviewer=rating.reviewer, scores=dict(rating.scores or {}), comment=rating.comment,
        updated_at=rating.updated_at,
    )  # fmt: skip


def _items(session: Session) -> list[tuple[Any, similarity.Item]]:
    rows = store.all_rows(session)
    return [
        (r, similarity.Item(
            id=r.id, text=f"{r.title} {r.title} {r.problem} {r.solution} {r.outcome}",
            technology=r.technology, topics=" ".join(str(t) for t in r.topics or []),
        ))
        for r in rows
    ]  # fmt: skip


@public("measures and the best-practice library are public")
def measure_practices(
    session: Session, *, actor: Actor, measure_id: int, limit: int = 5
) -> SimilarList:
    """The practices most like a measure (title, summary, description, goals; its fields of
    action and sectors as topics), best first, each with its reasons."""
    if not 1 <= limit <= 50:
        raise Invalid("limit muss zwischen 1 und 50 liegen.", field="limit")
    m = measure_read_service.measure_get(session, actor=actor, measure_id=measure_id)
    text = " ".join([m.title, m.title, m.summary, m.description or "", m.goals or ""])
    topics = " ".join([f.name for f in m.fields] + [s.name for s in m.sectors])
    pairs = _items(session)
    rows = {r.id: r for r, _ in pairs}
    found = similarity.most_similar([i for _, i in pairs], text, topics, limit=limit)
    return SimilarList(
        items=[
            SimilarPractice(practice=store.summary(rows[s.practice_id]), score=s.score,
                            reasons=s.reasons)
            for s in found
        ]
    )  # fmt: skip


_KEY = re.compile(r"[^a-z0-9]+")


@public("the best-practice library is public information")
def screening_cases(session: Session, *, actor: Actor) -> list[ScreeningCase]:
    """Every practice in the shape the AI screening's similar-case lookup reads (title,
    description, technique, domain, place, country, outcome); empty when the library is."""
    cases = []
    for row in store.all_rows(session):
        place = row.city or row.organisation
        outcome = row.outcome or vocab.STATUSES_DE.get(row.status, "")
        cases.append(
            ScreeningCase(
                id=row.id, title=row.title,
                description=" ".join(x for x in (row.problem, row.solution) if x)[:4000],
                technique=row.technology,
                technique_key=_KEY.sub("_", row.technology.lower()).strip("_")[:40],
                domain=", ".join(str(t) for t in row.topics or []), place=place,
                country=row.country, outcome=outcome,
            )
        )  # fmt: skip
    return cases
