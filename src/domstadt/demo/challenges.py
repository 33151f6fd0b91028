"""Demo challenges (issue 10): one idea competition in the public vote with submissions, jury
scores and votes, and one finished hackathon whose winner became a masterplan measure.
Loaded through the participation services (phases are moved by editing the dates, as an
organiser would); running it again adds nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from domstadt.core.auth import service as auth
from domstadt.core.auth.permissions import Actor
from domstadt.core.config import get_settings
from domstadt.core.db import utcnow
from domstadt.participation import (
    challenge_service,
    jury_service,
    submission_service,
    vote_service,
    winner_service,
)
from domstadt.participation.challenges.models import ChallengeKind, SubmissionStatus
from domstadt.participation.challenges.schemas import (
    ChallengeCreate,
    ChallengeUpdate,
    CriterionIn,
    JurorIn,
    MeasureFromWinner,
    ScoreIn,
    ScoreSheet,
    SubmissionCreate,
    VoteIn,
)

EDITOR = "redaktion.digital@domstadt.koeln"
JUROR = "moderation@domstadt.koeln"
CRITERIA = [
    CriterionIn(name="Nutzen für die Stadtgesellschaft", weight=3),
    CriterionIn(name="Machbarkeit", weight=2),
    CriterionIn(name="Offenheit (Daten, Code)", weight=1),
]
VOTE_TITLE = "Ideenwettbewerb: Rathaus ohne Warteschlange"
DONE_TITLE = "Open-Data-Hackathon Mobilität 2026"

# (e-mail, title, summary, for the organisation?)
VOTE_ENTRIES = [
    (
        "lena@rheinland-digital.example",
        "Terminbuchung per Messenger",
        "Termine im Kundenzentrum per Messenger buchen, verschieben und absagen, mit "
        "Erinnerung am Vortag.",
        True,
    ),
    (
        "buergerin@example.org",
        "Wartemarken aufs Handy",
        "Die Wartemarke kommt aufs Handy; man wird benachrichtigt, wenn man dran ist, und "
        "wartet im Café statt im Flur.",
        False,
    ),
    (
        "jonas@domblick.example",
        "Formulare vorab prüfen lassen",
        "Ein Assistent prüft Anträge vor dem Termin auf Vollständigkeit, damit niemand zweimal "
        "kommen muss.",
        True,
    ),
]
DONE_ENTRIES = [
    (
        "jonas@domblick.example",
        "Parkdruck-Karte aus offenen Sensordaten",
        "Eine Karte zeigt freie Stellplätze je Veedel aus den Parksensoren und sagt die "
        "Belegung für die nächste Stunde voraus.",
        True,
    ),
    (
        "buergerin@example.org",
        "Barrierefreie Wege zur Haltestelle",
        "Aufzüge und Rampen an KVB-Haltestellen mit Störungsmeldungen in einer App.",
        False,
    ),
]


def _at(days: float) -> dt.datetime:
    return utcnow() + dt.timedelta(days=days)


def _dates(phase_start: float) -> dict[str, dt.datetime]:
    """Dates that put now into the phase whose start lies ``phase_start`` days back."""
    return {
        "submission_opens": _at(-phase_start - 60),
        "review_opens": _at(-phase_start - 30),
        "vote_opens": _at(-phase_start - 15),
        "results_at": _at(-phase_start),
    }


def _people(session: Session, actor: Actor) -> dict[str, Actor]:
    found: dict[str, Actor] = {}
    for user in auth.user_list(session, actor=actor, limit=1000):
        person = auth.actor_for_user(session, actor=actor, user_id=user.id)
        if person is not None:
            found[user.email] = person
    return found


def _move(session: Session, actor: Actor, cid: int, **dates: dt.datetime) -> None:
    challenge_service.challenge_update(
        session, actor=actor, challenge_id=cid, data=ChallengeUpdate(**dates)
    )


def _run(
    session: Session,
    people: dict[str, Actor],
    title: str,
    kind: ChallengeKind,
    question: str,
    entries: list[tuple[str, str, str, bool]],
) -> tuple[int, list[int]]:
    """Create a challenge in its submission phase with the entries, then jury review with
    scores; returns the challenge id and the submission ids."""
    editor = people[EDITOR]
    open_now = {
        "submission_opens": _at(-20),
        "review_opens": _at(10),
        "vote_opens": _at(20),
        "results_at": _at(30),
    }
    made = challenge_service.challenge_create(
        session,
        actor=editor,
        data=ChallengeCreate(
            title=title,
            question=question,
            kind=kind,
            department="DIG",
            rules="Teilnahme für Einzelpersonen und Teams aus der Region Köln. Beiträge bleiben "
            "Eigentum der Einreichenden; die Stadt erhält ein Nutzungsrecht für die Umsetzung.",
            prizes="1. Preis: Pilotierung mit der Stadt und 5.000 €; 2. Preis: 2.000 €",
            criteria=CRITERIA,
            scale_min=0,
            scale_max=10,
            dataset_names=["parkplatzbelegung"] if kind == ChallengeKind.HACKATHON else [],
            **open_now,
        ),
    )
    challenge_service.juror_assign(
        session, actor=editor, challenge_id=made.id, data=JurorIn(email=JUROR)
    )
    ids: list[int] = []
    for email, sub_title, summary, for_org in entries:
        person = people[email]
        orgs = challenge_service.my_organisations(session, actor=person) if for_org else []
        sub = submission_service.submission_create(
            session,
            actor=person,
            challenge_id=made.id,
            data=SubmissionCreate(
                title=sub_title,
                summary=summary,
                organisation_id=orgs[0][0] if orgs else None,
                submit=True,
            ),
        )
        ids.append(sub.id)
    _move(session, editor, made.id, review_opens=_at(-1), **_later(vote=5, results=10))
    juror = people[JUROR]
    for n, sid in enumerate(ids):
        jury_service.score_submission(
            session,
            actor=juror,
            submission_id=sid,
            data=ScoreSheet(
                scores=[
                    ScoreIn(criterion=c, value=8 - n - c, comment="Überzeugend begründet.")
                    for c in range(len(CRITERIA))
                ]
            ),
        )
    return made.id, ids


def _later(*, vote: float, results: float) -> dict[str, dt.datetime]:
    return {"vote_opens": _at(vote), "results_at": _at(results)}


def _vote(session: Session, people: dict[str, Actor], cid: int, ids: list[int]) -> None:
    choices = {
        "buergerin@example.org": ids[0],
        "lena@rheinland-digital.example": ids[1],
        "jonas@domblick.example": ids[0],
        "admin@domstadt.koeln": ids[0],
    }
    for email, sid in choices.items():
        if email in people:
            vote_service.vote_cast(
                session, actor=people[email], challenge_id=cid, data=VoteIn(submission_id=sid)
            )


def load(session: Session, actor: Actor) -> dict[str, int]:
    """Add the two demo challenges unless they exist."""
    titles = {c.title for c in challenge_service.challenge_list(session, actor=actor)}
    people = _people(session, actor)
    if EDITOR not in people or JUROR not in people:
        return {"challenges": 0, "measures": 0}
    added = {"challenges": 0, "measures": 0}
    editor = people[EDITOR]
    if VOTE_TITLE not in titles:
        cid, ids = _run(
            session,
            people,
            VOTE_TITLE,
            ChallengeKind.IDEAS,
            "Wie kommen Kölnerinnen und Kölner schneller und ohne Warten durch ihre Behördengänge?",
            VOTE_ENTRIES,
        )
        _move(session, editor, cid, review_opens=_at(-10), vote_opens=_at(-1), results_at=_at(13))
        _vote(session, people, cid, ids)
        added["challenges"] += 1
    if DONE_TITLE not in titles:
        cid, ids = _run(
            session,
            people,
            DONE_TITLE,
            ChallengeKind.HACKATHON,
            "Was lässt sich aus den offenen Mobilitäts- und Sensordaten der Stadt bauen?",
            DONE_ENTRIES,
        )
        _move(session, editor, cid, review_opens=_at(-10), vote_opens=_at(-1), results_at=_at(5))
        _vote(session, people, cid, ids)
        _move(session, editor, cid, **_dates(2))
        submission_service.submission_set_status(
            session, actor=editor, submission_id=ids[0], status=SubmissionStatus.WINNER
        )
        submission_service.submission_set_status(
            session, actor=editor, submission_id=ids[1], status=SubmissionStatus.NOT_SELECTED
        )
        winner_service.winner_to_measure(
            session,
            actor=editor,
            submission_id=ids[0],
            data=MeasureFromWinner(code="WB-01", fields=[]),
            site_url=get_settings().base_url,
        )
        added["challenges"] += 1
        added["measures"] += 1
    return added
