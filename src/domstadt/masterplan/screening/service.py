"""AI-feasibility screening of measures (S2.0): the system proposes, a reviewer confirms or
overrides with reasons; coverage per field of action and department."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.models import Department
from domstadt.core.auth.permissions import Actor, Permission, check_department, public, requires
from domstadt.core.db import utcnow
from domstadt.core.errors import Invalid, NotFound
from domstadt.funding import practice_service
from domstadt.masterplan import measure_read_service
from domstadt.masterplan.models import FieldOfAction, Measure, measure_field
from domstadt.masterplan.schemas import LinkKind, MeasurePublic
from domstadt.masterplan.screening import library, proposal
from domstadt.masterplan.screening.models import ReviewStatus, Screening
from domstadt.masterplan.screening.rubric import InputProblem, Result, ScreeningInput, evaluate
from domstadt.masterplan.screening.schemas import (
    Coverage,
    CoverageRow,
    Effective,
    Headline,
    ProposalPublic,
    Review,
    ScreeningPublic,
)


def _measure(session: Session, actor: Actor, measure_id: int) -> MeasurePublic:
    return measure_read_service.measure_get(session, actor=actor, measure_id=measure_id)


def _text(measure: MeasurePublic) -> str:
    return "\n".join(x for x in (measure.title, measure.summary, measure.description) if x)


def _pool(session: Session, actor: Actor) -> list[library.ReferenceCase]:
    return [
        library.ReferenceCase.model_validate(c.model_dump())
        for c in practice_service.screening_cases(session, actor=actor)
    ]


def _similar(session: Session, actor: Actor, measure: MeasurePublic) -> list[library.CaseMatch]:
    """The cases most like the measure, searched in the best-practice library (the shipped
    reference file while the library is empty)."""
    return library.most_similar(_text(measure), pool=_pool(session, actor) or None)


@public("the best-practice library is public")
def library_pool(session: Session, *, actor: Actor) -> list[library.ReferenceCase]:
    """The cases the similar-case lookup searches (the library's; empty when it is)."""
    return _pool(session, actor)


def _effective(row: Screening) -> Effective:
    proposal = Result.model_validate(row.proposal)
    override: dict[str, Any] = dict(row.override or {})
    return Effective(
        risk_level=override.get("risk_level") or proposal.risk_level,
        ai_act_tier=override.get("ai_act_tier") or proposal.ai_act_tier,
        technique=override.get("technique") or proposal.technique,
        recommendation=override.get("recommendation") or proposal.recommendation,
        overridden=sorted(k for k, v in override.items() if v),
    )


def _public(
    measure: MeasurePublic, row: Screening | None, matches: list[library.CaseMatch]
) -> ScreeningPublic:
    if row is None:
        return ScreeningPublic(
            measure_id=measure.id, measure_title=measure.title, screened=False, status=None,
            inputs=None, proposal=None, effective=None, similar_cases=matches, reasons="",
            reviewed_by="", reviewed_at=None,
        )  # fmt: skip
    return ScreeningPublic(
        measure_id=measure.id, measure_title=measure.title, screened=True, status=row.status,
        inputs=ScreeningInput.model_validate(row.inputs),
        proposal=Result.model_validate(row.proposal), effective=_effective(row),
        similar_cases=matches, reasons=row.reasons, reviewed_by=row.reviewed_by,
        reviewed_at=row.reviewed_at,
    )  # fmt: skip


def _row(session: Session, measure_id: int) -> Screening | None:
    return session.scalar(select(Screening).where(Screening.measure_id == measure_id))


@public("every measure's AI screening is published (S2.0)")
def screening_get(session: Session, *, actor: Actor, measure_id: int) -> ScreeningPublic:
    """A measure's screening with the most similar reference cases (also when unscreened)."""
    measure = _measure(session, actor, measure_id)
    return _public(measure, _row(session, measure_id), _similar(session, actor, measure))


@public("every measure's AI screening is published (S2.0)")
def screening_headline(session: Session, *, actor: Actor, measure_id: int) -> Headline | None:
    """The screening's result in brief (None: not screened yet), without the case library."""
    row = _row(session, measure_id)
    if row is None:
        return None
    proposal = Result.model_validate(row.proposal)
    return Headline(
        potential=proposal.potential,
        risk_level=_effective(row).risk_level,
        hard_stop=bool(proposal.hard_stops),
        status=row.status,
        reviewed=row.status != ReviewStatus.PROPOSED,
    )


PROPOSAL_NOTE = (
    "Automatischer Vorschlag aus dem Text der Maßnahme und ihren verknüpften Datensätzen. "
    "Er zählt erst als KI-Prüfung, wenn eine Redakteurin oder ein Redakteur ihn bestätigt "
    "oder korrigiert."
)
_SECTIONS = (
    ("title", "Titel"), ("summary", "Kurzbeschreibung"), ("description", "Beschreibung"),
    ("goals", "Ziele"), ("success_criteria", "Erfolgskriterien"), ("risks", "Risiken"),
)  # fmt: skip


def _sources(measure: MeasurePublic) -> list[proposal.Source]:
    sources = [proposal.Source(name, getattr(measure, key) or "") for key, name in _SECTIONS]
    for link in measure.links:
        if link.kind in (LinkKind.DATASET, LinkKind.DATASTREAM):
            sources.append(proposal.Source("Verknüpfter Datensatz", link.title))
    return sources


def _facts(
    measure: MeasurePublic, matches: list[library.CaseMatch]
) -> dict[str, list[proposal.Evidence]]:
    """Evidence that is a fact about the measure rather than a sentence of its text."""
    facts: dict[str, list[proposal.Evidence]] = {}
    data = [link for link in measure.links if link.kind in (LinkKind.DATASET, LinkKind.DATASTREAM)]
    for link in data:
        facts.setdefault("data_availability", []).append(proposal.Evidence(
            source="Verknüpfter Datensatz", text=link.title, cue="verknüpft"))  # fmt: skip
    if len(data) >= 3:
        facts["data_volume"] = [
            proposal.Evidence(
                source="Verknüpfte Datensätze", text=f"{len(data)} Datensätze verknüpft", cue="≥ 3"
            )
        ]
    for match in matches:
        if match.score >= library.PROVEN_SCORE:
            facts.setdefault("proven_elsewhere", []).append(proposal.Evidence(
                source="Referenzfall", cue=f"Ähnlichkeit {match.score:.2f}",
                text=f"{match.case.title} ({match.case.place}): {match.case.outcome}"))  # fmt: skip
    return facts


def _proposal(
    measure: MeasurePublic, screened: bool, matches: list[library.CaseMatch]
) -> ProposalPublic:
    made = proposal.propose(_sources(measure), _facts(measure, matches))
    answered = {a.question for a in made.answers}
    return ProposalPublic(
        measure_id=measure.id, measure_title=measure.title, screened=screened,
        answers=made.answers, inputs=made.inputs,
        unanswered=[label for key, label in proposal.questions() if key not in answered],
        result=evaluate(made.inputs, library.technique_from(matches)), note=PROPOSAL_NOTE,
    )  # fmt: skip


@public("the automatic proposal is derived from the published measure only")
def screening_proposal(session: Session, *, actor: Actor, measure_id: int) -> ProposalPublic:
    """The rubric's answers proposed from the measure's texts and linked datasets, each with
    its evidence; nothing is stored and nothing counts as screened."""
    measure = _measure(session, actor, measure_id)
    screened = _row(session, measure_id) is not None
    return _proposal(measure, screened, _similar(session, actor, measure))


def _agreement(
    measure: MeasurePublic, data: ScreeningInput, matches: list[library.CaseMatch]
) -> dict[str, Any]:
    """Which proposed answers the editor kept and which they corrected (for the audit log)."""
    proposed = _proposal(measure, False, matches).inputs.model_dump(mode="json")
    given = data.model_dump(mode="json")
    kept = sorted(k for k in given if given[k] == proposed[k])
    return {"kept": kept, "corrected": sorted(k for k in given if k not in kept)}


@requires(Permission.CONTENT_EDIT)
def screening_propose(
    session: Session,
    *,
    actor: Actor,
    measure_id: int,
    data: ScreeningInput,
    from_proposal: bool = False,
) -> ScreeningPublic:
    """Score the answers and store the system's proposal; an earlier review is reset.
    ``from_proposal``: the answers started from the automatic proposal (the audit log keeps
    which parts the editor kept and which they corrected)."""
    measure = _measure(session, actor, measure_id)
    check_department(actor, measure.lead_department.id)
    matches = _similar(session, actor, measure)
    try:
        result = evaluate(data, library.technique_from(matches))
    except InputProblem as exc:
        raise Invalid(exc.message, field=exc.field) from None
    row = _row(session, measure_id)
    before = _public(measure, row, matches).model_dump(mode="json") if row else None
    if row is None:
        row = Screening(measure_id=measure_id, reasons="", reviewed_by="")
        session.add(row)
    row.inputs = data.model_dump(mode="json")
    row.proposal = result.model_dump(mode="json")
    row.status, row.override, row.reasons = ReviewStatus.PROPOSED, None, ""
    row.reviewed_by, row.reviewed_at, row.updated_at = "", None, utcnow()
    session.flush()
    out = _public(measure, row, matches)
    after: dict[str, Any] = {
        "proposal": out.proposal.model_dump(mode="json") if out.proposal else None
    }
    if from_proposal:
        after["from_automatic_proposal"] = _agreement(measure, data, matches)
    audit.record(session, actor=actor, action="screening.propose", entity_type="measure",
                 entity_id=measure_id, before=before, after=after)  # fmt: skip
    return out


@requires(Permission.CONTENT_EDIT)
def screening_review(
    session: Session, *, actor: Actor, measure_id: int, review: Review
) -> ScreeningPublic:
    """Confirm the proposal or override parts of it; reasons are kept and shown."""
    measure = _measure(session, actor, measure_id)
    check_department(actor, measure.lead_department.id)
    row = _row(session, measure_id)
    if row is None:
        raise NotFound("Für diese Maßnahme gibt es noch keinen Vorschlag der KI-Prüfung.")
    if review.decision == "confirm":
        row.status, row.override = ReviewStatus.CONFIRMED, None
    else:
        row.status = ReviewStatus.OVERRIDDEN
        row.override = review.override.model_dump(exclude_none=True) if review.override else None
    row.reasons = review.reasons.strip()
    row.reviewed_by, row.reviewed_at, row.updated_at = actor.label, utcnow(), utcnow()
    session.flush()
    out = _public(measure, row, _similar(session, actor, measure))
    audit.record(session, actor=actor, action=f"screening.{review.decision}",
                 entity_type="measure", entity_id=measure_id, after=review)  # fmt: skip
    return out


def _rows(
    groups: dict[str, tuple[str, list[int]]], status: dict[int, ReviewStatus]
) -> list[CoverageRow]:
    rows = []
    for key, (name, ids) in sorted(groups.items(), key=lambda g: g[1][0]):
        screened = sum(1 for i in ids if i in status)
        reviewed = sum(
            1 for i in ids if status.get(i, ReviewStatus.PROPOSED) != ReviewStatus.PROPOSED
        )
        share = round(screened / len(ids), 3)
        rows.append(
            CoverageRow(key=key, name=name, measures=len(ids), screened=screened,
                        reviewed=reviewed, share=share)
        )  # fmt: skip
    return rows


def _groups(
    session: Session,
) -> tuple[list[int], dict[str, tuple[str, list[int]]], dict[str, tuple[str, list[int]]]]:
    """Measure ids, and their ids per field of action and per lead department (two queries)."""
    by_field: dict[str, tuple[str, list[int]]] = {}
    by_department: dict[str, tuple[str, list[int]]] = {}
    ids = []
    for measure_id, code, name in session.execute(
        select(Measure.id, Department.code, Department.name).join(
            Department, Department.id == Measure.lead_department_id
        )
    ):
        ids.append(measure_id)
        by_department.setdefault(code, (name, []))[1].append(measure_id)
    for measure_id, slug, name in session.execute(
        select(measure_field.c.measure_id, FieldOfAction.slug, FieldOfAction.name).join(
            FieldOfAction, FieldOfAction.id == measure_field.c.field_of_action_id
        )
    ):
        by_field.setdefault(slug, (name, []))[1].append(measure_id)
    return ids, by_field, by_department


@public("screening coverage is part of the public dashboard")
def screening_coverage(session: Session, *, actor: Actor) -> Coverage:
    """How many measures are screened (and reviewed), per field of action and department.
    Only screenings an editor saved count; the automatic proposal never does."""
    ids, by_field, by_department = _groups(session)
    status = dict(session.execute(select(Screening.measure_id, Screening.status)).all())
    screened = [i for i in ids if i in status]
    return Coverage(
        measures=len(ids),
        screened=len(screened),
        proposal_only=len(ids) - len(screened),
        reviewed=sum(1 for i in screened if status[i] != ReviewStatus.PROPOSED),
        by_field=_rows(by_field, status),
        by_department=_rows(by_department, status),
    )
