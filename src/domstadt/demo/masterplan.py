"""Demo data for the masterplan: the three fields of action and five sectors (FEATURE-MAP.md),
26 illustrative Cologne measures (real-looking, not official; the IHK-… measures are the
proposals of the IHK Köln resolution "Impulse zum Masterplan Digitales Köln 2025"), a parent
programme with weighted children, KPIs, milestones, a stalled pilot and a budget pool."""

# ruff: noqa: E501

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor
from domstadt.core.errors import NotFound
from domstadt.masterplan import budget_service, service
from domstadt.masterplan import measure_read_service as reader
from domstadt.masterplan import measure_service as writer
from domstadt.masterplan.budget_service import AllocationSet, BudgetPoolUpsert
from domstadt.masterplan.schemas import MeasureCreate, MeasureUpdate, TaxonUpsert

FIELDS = [
    (
        "digitale-verwaltung",
        "Digitale Verwaltung",
        "Digital administration",
        "Verwaltungsleistungen digital, medienbruchfrei und nutzerfreundlich anbieten.",
    ),
    (
        "smart-city",
        "Smart City",
        "Smart city",
        "Vernetzte Infrastruktur, Sensorik und Daten für eine lebenswerte, klimafreundliche Stadt.",
    ),
    (
        "datenoekonomie",
        "Datenökonomie",
        "Data economy",
        "Offene Daten und Datenräume als Grundlage für neue Dienste und Geschäftsmodelle.",
    ),
]
SECTORS = [
    ("verwaltung", "Verwaltung", "Administration"),
    ("energie-umwelt", "Energie und Umwelt", "Energy and environment"),
    ("it-kommunikation", "IT und Kommunikation", "IT and communication"),
    ("mobilitaet", "Mobilität", "Mobility"),
    ("gesellschaft-bildung", "Gesellschaft und Bildung", "Society and education"),
]

DV, SC, DO = "digitale-verwaltung", "smart-city", "datenoekonomie"
VW, EU, IT, MO, GB = (
    "verwaltung",
    "energie-umwelt",
    "it-kommunikation",
    "mobilitaet",
    "gesellschaft-bildung",
)
DOM = {"type": "Point", "coordinates": [6.9583, 50.9413]}


def _m(
    code: str, title: str, fields: list[str], sectors: list[str], lead: str, **kw: Any
) -> dict[str, Any]:
    return {
        "code": code,
        "title": title,
        "fields": fields,
        "sectors": sectors,
        "lead_department": lead,
        **kw,
    }


