"""Demo data for the core: the City of Cologne's Dezernate and Ämter, organisations, people.

The department structure follows the city's published organisation chart (Dezernate I–IX
and the Lord Mayor's office, with a selection of their Ämter and their official numbers).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from domstadt.core.auth import directory_service as directory
from domstadt.core.auth import service as auth
from domstadt.core.auth.models import DepartmentKind, OrganisationKind, Role
from domstadt.core.auth.permissions import Actor
from domstadt.core.auth.schemas import DepartmentCreate, OrganisationCreate, UserCreate
from domstadt.core.errors import Conflict

D, A, S = DepartmentKind.DEZERNAT, DepartmentKind.AMT, DepartmentKind.STABSSTELLE

# (code, name, kind, parent code)
DEPARTMENTS: list[tuple[str, str, DepartmentKind, str | None]] = [
    ("OB", "Dezernat der Oberbürgermeisterin / des Oberbürgermeisters", D, None),
    ("01", "Amt der Oberbürgermeisterin / des Oberbürgermeisters", A, "OB"),
    ("13", "Amt für Presse- und Öffentlichkeitsarbeit", A, "OB"),
    ("14", "Rechnungsprüfungsamt", A, "OB"),
    ("I", "Dezernat I – Allgemeine Verwaltung, Ordnung und Recht", D, None),
    ("10", "Personal- und Verwaltungsmanagement", A, "I"),
    ("12", "Amt für Informationsverarbeitung", A, "I"),
    ("DIG", "Stabsstelle Digitalisierung", S, "I"),
    ("32", "Amt für öffentliche Ordnung", A, "I"),
    ("33", "Amt für Bürgerdienste", A, "I"),
    ("37", "Feuerwehr", A, "I"),
    ("II", "Dezernat II – Finanzen", D, None),
    ("20", "Kämmerei", A, "II"),
    ("21", "Kassen- und Steueramt", A, "II"),
    ("III", "Dezernat III – Wirtschaft und Liegenschaften", D, None),
    ("23", "Amt für Liegenschaften, Vermessung und Kataster", A, "III"),
    ("80", "Amt für Wirtschaftsförderung und Digitalwirtschaft", A, "III"),
    ("IV", "Dezernat IV – Bildung, Jugend und Sport", D, None),
    ("40", "Amt für Schulentwicklung", A, "IV"),
    ("51", "Amt für Kinder, Jugend und Familie", A, "IV"),
    ("V", "Dezernat V – Soziales, Gesundheit und Wohnen", D, None),
    ("50", "Amt für Soziales, Arbeit und Senioren", A, "V"),
    ("53", "Gesundheitsamt", A, "V"),
    ("VI", "Dezernat VI – Planen und Bauen", D, None),
    ("61", "Stadtplanungsamt", A, "VI"),
    ("63", "Bauaufsichtsamt", A, "VI"),
    ("VII", "Dezernat VII – Kunst und Kultur", D, None),
    ("41", "Kulturamt", A, "VII"),
    ("VIII", "Dezernat VIII – Mobilität", D, None),
    ("66", "Amt für Straßen und Radwegebau", A, "VIII"),
    ("69", "Amt für Verkehrsmanagement", A, "VIII"),
    ("IX", "Dezernat IX – Klima, Umwelt und Grün", D, None),
    ("57", "Amt für Umwelt- und Verbraucherschutz", A, "IX"),
    ("67", "Amt für Landschaftspflege und Grünflächen", A, "IX"),
]

ORGANISATIONS: list[tuple[str, OrganisationKind, str, str, bool]] = [
    ("IHK Köln", OrganisationKind.PUBLIC_BODY, "https://www.ihk.de/koeln", "Köln", True),
    ("Rheinland Digital GmbH", OrganisationKind.COMPANY, "", "Köln", True),
    ("Domblick Analytics UG", OrganisationKind.STARTUP, "", "Köln", True),
    ("Veedel Mobil e. V.", OrganisationKind.ASSOCIATION, "", "Köln", False),
    (
        "TH Köln – Institut für Informatik",
        OrganisationKind.RESEARCH,
        "https://www.th-koeln.de",
        "Köln",
        True,
    ),
]

# (e-mail, name, role, department code, organisation)
PEOPLE: list[tuple[str, str, Role, str | None, str | None]] = [
    ("admin@domstadt.koeln", "Dana Admin", Role.ADMIN, None, None),
    ("redaktion.digital@domstadt.koeln", "Erik Redakteur", Role.EDITOR, "DIG", None),
    ("redaktion.mobilitaet@domstadt.koeln", "Mira Mobil", Role.EDITOR, "VIII", None),
    ("moderation@domstadt.koeln", "Moritz Moderator", Role.MODERATOR, None, None),
    ("lena@rheinland-digital.example", "Lena Schmitz", Role.MEMBER, None, "Rheinland Digital GmbH"),
    ("jonas@domblick.example", "Jonas Becker", Role.MEMBER, None, "Domblick Analytics UG"),
    ("buergerin@example.org", "Ayşe Yılmaz", Role.MEMBER, None, None),
]

DEMO_PASSWORD = "domstadt-demo-2026"


def load(session: Session, actor: Actor) -> dict[str, int]:
    """Create what is missing; returns how many records were added per kind."""
    added = {"departments": 0, "organisations": 0, "people": 0}
    existing = {d.code for d in directory.department_list(session, actor=actor)}
    for code, name, kind, parent in DEPARTMENTS:
        if code not in existing:
            directory.department_create(
                session,
                actor=actor,
                data=DepartmentCreate(code=code, name=name, kind=kind, parent_code=parent),
            )
            added["departments"] += 1
    orgs = {o.name: o for o in directory.organisation_list(session, actor=actor)}
    for name, okind, website, city, verified in ORGANISATIONS:
        if name not in orgs:
            org = directory.organisation_create(
                session,
                actor=actor,
                data=OrganisationCreate(name=name, kind=okind, website=website, city=city),
            )
            if verified:
                org = directory.organisation_verify(session, actor=actor, organisation_id=org.id)
            orgs[name] = org
            added["organisations"] += 1
    for email, person, role, dept, org_name in PEOPLE:
        try:
            auth.user_create(
                session,
                actor=actor,
                data=UserCreate(
                    email=email,
                    name=person,
                    role=role,
                    password=DEMO_PASSWORD,
                    department_code=dept,
                ),
            )
        except Conflict:
            continue
        added["people"] += 1
        if org_name:
            directory.organisation_add_member(
                session, actor=actor, organisation_id=orgs[org_name].id, email=email
            )
    return added
