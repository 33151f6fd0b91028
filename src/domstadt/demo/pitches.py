"""Demo problem statement (issue 10, S3.2): the Stabsstelle Digitalisierung asks how to
spot empty shops early; two start-ups pitched with a deck, the deadline has passed, the jury
has scored and both are invited into slots of the pitch event (an event in the calendar with
seats). Loaded through the services; running it again adds nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor
from domstadt.core.db import utcnow
from domstadt.demo.challenges import EDITOR, JUROR, _people
from domstadt.participation import challenge_service, pitch_service, problem_statement_service
from domstadt.participation.challenges.schemas import CriterionIn, JurorIn, ScoreIn, ScoreSheet
from domstadt.participation.pitches.schemas import (
    PitchCreate,
    PitchEventCreate,
    StatementCreate,
    StatementUpdate,
)

TITLE = "Leerstand in Erdgeschossen früh erkennen"

# (e-mail of a member, title, summary, team, scores per criterion)
PITCHES = [
    (
        "jonas@domblick.example",
        "Leerstandsradar aus offenen Daten",
        "Gewerbeanmeldungen, Baustellen und Passantenzählungen zeigen je Straße, wo Läden "
        "bald leer stehen könnten; ohne Personendaten.",
        ["Jonas Becker – Gründer, Datenanalyse", "Mira Yilmaz – Stadtplanung"],
        [8, 7, 9],
    ),
    (
        "lena@rheinland-digital.example",
        "Zwischennutzung per Klick",
        "Eigentümerinnen melden leere Ladenlokale, Kreative buchen sie für Wochen; das Amt "
        "sieht den Leerstand auf einer Karte.",
        ["Lena Schmitz – Produkt", "Tim Krüger – Software"],
        [7, 8, 6],
    ),
]


def deck_pdf(title: str) -> bytes:
    """A one-page PDF naming the pitch (a real, valid PDF for the demo's decks)."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 24 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += str(number).encode() + b" 0 obj\n" + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 " + str(len(objects) + 1).encode() + b"\n0000000000 65535 f \n"
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += b"trailer\n<< /Size " + str(len(objects) + 1).encode() + b" /Root 1 0 R >>\n"
    out += b"startxref\n" + str(xref).encode() + b"\n%%EOF\n"
    return bytes(out)


def _statement(session: Session, editor: Actor) -> int:
    made = problem_statement_service.statement_create(
        session,
        actor=editor,
        data=StatementCreate(
            title=TITLE,
            question="Wie erkennen wir leerstehende Ladenlokale in den Veedeln früh genug, um "
            "Zwischennutzungen zu vermitteln, ohne Daten über Personen zu verarbeiten?",
            context="Die Wirtschaftsförderung führt heute eine Liste von Hand, die ein halbes "
            "Jahr hinterherläuft. Gesucht sind Ansätze, die offene Daten der Stadt nutzen und "
            "in einem Pilot in zwei Veedeln erprobt werden können.",
            department="DIG",
            deadline=utcnow() + dt.timedelta(days=10),
            review_ends=utcnow() + dt.timedelta(days=20),
            criteria=[
                CriterionIn(name="Nutzen für die Veedel", weight=3),
                CriterionIn(name="Datenschutz", weight=2),
                CriterionIn(name="Reife des Teams", weight=1),
            ],
        ),
    )
    return made.id


def load(session: Session, actor: Actor) -> dict[str, int]:
    """Add the demo problem statement with its pitches unless it exists."""
    titles = {s.title for s in problem_statement_service.statement_list(session, actor=actor)}
    people = _people(session, actor)
    if TITLE in titles or EDITOR not in people or JUROR not in people:
        return {"problem_statements": 0, "pitches": 0}
    editor = people[EDITOR]
    sid = _statement(session, editor)
    problem_statement_service.juror_assign(
        session, actor=editor, statement_id=sid, data=JurorIn(email=JUROR)
    )
    ids: list[tuple[int, list[int]]] = []
    for email, title, summary, team, scores in PITCHES:
        person = people[email]
        orgs = challenge_service.my_organisations(session, actor=person)
        made = pitch_service.pitch_create(
            session,
            actor=person,
            statement_id=sid,
            data=PitchCreate(organisation_id=orgs[0][0], title=title, summary=summary, team=team),
            deck_filename="pitch-deck.pdf",
            deck=deck_pdf(title),
        )
        ids.append((made.id, scores))
    problem_statement_service.statement_update(
        session,
        actor=editor,
        statement_id=sid,
        data=StatementUpdate(deadline=utcnow() - dt.timedelta(days=1)),
    )
    for pitch_id, scores in ids:
        sheet = [
            ScoreIn(criterion=c, value=v, comment="Klar gepitcht.") for c, v in enumerate(scores)
        ]
        pitch_service.pitch_score(
            session, actor=people[JUROR], pitch_id=pitch_id, data=ScoreSheet(scores=sheet)
        )
    start = (utcnow() + dt.timedelta(days=14)).replace(hour=16, minute=0, second=0, microsecond=0)
    problem_statement_service.pitch_event_create(
        session,
        actor=editor,
        statement_id=sid,
        data=PitchEventCreate(
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            place="Startplatz, Im Mediapark 5, Köln",
            capacity=40,
            pitch_slots=4,
            slot_minutes=15,
        ),
    )
    for slot, (pitch_id, _) in enumerate(ids, start=1):
        pitch_service.pitch_invite(session, actor=editor, pitch_id=pitch_id, slot=slot)
    return {"problem_statements": 1, "pitches": len(ids)}
