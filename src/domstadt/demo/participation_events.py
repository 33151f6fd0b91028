"""Demo events and labs (S1.2, S3.4, S3.5): ten events around the load date (past and
upcoming, one cancelled, one by the IHK), a UX test of the Bürgerkonto with 12 SUS answers
after an earlier round (so the trend has two points), and an upcoming real-world lab session.
Loaded through the services; running it again adds nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from domstadt.core.auth import directory_service as directory
from domstadt.core.auth.permissions import Actor
from domstadt.core.errors import NotFound
from domstadt.masterplan import measure_read_service as reader
from domstadt.participation import event_service, lab_finding_service, lab_service
from domstadt.participation.events.models import EventKind
from domstadt.participation.events.schemas import BERLIN, EventCreate
from domstadt.participation.labs.models import LabKind, Severity
from domstadt.participation.labs.schemas import FindingCreate, LabSessionCreate

K = EventKind
# (days from today, start hour, hours, title, kind, organiser (department code or
#  "org:<name>"), place, fields, measure codes, capacity, cancelled)
EVENTS: list[
    tuple[int, int, int, str, EventKind, str, str, list[str], list[str], int | None, bool]
] = [
    (
        -40,
        18,
        2,
        "Open Data Meetup Köln #23",
        K.MEETUP,
        "DIG",
        "Stadthaus Deutz",
        ["datenoekonomie"],
        ["DO-01"],
        80,
        False,
    ),
    (
        -21,
        9,
        8,
        "Hackathon-Tag Verkehrsdaten",
        K.HACKATHON_DAY,
        "69",
        "Startplatz, Mediapark 5",
        ["smart-city", "datenoekonomie"],
        ["DO-01"],
        60,
        False,
    ),
    (
        -7,
        17,
        3,
        "Pitch-Abend: Start-ups für die Verwaltung",
        K.PITCH_EVENT,
        "80",
        "Gürzenich, Martinstraße 29-37",
        ["digitale-verwaltung"],
        [],
        120,
        False,
    ),
    (
        3,
        10,
        2,
        "Labortermin: Digitale Gewerbeanmeldung testen",
        K.LAB_SESSION,
        "DIG",
        "Bürgeramt Innenstadt",
        ["digitale-verwaltung"],
        ["DV-01"],
        8,
        False,
    ),
    (
        9,
        18,
        2,
        "Smart City Meetup: Sensoren im Veedel",
        K.MEETUP,
        "org:TH Köln – Institut für Informatik",
        "TH Köln, Campus Deutz",
        ["smart-city"],
        ["SC-01"],
        50,
        False,
    ),
    (
        16,
        9,
        9,
        "Digitalkongress Köln 2027",
        K.CONGRESS,
        "org:IHK Köln",
        "IHK Köln, Unter Sachsenhausen 10-26",
        ["digitale-verwaltung", "datenoekonomie"],
        ["IHK-01"],
        400,
        False,
    ),
    (
        23,
        14,
        3,
        "Werkstatt: Offene Schnittstellen für Unternehmen",
        K.WORKSHOP,
        "DIG",
        "Stadthaus Deutz, Raum B 12",
        ["datenoekonomie"],
        ["DO-01"],
        20,
        False,
    ),
    (
        30,
        18,
        2,
        "Meetup Verwaltung digital – abgesagt",
        K.MEETUP,
        "12",
        "Online",
        ["digitale-verwaltung"],
        [],
        None,
        True,
    ),
    (
        45,
        9,
        8,
        "Hackathon-Tag Klimadaten",
        K.HACKATHON_DAY,
        "57",
        "Startplatz, Mediapark 5",
        ["smart-city"],
        [],
        60,
        False,
    ),
    (
        60,
        17,
        3,
        "Pitch-Event: Ideen für das Bürgerkonto",
        K.PITCH_EVENT,
        "DIG",
        "Historisches Rathaus",
        ["digitale-verwaltung"],
        ["DV-01"],
        100,
        False,
    ),
]

SERVICE = "Bürgerkonto Köln"
# Twelve questionnaires of the second round, six of the first (answers 1..5, items 1..10).
SUS_ROUND_2 = [
    [4, 2, 4, 2, 4, 1, 5, 2, 4, 2],
    [5, 1, 5, 1, 4, 2, 5, 1, 5, 1],
    [4, 2, 4, 2, 3, 2, 4, 2, 4, 3],
    [3, 3, 4, 2, 3, 2, 4, 3, 3, 2],
    [5, 2, 4, 1, 4, 1, 5, 2, 4, 2],
    [4, 1, 5, 2, 4, 2, 4, 1, 5, 2],
    [3, 2, 3, 3, 3, 3, 4, 2, 3, 3],
    [4, 2, 4, 2, 5, 1, 4, 2, 4, 1],
    [5, 1, 4, 2, 4, 2, 5, 1, 4, 2],
    [4, 3, 4, 2, 3, 2, 3, 2, 4, 3],
    [4, 2, 5, 1, 4, 2, 4, 2, 4, 2],
    [3, 2, 4, 2, 4, 3, 4, 2, 3, 2],
]
SUS_ROUND_1 = [
    [3, 3, 3, 3, 3, 2, 3, 3, 3, 3],
    [2, 4, 3, 3, 3, 3, 3, 4, 2, 4],
    [4, 2, 3, 3, 4, 2, 3, 3, 3, 3],
    [3, 3, 2, 4, 3, 3, 3, 3, 3, 4],
    [3, 2, 4, 3, 3, 2, 4, 3, 3, 3],
    [2, 3, 3, 3, 3, 3, 3, 4, 3, 3],
]


def _at(today: dt.date, days: int, hour: int) -> dt.datetime:
    day = today + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=BERLIN)


def _measure_ids(session: Session, actor: Actor, codes: list[str]) -> list[int]:
    ids = []
    for code in codes:
        try:
            ids.append(reader.measure_get_by_code(session, actor=actor, code=code).id)
        except NotFound:
            continue
    return ids


def _organiser(session: Session, actor: Actor, who: str) -> dict[str, object] | None:
    if not who.startswith("org:"):
        return {"department_code": who}
    orgs = {o.name: o.id for o in directory.organisation_list(session, actor=actor)}
    org_id = orgs.get(who[4:])
    return None if org_id is None else {"organisation_id": org_id}


def _events(session: Session, actor: Actor, today: dt.date) -> int:
    existing = {e.title for e in event_service.event_list(session, actor=actor).items}
    added = 0
    for days, hour, hours, title, kind, who, place, fields, codes, capacity, cancel in EVENTS:
        organiser = _organiser(session, actor, who)
        if title in existing or organiser is None:
            continue
        start = _at(today, days, hour)
        data = EventCreate.model_validate(
            {
                "title": title,
                "kind": kind,
                **organiser,
                "starts_at": start,
                "ends_at": start + dt.timedelta(hours=hours),
                "place": place,
                "online_url": "https://meet.stadt-koeln.example/verwaltung" if cancel else "",
                "description": f"{title}. Offen für alle Interessierten; Anmeldung über Domstadt.",
                "capacity": capacity,
                "fields": fields,
                "measure_ids": _measure_ids(session, actor, codes),
            }
        )
        event = event_service.event_create(session, actor=actor, data=data)
        if cancel:
            event_service.event_cancel(session, actor=actor, event_id=event.id)
        added += 1
    return added


def _lab(
    session: Session, actor: Actor, start: dt.datetime, title: str, kind: LabKind, **extra: object
) -> int:
    data = LabSessionCreate.model_validate(
        {
            "title": title,
            "kind": kind,
            "department_code": "DIG",
            "starts_at": start,
            "place": "Stadthaus Deutz, UX-Labor",
            **extra,
        }
    )
    return lab_service.lab_create(session, actor=actor, data=data).id


def _labs(session: Session, actor: Actor, today: dt.date) -> dict[str, int]:
    added = {"lab_sessions": 0, "sus_answers": 0}
    if lab_service.lab_overview(session, actor=actor).items:
        return added
    dv = _measure_ids(session, actor, ["DV-01"])
    tasks = [
        "Legen Sie ein Bürgerkonto an und bestätigen Sie Ihre E-Mail-Adresse.",
        "Melden Sie einen Umzug innerhalb Kölns.",
        "Finden Sie den Stand Ihres Antrags.",
    ]
    rounds = [
        (-90, "UX-Test Bürgerkonto, Runde 1", SUS_ROUND_1),
        (-14, "UX-Test Bürgerkonto, Runde 2", SUS_ROUND_2),
    ]
    for days, title, answers in rounds:
        lab_id = _lab(
            session,
            actor,
            _at(today, days, 10),
            title,
            LabKind.UX_TEST,
            service_name=SERVICE,
            measure_id=dv[0] if dv else None,
            capacity=12,
            tasks=tasks,
            description="Zwölf Kölnerinnen und Kölner testen das Bürgerkonto mit drei Aufgaben.",
        )
        for one in answers:
            lab_service.sus_submit(session, actor=actor, session_id=lab_id, answers=one)
            added["sus_answers"] += 1
        added["lab_sessions"] += 1
    for severity, text in (
        (
            Severity.MAJOR,
            "Der Bestätigungslink landet oft im Spam-Ordner; drei von zwölf "
            "Personen kamen nicht weiter.",
        ),
        (Severity.MINOR, "Die Umzugsmeldung fragt das Einzugsdatum zweimal ab."),
        (Severity.COSMETIC, "Der Antragsstatus nutzt Fachbegriffe („Vorgang in Bearbeitung“)."),
    ):
        lab_finding_service.finding_add(
            session,
            actor=actor,
            session_id=lab_id,
            data=FindingCreate(severity=severity, text=text),
        )
    _lab(
        session,
        actor,
        _at(today, 10, 14),
        "Reallabor: Sensorbox im Veedel",
        LabKind.LAB,
        service_name="Sensorbox Veedel",
        capacity=10,
        tasks=["Bauen Sie die Sensorbox auf.", "Lesen Sie die Werte auf der Karte ab."],
        description="Anwohnende testen mit der TH Köln eine Sensorbox für Luftqualität.",
    )
    added["lab_sessions"] += 1
    return added


def load(session: Session, actor: Actor) -> dict[str, int]:
    """Add the demo events and lab sessions that are missing."""
    today = dt.date.today()
    return {"events": _events(session, actor, today), **_labs(session, actor, today)}