MEASURES: list[dict[str, Any]] = [
    _m(
        "DV-P",
        "Programm Digitale Verwaltung 2025",
        [DV],
        [VW],
        "DIG",
        summary="Das Dach für alle Vorhaben, mit denen Leistungen der Stadt online und ohne Papier nutzbar werden.",
        description="Bündelt die Umsetzung des Onlinezugangsgesetzes, die E-Akte und neue digitale Bürgerservices. Der Fortschritt ergibt sich gewichtet aus den Teilmaßnahmen.",
        goals="Bis Ende 2026 sind die 100 meistgenutzten Verwaltungsleistungen vollständig digital.",
        status="in_implementation",
        priority="high",
        planned_start="2023-01-01",
        planned_end="2026-12-31",
        actual_start="2023-02-01",
        council_decision="Ratsbeschluss AN/0815/2022",
        contact="digitalisierung@stadt-koeln.example",
    ),
    _m(
        "DV-01",
        "Digitaler Bewohnerparkausweis",
        [DV],
        [VW, MO],
        "33",
        parent="DV-P",
        weight=1,
        summary="Bewohnerparkausweise online beantragen, bezahlen und digital erhalten.",
        description="Antrag, Prüfung der Meldeadresse und Bezahlung laufen online; der Ausweis ist an das Kennzeichen gebunden und wird digital kontrolliert.",
        status="in_operation",
        rollout_stage="city_wide",
        planned_start="2023-03-01",
        planned_end="2024-06-30",
        actual_start="2023-04-01",
        actual_end="2024-09-30",
        partner_departments=["12", "32"],
        kpis=[
            {
                "name": "Anteil Online-Anträge",
                "unit": "%",
                "baseline": 0,
                "target": 80,
                "values": [
                    {"date": "2024-01-31", "value": 35, "source": "Fachverfahren Bewohnerparken"},
                    {"date": "2024-06-30", "value": 61, "source": "Fachverfahren Bewohnerparken"},
                    {"date": "2025-06-30", "value": 78, "source": "Fachverfahren Bewohnerparken"},
                ],
            }
        ],
        milestones=[
            {
                "title": "Pilot Bezirk Innenstadt",
                "planned_date": "2023-10-01",
                "actual_date": "2023-11-15",
            },
            {
                "title": "Stadtweiter Start",
                "planned_date": "2024-06-30",
                "actual_date": "2024-09-30",
            },
        ],
    ),
    _m(
        "DV-02",
        "Digitaler Bauantrag",
        [DV],
        [VW],
        "63",
        parent="DV-P",
        weight=2,
        summary="Bauanträge werden digital eingereicht und von allen beteiligten Stellen parallel geprüft.",
        description="Einführung des digitalen Bauantrags nach dem EfA-Modell NRW mit Beteiligung der Fachämter über eine gemeinsame Plattform.",
        status="in_implementation",
        progress=60,
        rollout_stage="rollout",
        planned_start="2024-01-01",
        planned_end="2026-06-30",
        actual_start="2024-02-15",
        partner_departments=["61", "12"],
        risks="Schnittstellen der Fachverfahren; Schulungsbedarf in den Bauaufsichten.",
        kpis=[
            {
                "name": "Digital eingereichte Bauanträge",
                "unit": "%",
                "baseline": 5,
                "target": 90,
                "values": [
                    {"date": "2024-06-30", "value": 22, "source": "Bauaufsichtsamt"},
                    {"date": "2025-06-30", "value": 54, "source": "Bauaufsichtsamt"},
                ],
            }
        ],
    ),
    _m(
        "DV-03",
        "E-Akte in der gesamten Verwaltung",
        [DV],
        [VW, IT],
        "10",
        parent="DV-P",
        weight=3,
        summary="Alle Ämter arbeiten mit der elektronischen Akte statt mit Papierakten.",
        description="Stufenweise Einführung der E-Akte in allen Ämtern, inklusive Scanstelle und Schulung.",
        status="in_implementation",
        progress=45,
        rollout_stage="rollout",
        planned_start="2022-07-01",
        planned_end="2026-12-31",
        actual_start="2022-09-01",
        partner_departments=["12"],
        milestones=[
            {
                "title": "20 Ämter angeschlossen",
                "planned_date": "2024-12-31",
                "actual_date": "2025-02-28",
            },
            {"title": "Alle Ämter angeschlossen", "planned_date": "2026-12-31"},
        ],
    ),
    _m(
        "DV-04",
        "Online-Terminvergabe der Kundenzentren",
        [DV],
        [VW, GB],
        "33",
        parent="DV-P",
        weight=1,
        summary="Termine in allen Kundenzentren online buchen, mit Erinnerung und Warteliste.",
        status="completed",
        rollout_stage="city_wide",
        planned_start="2022-01-01",
        planned_end="2023-06-30",
        actual_start="2022-01-10",
        actual_end="2023-05-31",
    ),
    _m(
        "DV-05",
        "KI-Assistenz für das Bürgertelefon",
        [DV],
        [VW, IT],
        "33",
        parent="DV-P",
        weight=1,
        summary="Ein Sprachassistent beantwortet Standardfragen am Telefon rund um die Uhr.",
        description="Pilot eines KI-gestützten Assistenten für häufige Anliegen (Öffnungszeiten, Unterlagen, Terminbuchung); Übergabe an Mitarbeitende jederzeit möglich.",
        status="in_implementation",
        progress=70,
        rollout_stage="pilot",
        planned_start="2024-09-01",
        planned_end="2025-08-31",
        actual_start="2024-10-01",
        success_criteria="Mindestens 40 % der Anrufe ohne Weiterleitung gelöst; Zufriedenheit ≥ 4 von 5.",
        risks="Datenschutz bei Sprachaufzeichnung; Akzeptanz.",
    ),
    _m(
        "SC-03",
        "LoRaWAN-Funknetz für städtische Sensorik",
        [SC],
        [IT],
        "12",
        summary="Ein stadtweites Funknetz, über das Sensoren energiesparend Messwerte senden.",
        description="Aufbau von 120 Gateways auf städtischen Gebäuden, offen für Projekte der Stadt und ihrer Beteiligungen.",
        status="in_operation",
        rollout_stage="city_wide",
        planned_start="2022-01-01",
        planned_end="2024-12-31",
        actual_start="2022-03-01",
        actual_end="2024-11-30",
        location=DOM,
        kpis=[
            {
                "name": "Aktive Gateways",
                "unit": "Anzahl",
                "baseline": 0,
                "target": 120,
                "values": [
                    {"date": "2023-01-01", "value": 40, "source": "Amt 12"},
                    {"date": "2024-01-01", "value": 95, "source": "Amt 12"},
                    {"date": "2024-11-30", "value": 121, "source": "Amt 12"},
                ],
            }
        ],
    ),
    _m(
        "SC-01",
        "Sensorbasierte Parkraumerfassung Ehrenfeld",
        [SC],
        [MO],
        "69",
        summary="Sensoren zeigen freie Parkplätze in Ehrenfeld in Echtzeit an.",
        description="Pilot mit 400 Bodensensoren; die Belegung fließt in Parkleitsystem und Open Data.",
        status="in_operation",
        progress=90,
        rollout_stage="pilot",
        planned_start="2024-01-01",
        planned_end="2025-06-30",
        actual_start="2024-03-01",
        requires=["SC-03"],
        success_criteria="Parksuchverkehr im Quartier um 15 % gesenkt.",
        location={
            "type": "Polygon",
            "coordinates": [
                [[6.91, 50.95], [6.93, 50.95], [6.93, 50.96], [6.91, 50.96], [6.91, 50.95]]
            ],
        },
        links=[
            {
                "title": "Parkplatzbelegung (Datastream)",
                "url": "https://sensoren.stadt-koeln.example/sta/v1.1/Datastreams(12)",
                "kind": "datastream",
            }
        ],
        kpis=[
            {
                "name": "Parksuchverkehr",
                "unit": "Fahrzeuge/h",
                "baseline": 420,
                "target": 357,
                "values": [
                    {"date": "2024-06-30", "value": 401, "source": "Verkehrszählung"},
                    {"date": "2025-03-31", "value": 372, "source": "Verkehrszählung"},
                ],
            }
        ],
    ),
    _m(
        "SC-02",
        "Digitale Verkehrslenkung auf den Ringen",
        [SC],
        [MO],
        "69",
        summary="Ampeln auf den Ringen reagieren auf das aktuelle Verkehrsaufkommen.",
        status="in_preparation",
        rollout_stage="idea",
        planned_start="2025-04-01",
        planned_end="2027-12-31",
        partner_departments=["66"],
    ),
    _m(
        "SC-04",
        "Bodenfeuchtesensoren für Stadtbäume",
        [SC],
        [EU],
        "67",
        summary="Sensoren melden, welche Straßenbäume Wasser brauchen, damit gezielt gegossen wird.",
        status="in_implementation",
        progress=55,
        rollout_stage="rollout",
        planned_start="2024-04-01",
        planned_end="2026-10-31",
        requires=["SC-03"],
        kpis=[
            {
                "name": "Bäume mit Sensor",
                "unit": "Anzahl",
                "baseline": 0,
                "target": 2000,
                "values": [
                    {"date": "2024-10-01", "value": 300, "source": "Amt 67"},
                    {"date": "2025-06-01", "value": 1100, "source": "Amt 67"},
                ],
            }
        ],
    ),
    _m(
        "SC-05",
        "Smarte Straßenbeleuchtung",
        [SC],
        [EU, MO],
        "66",
        summary="LED-Leuchten dimmen nachts und melden Ausfälle selbst.",
        status="planned",
        planned_start="2026-01-01",
        planned_end="2029-12-31",
    ),
    _m(
        "SC-06",
        "Messnetz Luftqualität in den Veedeln",
        [SC, DO],
        [EU],
        "57",
        summary="Günstige Sensoren ergänzen die amtlichen Messstationen und zeigen die Luftqualität im Viertel.",
        status="in_operation",
        rollout_stage="evaluated",
        planned_start="2023-05-01",
        planned_end="2026-12-31",
        requires=["SC-03"],
    ),
    _m(
        "DO-01",
        "Relaunch Offene Daten Köln",
        [DO],
        [IT],
        "12",
        summary="Das Open-Data-Portal bekommt einheitliche Formate und eine Programmierschnittstelle.",
        status="in_implementation",
        progress=40,
        planned_start="2025-01-01",
        planned_end="2026-06-30",
        kpis=[
            {
                "name": "Veröffentlichte Datensätze",
                "unit": "Anzahl",
                "baseline": 1200,
                "target": 2000,
                "values": [
                    {"date": "2025-01-01", "value": 1250, "source": "offenedaten-koeln.example"},
                    {"date": "2025-09-01", "value": 1490, "source": "offenedaten-koeln.example"},
                ],
            }
        ],
    ),
    _m(
        "DO-02",
        "Urbane Datenplattform Köln",
        [DO, SC],
        [IT],
        "DIG",
        summary="Eine gemeinsame Plattform führt Sensor-, Geo- und Verwaltungsdaten zusammen.",
        status="in_preparation",
        rollout_stage="pilot",
        planned_start="2025-03-01",
        planned_end="2026-12-31",
        requires=["SC-03", "DO-01"],
    ),
    _m(
        "DO-03",
        "Open-Data-Hackathon Mobilität",
        [DO],
        [MO, GB],
        "80",
        summary="Entwicklerinnen und Start-ups bauen an einem Wochenende Anwendungen mit städtischen Mobilitätsdaten.",
        status="completed",
        planned_start="2025-05-16",
        planned_end="2025-05-18",
        actual_start="2025-05-16",
        actual_end="2025-05-18",
        partner_organisations=["IHK Köln"],
    ),
    _m(
        "DO-04",
        "Datenkooperation mit Energieversorgern",
        [DO],
        [EU],
        "57",
        summary="Verbrauchsdaten in Quartieren helfen, die Wärmeplanung zu verbessern.",
        status="paused",
        progress=30,
        rollout_stage="evaluated",
        planned_start="2024-01-01",
        planned_end="2025-09-30",
        success_criteria="Datenbasis für die kommunale Wärmeplanung in drei Quartieren.",
    ),
    _m(
        "IHK-01",
        "Beteiligungsformate der Wirtschaft zu jedem Handlungsfeld",
        [DV, SC, DO],
        [VW],
        "80",
        summary="Unternehmen geben zu den Maßnahmen des Masterplans regelmäßig Rückmeldung (IHK-Vorschlag).",
        description="Aus der IHK-Resolution: Die Einschätzungen der Unternehmen als Stakeholder des Masterplans werden über Beteiligungsformate und Austauschplattformen je Handlungsfeld berücksichtigt.",
        status="planned",
        planned_start="2026-01-01",
        planned_end="2026-12-31",
        partner_organisations=["IHK Köln"],
    ),
    _m(
        "IHK-02",
        "Reallabore und UX-Tests für Unternehmensservices",
        [DV],
        [VW],
        "DIG",
        summary="Regionale Unternehmen testen neue digitale Services der Stadt, bevor sie starten (IHK-Vorschlag).",
        status="idea",
        partner_organisations=["IHK Köln", "TH Köln – Institut für Informatik"],
    ),
    _m(
        "IHK-03",
        "Regelmäßiger Statusbericht zum Masterplan",
        [DV, SC, DO],
        [VW],
        "DIG",
        summary="Der Stand jeder Maßnahme wird öffentlich gezeigt und regelmäßig berichtet (IHK-Vorschlag).",
        status="in_implementation",
        progress=60,
        rollout_stage="pilot",
        planned_start="2025-06-01",
        planned_end="2026-06-30",
    ),
    _m(
        "IHK-04",
        "KI-Check für alle Maßnahmen",
        [DV, SC, DO],
        [VW, IT],
        "DIG",
        summary="Bei jeder Maßnahme wird geprüft, ob Künstliche Intelligenz sinnvoll eingesetzt werden kann (IHK-Vorschlag).",
        status="planned",
        planned_start="2026-01-01",
        planned_end="2026-12-31",
    ),
    _m(
        "IHK-05",
        "Open Data by Default",
        [DO],
        [IT, VW],
        "12",
        summary="Daten der Stadt werden grundsätzlich offen veröffentlicht, wenn nichts dagegen spricht (IHK-Vorschlag).",
        status="in_preparation",
        planned_start="2025-09-01",
        planned_end="2027-12-31",
        blocks=["DO-02"],
    ),
    _m(
        "IHK-06",
        "Flexibles Digital- und Innovationsbudget",
        [DV, SC, DO],
        [VW],
        "20",
        summary="Ein eigenes Budget finanziert erfolgreiche Piloten bis zum stadtweiten Einsatz (IHK-Vorschlag).",
        status="in_operation",
        planned_start="2025-01-01",
        planned_end="2027-12-31",
    ),
    _m(
        "IHK-07",
        "Start-up-Pitches zu städtischen Fragestellungen",
        [SC],
        [GB],
        "80",
        summary="Die Stadt stellt konkrete Aufgaben; Start-ups stellen ihre Lösungen vor (IHK-Vorschlag).",
        status="planned",
        planned_start="2026-03-01",
        planned_end="2026-11-30",
        partner_organisations=["IHK Köln"],
    ),
    _m(
        "IHK-08",
        "Mobilfunklücken im ÖPNV schließen",
        [SC],
        [MO, IT],
        "69",
        summary="Durchgehender Datenempfang in Bahnen und Bussen (IHK-Vorschlag).",
        status="under_reservation",
        planned_start="2026-01-01",
        planned_end="2028-12-31",
    ),
    _m(
        "IHK-09",
        "Regionale KI-Ideenwettbewerbe für die Smart City",
        [SC],
        [GB, IT],
        "80",
        summary="Wettbewerbe holen Ideen regionaler KI-Unternehmen in die Smart City (IHK-Vorschlag).",
        status="idea",
    ),
    _m(
        "IHK-10",
        "Dezernatsübergreifende Verantwortung für Digitalisierung",
        [DV],
        [VW],
        "DIG",
        summary="Eine zentrale Stelle steuert die Digitalisierung über alle Dezernate hinweg (IHK-Vorschlag).",
        status="in_implementation",
        progress=35,
        planned_start="2025-01-01",
        planned_end="2026-12-31",
        partner_departments=["OB"],
    ),
]

