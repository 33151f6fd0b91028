"""Demo best-practice library: the 40 local public-sector AI cases of the EU's AI Watch
(JRC; EUPL-1.2 repository, records from a CC BY 4.0 report; see data/SOURCES.md) and the AI
screening's 44 reference cases, imported through the same operations as `domstadt practices
import` and `domstadt practices import-reference-cases`, and a few practices rated by demo
users. Idempotent: a second load finds every row unchanged and replaces the same ratings."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from domstadt.core.auth import service as auth
from domstadt.core.auth.permissions import Actor
from domstadt.funding import practice_service
from domstadt.funding.practices.schemas import PracticeFilter, RatingInput

DATA = Path(__file__).parent / "data" / "practices"
LICENCE = "EUPL-1.2 (AI Watch T6 Explorer); Bericht JRC120399 © Europäische Union, CC BY 4.0"

RATINGS: list[tuple[str, str, dict[str, int], str]] = [
    ("redaktion.digital@domstadt.koeln", "Kiri - chatbot for citizens' enquiries",
     {"impact": 4, "cost": 4, "transferability": 5, "maturity": 4, "open_source": 2},
     "Passt zum Bürgerservice-Chatbot; Betreiber nach Lizenz und Datenschutz fragen."),
    ("lena@rheinland-digital.example", "Kiri - chatbot for citizens' enquiries",
     {"impact": 3, "transferability": 4, "maturity": 4},
     "Gute Erfahrungen, aber Pflege der Antworten kostet Zeit."),
    ("redaktion.digital@domstadt.koeln", "SIA - Notificiations public space",
     {"impact": 4, "cost": 3, "transferability": 5, "maturity": 3, "open_source": 4},
     "Entspricht dem Mängelmelder; die Klassifikation ließe sich übernehmen."),
    ("redaktion.mobilitaet@domstadt.koeln",
     "Traffic load - Machine vision for collecting information on traffic load",
     {"impact": 4, "cost": 3, "transferability": 4, "maturity": 3},
     "Interessant für die Verkehrszählung; Kameras nur mit Datenschutzkonzept."),
    ("buergerin@example.org", "CHAIN - Smart Water optimising energy consumption",
     {"impact": 4, "transferability": 3},
     "Wasser- und Energiesparen finde ich wichtig."),
]  # fmt: skip
"""Reviewer e-mail, practice title (as the source writes it), scores and comment."""


def _ids_by_title(session: Session, actor: Actor) -> dict[str, int]:
    found: dict[str, int] = {}
    offset = 0
    while True:
        page = practice_service.practice_list(
            session, actor=actor, filters=PracticeFilter(limit=100, offset=offset)
        )
        found.update({p.title: p.id for p in page.items})
        offset += 100
        if offset >= page.count:
            return found


def _rate(session: Session, actor: Actor) -> int:
    people = {}
    for user in auth.user_list(session, actor=actor, limit=1000):
        person = auth.actor_for_user(session, actor=actor, user_id=user.id)
        if person is not None:
            people[user.email] = person
    ids = _ids_by_title(session, actor)
    done = 0
    for email, title, scores, comment in RATINGS:
        reviewer, practice_id = people.get(email), ids.get(title)
        if reviewer is None or practice_id is None:
            continue
        practice_service.rating_set(
            session, actor=reviewer, practice_id=practice_id,
            data=RatingInput.model_validate({"scores": scores, "comment": comment}),
        )  # fmt: skip
        done += 1
    return done


def load(session: Session, actor: Actor) -> dict[str, int]:
    """Import both sources (``ai-watch`` and ``reference_cases``) and rate a few practices."""
    ai_watch = practice_service.import_file(
        session, actor=actor, content=(DATA / "ai_watch_local_services.json").read_bytes(),
        filename="ai_watch_local_services.json", source="ai-watch",
        mapping_text=(DATA / "ai_watch_mapping.json").read_text(encoding="utf-8"),
        defaults={"licence": LICENCE},
    )  # fmt: skip
    reference = practice_service.import_reference_cases(session, actor=actor)
    session.flush()
    return {
        "practices": ai_watch.added + reference.added,
        "unchanged": ai_watch.unchanged + reference.unchanged,
        "ratings": _rate(session, actor),
    }
