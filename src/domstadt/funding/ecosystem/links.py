"""What an organisation takes part in, read through the participation and masterplan
services: its contributions (feedback on measures), the measures that name it as a partner,
the challenges it submitted to and the events it organises."""

from __future__ import annotations

from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor
from domstadt.funding.ecosystem.schemas import LinkPublic
from domstadt.masterplan import measure_read_service
from domstadt.masterplan.schemas import MeasureFilter
from domstadt.participation import challenge_service, event_service
from domstadt.participation.organisations.schemas import OrganisationDetail

MAX_MEASURES = 500
"""Measures scanned for partner organisations (the directory shows the first 500 measures)."""


def _partner_measures(session: Session, actor: Actor, org_id: int) -> list[LinkPublic]:
    links = []
    page = measure_read_service.measure_list(
        session, actor=actor, filters=MeasureFilter(page=1, per_page=100)
    )
    ids = [m.id for m in page.items]
    for number in range(2, min(page.total, MAX_MEASURES) // 100 + 2):
        more = measure_read_service.measure_list(
            session, actor=actor, filters=MeasureFilter(page=number, per_page=100)
        )
        ids += [m.id for m in more.items]
    for measure_id in ids[:MAX_MEASURES]:
        m = measure_read_service.measure_get(session, actor=actor, measure_id=measure_id)
        if any(p.id == org_id for p in m.partner_organisations):
            links.append(
                LinkPublic(kind="measure", title=f"{m.code} {m.title}", url=f"/massnahmen/{m.id}")
            )
    return links


def _challenges(session: Session, actor: Actor, name: str) -> list[LinkPublic]:
    links = []
    for challenge in challenge_service.challenge_list(session, actor=actor):
        entries = challenge_service.submission_list(session, actor=actor, challenge_id=challenge.id)
        if any(s.organisation_name == name for s in entries):
            links.append(
                LinkPublic(
                    kind="challenge",
                    title=challenge.title,
                    url=f"/wettbewerbe/{challenge.id}",
                )
            )
    return links


def _events(session: Session, actor: Actor, org_id: int) -> list[LinkPublic]:
    page = event_service.event_list(session, actor=actor)
    return [
        LinkPublic(kind="event", title=e.title, url=e.url)
        for e in page.items
        if e.organiser is not None
        and e.organiser.type == "organisation"
        and e.organiser.id == org_id
    ]


def organisation_links(
    session: Session, actor: Actor, detail: OrganisationDetail
) -> list[LinkPublic]:
    """Measures (as partner or by feedback), challenges and events of the organisation, each
    once, in that order."""
    org = detail.organisation
    found = _partner_measures(session, actor, org.id)
    found += [
        LinkPublic(kind="measure", title=c.title, url=c.url.split("#", 1)[0])
        for c in detail.contributions
        if c.kind == "feedback"
    ]
    found += [
        LinkPublic(kind=c.kind, title=c.title, url=c.url)
        for c in detail.contributions
        if c.kind in ("submission", "event")
    ]
    found += _challenges(session, actor, org.name) + _events(session, actor, org.id)
    seen: set[str] = set()
    unique = []
    for link in found:
        if link.url not in seen:
            seen.add(link.url)
            unique.append(link)
    return unique