LATER_UPDATES: list[tuple[str, dict[str, Any]]] = [
    (
        "SC-02",
        {
            "status": "in_implementation",
            "progress": 20,
            "rollout_stage": "pilot",
            "description": "Adaptive Steuerung von 42 Lichtsignalanlagen zwischen Ubierring und Ebertplatz auf Basis von Verkehrsdetektoren.",
        },
    ),
    (
        "DO-01",
        {
            "progress": 50,
            "summary": "Das Open-Data-Portal bekommt einheitliche Formate, eine Programmierschnittstelle und bessere Suche.",
        },
    ),
]
"""Changes applied right after the first load, so the demo shows version history."""

POOL = {
    "slug": "digital-innovationsbudget",
    "name": "Digital- und Innovationsbudget",
    "description": "Flexibles Budget für Piloten und ihren stadtweiten Rollout (S6.4).",
    "years": [{"year": 2025, "amount": "4000000"}, {"year": 2026, "amount": "5500000"}],
}
ALLOCATIONS = [
    ("SC-01", 2025, "450000", "420000", "380000"),
    ("DV-05", 2025, "300000", "300000", "210000"),
    ("DO-02", 2025, "900000", "800000", "150000"),
    ("DO-02", 2026, "1200000", "1000000", "0"),
    ("SC-04", 2026, "600000", "500000", "0"),
    ("IHK-03", 2026, "150000", "120000", "0"),
]


