"""Demo feedback (S1.1): the demo company members speak for their verified organisations, the
demo citizen personally, on several demo measures; one comment is reported to moderators.
Loaded through the feedback service; running it again adds nothing."""

from __future__ import annotations

from sqlalchemy.orm import Session

from domstadt.core.auth import service as auth
from domstadt.core.auth.permissions import Actor
from domstadt.core.errors import Conflict, NotFound
from domstadt.masterplan import measure_read_service as reader
from domstadt.participation.feedback import service as feedback
from domstadt.participation.feedback.models import ReportReason, Stance
from domstadt.participation.feedback.schemas import FeedbackCreate, ReportCreate

S, N, C = Stance.SUPPORT, Stance.NEUTRAL, Stance.CONCERN

# (e-mail, measure code, for the organisation?, relevance, stance, comment)
VOICES: list[tuple[str, str, bool, int, Stance, str]] = [
    (
        "lena@rheinland-digital.example",
        "DV-01",
        True,
        4,
        S,
        "Unsere Außendienst-Teams parken in Ehrenfeld; der digitale Ausweis spart jedes Jahr "
        "einen halben Tag Behördengang.",
    ),
    (
        "lena@rheinland-digital.example",
        "DO-01",
        True,
        5,
        S,
        "Offene Verkehrsdaten in Echtzeit sind für unsere Logistik-App zentral. Bitte mit "
        "stabiler API und Versionierung.",
    ),
    (
        "lena@rheinland-digital.example",
        "IHK-01",
        True,
        5,
        S,
        "Feste Beteiligungsformate je Handlungsfeld: Wir machen gern mit.",
    ),
    (
        "jonas@domblick.example",
        "DO-01",
        True,
        4,
        C,
        "Gute Idee, aber ohne klare Lizenz (z. B. dl-de/by-2.0) können wir die Daten nicht "
        "kommerziell nutzen.",
    ),
    (
        "jonas@domblick.example",
        "SC-01",
        True,
        3,
        N,
        "Interessant für unsere Analysen; wie oft werden die Belegungsdaten aktualisiert?",
    ),
    (
        "buergerin@example.org",
        "DV-01",
        False,
        5,
        S,
        "Endlich kein Termin im Kundenzentrum mehr für den Parkausweis!",
    ),
    (
        "buergerin@example.org",
        "SC-01",
        False,
        4,
        C,
        "Bitte auf Datenschutz achten: keine Kameras, die Gesichter oder Kennzeichen erfassen.",
    ),
    (
        "buergerin@example.org",
        "DV-02",
        False,
        3,
        N,
        "Bitte weiterhin Beratung vor Ort anbieten; nicht jedes Architekturbüro ist digital.",
    ),
]
REPORTED = ("jonas@domblick.example", "SC-01")
"""The demo comment someone reported (it waits in the moderation queue)."""


def _actors(session: Session, actor: Actor) -> dict[str, Actor]:
    found: dict[str, Actor] = {}
    for user in auth.user_list(session, actor=actor, limit=1000):
        person = auth.actor_for_user(session, actor=actor, user_id=user.id)
        if person is not None:
            found[user.email] = person
    return found


def _measure_ids(session: Session, actor: Actor) -> dict[str, int]:
    ids: dict[str, int] = {}
    for code in {v[1] for v in VOICES}:
        try:
            ids[code] = reader.measure_get_by_code(session, actor=actor, code=code).id
        except NotFound:
            continue
    return ids


def load(session: Session, actor: Actor) -> dict[str, int]:
    """Add the demo voices that are missing and report one comment."""
    people, measures = _actors(session, actor), _measure_ids(session, actor)
    added = {"feedback": 0, "reports": 0}
    for email, code, for_org, relevance, stance, comment in VOICES:
        person = people.get(email)
        if person is None or code not in measures:
            continue
        existing = feedback.feedback_for_measure(session, actor=actor, measure_id=measures[code])
        if any(i.author_name == person.name for i in existing.items):
            continue
        orgs = feedback.speaking_options(session, actor=person) if for_org else []
        data = FeedbackCreate(
            relevance=relevance,
            stance=stance,
            comment=comment,
            organisation_id=orgs[0].id if orgs else None,
        )
        feedback.feedback_submit(session, actor=person, measure_id=measures[code], data=data)
        added["feedback"] += 1
    added["reports"] += _report(session, actor, people, measures)
    return added


def _report(
    session: Session, actor: Actor, people: dict[str, Actor], measures: dict[str, int]
) -> int:
    email, code = REPORTED
    if email not in people or code not in measures:
        return 0
    items = feedback.feedback_for_measure(session, actor=actor, measure_id=measures[code]).items
    target = next((i for i in items if i.author_name == people[email].name), None)
    if target is None:
        return 0
    try:
        feedback.feedback_report(
            session,
            actor=actor,
            feedback_id=target.id,
            data=ReportCreate(reason=ReportReason.OFF_TOPIC, note="Frage statt Bewertung."),
            client="demo-loader",
        )
    except Conflict:
        return 0
    return 1
