"""What a measure, initiative, challenge or organisation looks like to matching: its text,
its topic words and who would apply (the city for its own measures)."""

from __future__ import annotations

from typing import Any

from domstadt.funding.matching import Target

ORGANISATION_APPLICANT = {
    "company": "kmu", "startup": "startup", "association": "verein", "research": "forschung",
    "public_body": "kommune",
}  # fmt: skip


def measure_target(m: Any) -> Target:
    """A measure (summary or full): title twice, summary, description, goals; its fields of
    action and sectors are its topics; the city applies."""
    text = " ".join(
        [m.title, m.title, m.summary, getattr(m, "description", ""), getattr(m, "goals", "")]
    )
    names = [f.name for f in m.fields] + [s.name for s in getattr(m, "sectors", [])]
    return Target(text=text, topics=" ".join(names), applicant="kommune")


def initiative_target(i: Any) -> Target:
    """An initiative: title and description; its owner's kind is not known here, so the
    city (most initiatives are the administration's) applies."""
    return Target(text=f"{i.title} {i.title} {i.description}", applicant="kommune")


def challenge_target(c: Any) -> Target:
    """A challenge: title, question and rules; the city (its department) applies."""
    return Target(text=f"{c.title} {c.title} {c.question}", applicant="kommune")


def organisation_target(o: Any) -> Target:
    """An organisation: description and competences; its kind decides who applies."""
    competences = " ".join(o.competences or [])
    return Target(
        text=f"{o.name} {o.description} {competences}",
        topics=competences,
        applicant=ORGANISATION_APPLICANT.get(str(o.kind), "unternehmen"),
    )
