"""The screening proposal: the rubric's answers read from a measure's texts, each with the
sentence or fact it rests on (transparent rules over the cues of ``cues.py``; no learning)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel

from domstadt.masterplan.screening import cues, rubric
from domstadt.masterplan.screening.rubric import ScreeningInput

EVIDENCE_CHARS = 240
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")


class Evidence(BaseModel):
    """One sentence or fact a proposed answer rests on, and where it stands."""

    source: str
    text: str
    cue: str


class ProposedAnswer(BaseModel):
    """The proposed answer to one rubric question (``question`` as in the screening form)."""

    question: str
    label: str
    answer: str
    answer_label: str
    evidence: list[Evidence]


@dataclass(frozen=True)
class Source:
    """A text the proposal reads: its name (shown as the evidence's origin) and content."""

    name: str
    text: str


@dataclass(frozen=True)
class _Sentence:
    source: str
    text: str
    folded: str


@lru_cache(maxsize=256)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def sentences(sources: Iterable[Source]) -> list[_Sentence]:
    """The sources cut into sentences (lower-cased copies are matched, originals shown)."""
    out = []
    for source in sources:
        for piece in _SENTENCE.split(source.text or ""):
            piece = piece.strip()
            if piece:
                out.append(_Sentence(source.name, piece, piece.casefold()))
    return out


def find(found: list[_Sentence], patterns: list[str], limit: int = 2) -> list[Evidence]:
    """The first ``limit`` sentences that hold one of ``patterns`` (the matched words named)."""
    pattern = _compiled(tuple(patterns))
    hits = []
    for sentence in found:
        match = pattern.search(sentence.folded)
        if match:
            text = sentence.text[:EVIDENCE_CHARS] + (
                "…" if len(sentence.text) > EVIDENCE_CHARS else ""
            )
            hits.append(Evidence(source=sentence.source, text=text, cue=match.group(0)))
            if len(hits) >= limit:
                break
    return hits


def _count(found: list[_Sentence], patterns: list[str]) -> int:
    pattern = _compiled(tuple(patterns))
    return sum(1 for s in found if pattern.search(s.folded))


_RISK = {
    key: (question, {v: label for v, label, _ in options})
    for key, _, question, options in rubric.RISK
}


def _risk(key: str, value: str, evidence: list[Evidence]) -> ProposedAnswer:
    question, labels = _RISK[key]
    return ProposedAnswer(
        question=f"risk.{key}",
        label=question,
        answer=value,
        answer_label=labels[value],
        evidence=evidence,
    )


def _flag(question: str, label: str, evidence: list[Evidence]) -> ProposedAnswer:
    return ProposedAnswer(
        question=question, label=label, answer="yes", answer_label="ja", evidence=evidence
    )


class Proposal(BaseModel):
    """The proposed answers (only those a cue or fact supports) and the rubric input they make."""

    answers: list[ProposedAnswer]
    inputs: ScreeningInput


def _hard_stops(found: list[_Sentence]) -> list[ProposedAnswer]:
    out = []
    for key, patterns in cues.HARD_STOP_CUES.items():
        evidence = find(found, patterns)
        if evidence:
            out.append(_flag(f"hard_stops.{key}", rubric.HARD_STOPS[key][0], evidence))
    return out


def _high_risk_area(found: list[_Sentence]) -> ProposedAnswer | None:
    best: tuple[int, str, list[Evidence]] | None = None
    for key, patterns in cues.HIGH_RISK_CUES.items():
        count = _count(found, patterns)
        if count and (best is None or count > best[0]):
            best = (count, key, find(found, patterns))
    if best is None:
        return None
    _, key, evidence = best
    return ProposedAnswer(
        question="high_risk_area",
        label="Hochrisiko-Bereich (Anhang III)",
        answer=key,
        answer_label=rubric.HIGH_RISK_AREAS[key],
        evidence=evidence,
    )


def _yes_no(found: list[_Sentence]) -> dict[str, ProposedAnswer]:
    out = {}
    for key, patterns in cues.YES_CUES.items():
        contrary = find(found, cues.NO_CUES.get(key, []), 1) if key in cues.NO_CUES else []
        if contrary:
            out[key] = _risk(key, "no", contrary)
            continue
        evidence = find(found, patterns)
        if evidence:
            out[key] = _risk(key, "yes", evidence)
    return out


def _automation(found: list[_Sentence], about_people: bool) -> ProposedAnswer | None:
    evidence = find(found, cues.FULL_AUTOMATION)
    if evidence:
        return _risk("automation", "full", evidence)
    evidence = find(found, cues.ASSIST)
    if evidence and about_people:
        return _risk("automation", "assist", evidence)
    return None


def _rights(area: ProposedAnswer | None, stops: list[ProposedAnswer],
            flags: dict[str, ProposedAnswer]) -> ProposedAnswer | None:  # fmt: skip
    """Rights follow from the other answers; the evidence is theirs."""
    if stops or (area and area.answer in ("biometrics", "law_enforcement", "migration")):
        source = stops[0] if stops else area
        assert source is not None
        return _risk("rights", "very_high", source.evidence)
    if area and area.answer != "critical_infrastructure":
        return _risk("rights", "high", area.evidence)
    personal = flags.get("personal_data")
    if personal and personal.answer == "yes" and "vulnerable_groups" in flags:
        return _risk("rights", "moderate", personal.evidence + flags["vulnerable_groups"].evidence)
    return None


def _health(found: list[_Sentence], area: ProposedAnswer | None) -> ProposedAnswer | None:
    if area and area.answer in ("critical_infrastructure", "medical_devices"):
        return _risk("health", "high", area.evidence)
    for value, patterns in (("high", cues.HEALTH_HIGH), ("moderate", cues.HEALTH_MODERATE)):
        evidence = find(found, patterns)
        if evidence:
            return _risk("health", value, evidence)
    return None


def _potential(found: list[_Sentence], facts: dict[str, list[Evidence]]) -> list[ProposedAnswer]:
    out = []
    labels = {k: label for k, label, _ in rubric.POTENTIAL}
    for key, patterns in cues.POTENTIAL_CUES.items():
        evidence = facts.get(key, []) + find(found, patterns)
        hits = _count(found, patterns) + len(facts.get(key, []))
        if hits:
            rating = min(4, 1 + hits)
            out.append(ProposedAnswer(question=f"potential.{key}", label=labels[key],
                                      answer=str(rating), answer_label=f"{rating} von 4",
                                      evidence=evidence[:3]))  # fmt: skip
    return out


def _mitigation(found: list[_Sentence], facts: dict[str, list[Evidence]]) -> list[ProposedAnswer]:
    labels = {k: label for k, _, label, _ in rubric.MITIGATION}
    out = []
    for key, patterns in cues.MITIGATION_CUES.items():
        evidence = facts.get(key, []) + find(found, patterns)
        if evidence:
            out.append(_flag(f"mitigation.{key}", labels[key], evidence[:2]))
    return out


def _task(found: list[_Sentence]) -> ProposedAnswer | None:
    counts = {key: _count(found, patterns) for key, patterns in cues.TASK_CUES.items()}
    key = max(counts, key=lambda k: counts[k])
    if not counts[key]:
        return None
    return ProposedAnswer(question="task", label="Aufgabe der KI", answer=key,
                          answer_label=rubric.TECHNIQUES[key],
                          evidence=find(found, cues.TASK_CUES[key]))  # fmt: skip


def _transparency(found: list[_Sentence]) -> list[ProposedAnswer]:
    out = []
    for question, label, patterns in (
        ("interacts_with_people", "Interagiert mit Menschen", cues.INTERACTS),
        ("generates_content", "Erzeugt Inhalte (Text, Bild, Ton)", cues.GENERATES),
    ):
        evidence = find(found, patterns)
        if evidence:
            out.append(_flag(question, label, evidence))
    return out


def _inputs(answers: list[ProposedAnswer]) -> ScreeningInput:
    data: dict[str, object] = {"hard_stops": [], "potential": {}, "risk": {}, "mitigation": []}
    for a in answers:
        group, _, key = a.question.partition(".")
        if group == "hard_stops":
            data["hard_stops"].append(key)  # type: ignore[attr-defined]
        elif group == "potential":
            data["potential"][key] = int(a.answer)  # type: ignore[index]
        elif group == "risk":
            data["risk"][key] = a.answer  # type: ignore[index]
        elif group == "mitigation":
            data["mitigation"].append(key)  # type: ignore[attr-defined]
        elif group in ("interacts_with_people", "generates_content"):
            data[group] = True
        else:
            data[group] = a.answer
    return ScreeningInput.model_validate(data)


def propose(sources: Iterable[Source], facts: dict[str, list[Evidence]] | None = None) -> Proposal:
    """Answers supported by the texts (``facts``: evidence per potential/mitigation key that
    comes from elsewhere, e.g. linked datasets); a question without support stays unanswered."""
    found = sentences(sources)
    facts = facts or {}
    stops = _hard_stops(found)
    area = _high_risk_area(found)
    flags = _yes_no(found)
    about_people = "personal_data" in flags and flags["personal_data"].answer == "yes"
    answers: list[ProposedAnswer] = [*stops]
    answers += [a for a in (area, _automation(found, about_people)) if a]
    answers += [a for a in (_rights(area, stops, flags), _health(found, area)) if a]
    economic = find(found, cues.ECONOMIC)
    if economic:
        answers.append(_risk("economic", "moderate", economic))
    answers += list(flags.values())
    answers += _potential(found, facts) + _mitigation(found, facts) + _transparency(found)
    task = _task(found)
    if task:
        answers.append(task)
    return Proposal(answers=answers, inputs=_inputs(answers))


def questions() -> list[tuple[str, str]]:
    """Every question of the screening form: (key as in ``ProposedAnswer.question``, label)."""
    out = [(f"hard_stops.{k}", label) for k, (label, _) in rubric.HARD_STOPS.items()]
    out += [(f"potential.{k}", label) for k, label, _ in rubric.POTENTIAL]
    out += [(f"risk.{k}", question) for k, _, question, _ in rubric.RISK]
    out += [(f"mitigation.{k}", label) for k, _, label, _ in rubric.MITIGATION]
    out += [("high_risk_area", "Hochrisiko-Bereich (Anhang III)"),
            ("interacts_with_people", "Interagiert mit Menschen"),
            ("generates_content", "Erzeugt Inhalte (Text, Bild, Ton)"),
            ("task", "Aufgabe der KI")]  # fmt: skip
    return out