def _taxonomy(session: Session, actor: Actor) -> dict[str, int]:
    """Upsert fields of action and sectors (idempotent)."""
    before = service.taxonomy(session, actor=actor)
    for pos, (slug, name, name_en, text) in enumerate(FIELDS):
        service.taxon_upsert(
            session,
            actor=actor,
            kind="field_of_action",
            data=TaxonUpsert(slug=slug, name=name, name_en=name_en, description=text, position=pos),
        )
    for pos, (slug, name, name_en) in enumerate(SECTORS):
        service.taxon_upsert(
            session,
            actor=actor,
            kind="sector",
            data=TaxonUpsert(slug=slug, name=name, name_en=name_en, position=pos),
        )
    return {
        "fields_of_action": len(FIELDS) - len(before.fields_of_action),
        "sectors": len(SECTORS) - len(before.sectors),
    }


def _measures(session: Session, actor: Actor) -> tuple[int, dict[str, int]]:
    """Create the demo measures that do not exist yet (by code), then the later changes."""
    ids: dict[str, int] = {}
    added: list[str] = []
    for values in MEASURES:
        try:
            ids[values["code"]] = reader.measure_get_by_code(
                session, actor=actor, code=values["code"]
            ).id
        except NotFound:
            created = writer.measure_create(
                session, actor=actor, data=MeasureCreate.model_validate(values)
            )
            ids[created.code] = created.id
            added.append(created.code)
    for code, change in LATER_UPDATES:
        if code in added:
            writer.measure_update(
                session, actor=actor, measure_id=ids[code], data=MeasureUpdate(**change)
            )
    return len(added), ids


def _budget(session: Session, actor: Actor, ids: dict[str, int]) -> int:
    """The budget pool and its allocations; existing allocations are left as they are."""
    pool = budget_service.budget_pool_upsert(
        session, actor=actor, data=BudgetPoolUpsert.model_validate(POOL)
    )
    have = {(a.measure.code, a.year) for a in pool.allocations}
    count = 0
    for code, year, planned, approved, spent in ALLOCATIONS:
        if (code, year) in have:
            continue
        budget_service.allocation_set(
            session,
            actor=actor,
            data=AllocationSet(
                pool=POOL["slug"],
                measure_id=ids[code],
                year=year,
                planned=planned,
                approved=approved,
                spent=spent,
            ),
        )
        count += 1
    return count


def load(session: Session, actor: Actor) -> dict[str, int]:
    """Taxonomy, measures and budget; running it again adds nothing."""
    counts = _taxonomy(session, actor)
    counts["measures"], ids = _measures(session, actor)
    counts["budget_allocations"] = _budget(session, actor, ids)
    return counts
