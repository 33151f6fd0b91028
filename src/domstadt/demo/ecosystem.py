"""Demo data of the competence and ecosystem directory (issue 11): 40 organisations with
competences and CPV codes, CPV codes on the demo measures (so every measure has regional
providers), and two people who opted in.

Real organisations (``REAL``) are named in the public sources listed in
``tests/funding/ecosystem/data/SOURCES.md`` (KölnBusiness' magazine and website, a Fraunhofer
IAIS press release, a Railslove company profile); they carry only the competences those
sources state, no CPV codes, and are left unverified. A list of Cologne organisations with their
competences under an open licence could not be fetched, so the other 30 (``INVENTED``) are
invented: their names end in "(Beispiel)", their websites in ``.example`` and their
descriptions say so."""

from __future__ import annotations

from sqlalchemy.orm import Session

from domstadt.core.auth import service as auth
from domstadt.core.auth.models import OrganisationKind, Role
from domstadt.core.auth.permissions import Actor
from domstadt.core.auth.schemas import UserCreate
from domstadt.core.errors import Conflict, NotFound
from domstadt.demo.core import DEMO_PASSWORD
from domstadt.funding import ecosystem_service
from domstadt.funding.ecosystem.schemas import CpvUpdate, PersonProfileUpdate
from domstadt.masterplan import measure_read_service
from domstadt.participation.organisations import service as organisations
from domstadt.participation.organisations.schemas import OrganisationRegister

C, S, A, R, P = (
    OrganisationKind.COMPANY, OrganisationKind.STARTUP, OrganisationKind.ASSOCIATION,
    OrganisationKind.RESEARCH, OrganisationKind.PUBLIC_BODY,
)  # fmt: skip

# (name, kind, city, Stadtbezirk, website, description, competences (free tags), CPV codes)
Org = tuple[str, OrganisationKind, str, str, str, str, list[str], list[str]]

REAL: list[Org] = [
    ("DeepL SE", C, "Köln", "", "https://www.deepl.com",
     "Kölner KI-Unternehmen; laut KI-Bundesverband das wertvollste KI-Unternehmen Deutschlands.",
     ["KI"], []),
    ("foodforecast", S, "Köln", "", "",
     "Kölner Start-up: KI bestellt für Bäckereien die Brötchen.",
     ["KI", "Bestellprozesse", "Bäckereien"], []),
    ("Fraunhofer IAIS", R, "Sankt Augustin", "", "https://www.iais.fraunhofer.de",
     "Fraunhofer-Institut für Intelligente Analyse- und Informationssysteme; leitet KI.NRW.",
     ["Künstliche Intelligenz", "Maschinelles Lernen", "Big Data"], []),
    ("KI.NRW", R, "Sankt Augustin", "", "https://www.ki.nrw",
     "Kompetenzplattform Künstliche Intelligenz des Landes NRW (KI-Landkarte).",
     ["KI", "Technologietransfer"], []),
    ("DLR-Institut für KI-Sicherheit", R, "Sankt Augustin", "", "https://www.dlr.de",
     "Institut des Deutschen Zentrums für Luft- und Raumfahrt; KI-Sicherheit, u. a. für die "
     "Mobilität.", ["KI-Sicherheit", "Mobilität"], []),
    ("Universität zu Köln", R, "Köln", "Lindenthal", "https://www.uni-koeln.de",
     "Universität mit einem Lehrstuhl für Künstliche Intelligenz.",
     ["Künstliche Intelligenz"], []),
    ("KölnBusiness Wirtschaftsförderung", P, "Köln", "", "https://www.koeln.business",
     "Wirtschaftsförderung der Stadt Köln: Innovationsmanagement und Beratung für Unternehmen.",
     ["Innovationsmanagement", "Beratung für Unternehmen"], []),
    ("Railslove GmbH", C, "Köln", "", "",
     "Kölner Entwicklungsagentur: Ruby on Rails, Webplattformen, Schulungen zur Webentwicklung.",
     ["Ruby on Rails", "Webentwicklung", "Webplattformen", "SaaS"], []),
    ("Gasmotorenfabrik Köln e. V.", A, "Köln", "", "",
     "Coworking Space für Start-ups, Freelancer und User Groups.",
     ["Coworking", "User Groups"], []),
    ("Critical Rabbit", S, "Köln", "", "", "Kölner Indie-Games-Studio.", ["Indie Games"], []),
]  # fmt: skip

_F = "Fiktives Demo-Beispiel, kein reales Unternehmen. "
INVENTED: list[Org] = [
    ("Domsensor GmbH (Beispiel)", C, "Köln", "Ehrenfeld", "https://domsensor.example",
     _F + "Sensornetze und LoRaWAN für Kommunen.", ["IoT", "LoRaWAN", "Sensoren"],
     ["72700000", "48000000"]),
    ("Rheinfunk Netze GmbH (Beispiel)", C, "Köln", "Mülheim", "https://rheinfunk.example",
     _F + "Funknetze, Glasfaser und Mobilfunkversorgung.", ["Netzwerktechnik", "5G", "WLAN"],
     ["72700000"]),
    ("Veedelsdaten UG (Beispiel)", S, "Köln", "Nippes", "https://veedelsdaten.example",
     _F + "Open-Data-Portale und Datenvisualisierung.", ["Open Data", "Dashboards", "Python"],
     ["72300000"]),
    ("Stadtzwilling GmbH (Beispiel)", C, "Köln", "Innenstadt", "https://stadtzwilling.example",
     _F + "Urbane Datenplattformen und digitale Zwillinge.",
     ["Digital Twin", "Smart City", "GIS"], ["72300000", "48000000"]),
    ("Kalker Code eG (Beispiel)", C, "Köln", "Kalk", "https://kalkercode.example",
     _F + "Genossenschaft für Webentwicklung und Onlinedienste.",
     ["Webentwicklung", "OZG", "Barrierefreiheit"], ["72230000"]),
    ("Porzer Robotik GmbH (Beispiel)", C, "Köln", "Porz", "https://porzer-robotik.example",
     _F + "Robotik und maschinelles Sehen.", ["Robotik", "Computer Vision"], ["73000000"]),
    ("Aktenfrei GmbH (Beispiel)", C, "Köln", "Lindenthal", "https://aktenfrei.example",
     _F + "Einführung der E-Akte und Dokumentenmanagement.", ["E-Akte", "DMS", "Scanstelle"],
     ["48000000", "72260000"]),
    ("Sprachwerk KI GmbH (Beispiel)", S, "Köln", "Ehrenfeld", "https://sprachwerk.example",
     _F + "Sprachassistenten und Chatbots für Verwaltungen.",
     ["Chatbots", "NLP", "Künstliche Intelligenz"], ["72200000"]),
    ("Grünmess e. V. (Beispiel)", A, "Köln", "Rodenkirchen", "https://gruenmess.example",
     _F + "Bürgerinnen messen Luftqualität und Bodenfeuchte.",
     ["Sensoren", "Citizen Science", "Umweltdaten"], []),
    ("Chorweiler Digital e. V. (Beispiel)", A, "Köln", "Chorweiler",
     "https://chorweiler-digital.example", _F + "Digitale Bildung im Veedel.",
     ["Medienkompetenz", "E-Learning", "Nachbarschaft"], []),
    ("Ringverkehr Analytics UG (Beispiel)", S, "Köln", "Innenstadt",
     "https://ringverkehr.example", _F + "Verkehrslenkung mit Daten.",
     ["Verkehrssteuerung", "Datenanalyse", "Machine Learning"], ["72300000"]),
    ("Lichtpunkt Systems GmbH (Beispiel)", C, "Köln", "Porz", "https://lichtpunkt.example",
     _F + "Smarte Straßenbeleuchtung.", ["Straßenbeleuchtung", "IoT"], ["48000000"]),
    ("Nippeser UX Studio (Beispiel)", C, "Köln", "Nippes", "https://nippes-ux.example",
     _F + "Nutzerforschung, UX-Tests und Service Design.",
     ["UX", "Usability", "Service Design"], ["72220000"]),
    ("Sicherheitsbüro Deutz GmbH (Beispiel)", C, "Köln", "Innenstadt",
     "https://sicherheit-deutz.example", _F + "Pentests und ISMS.",
     ["IT-Sicherheit", "Pentest", "ISO 27001"], ["72800000"]),
    ("Datenschutz Rhein GmbH (Beispiel)", C, "Köln", "Lindenthal",
     "https://datenschutz-rhein.example", _F + "Datenschutzberatung.",
     ["DSGVO", "Datenschutz"], ["72220000"]),
    ("Cloudhafen GmbH (Beispiel)", C, "Köln", "Mülheim", "https://cloudhafen.example",
     _F + "Cloud-Betrieb und DevOps.", ["Cloud", "DevOps", "Kubernetes"], ["72500000"]),
    ("Bürgerportal Werkstatt GmbH (Beispiel)", C, "Köln", "Kalk",
     "https://buergerportal.example", _F + "Online-Anträge und Terminvergabe.",
     ["Online-Antrag", "Online-Terminvergabe", "Java"], ["72230000", "48000000"]),
    ("Bauantrag digital GmbH (Beispiel)", C, "Köln", "", "https://bauantrag-digital.example",
     _F + "Digitale Bauanträge und Fachverfahren.", ["Schnittstellen", "BIM", "Fachverfahren"],
     ["72230000", "48100000"]),
    ("Innovationslabor Rhein (Beispiel)", R, "Köln", "Ehrenfeld",
     "https://innolab-rhein.example", _F + "Reallabor und Think Tank für Stadtinnovation.",
     ["Design Thinking", "Reallabore", "Smart City"], ["73200000"]),
    ("Thinktank Digitale Stadt (Beispiel)", A, "Köln", "Innenstadt",
     "https://thinktank-stadt.example", _F + "Think Tank zur Steuerung der Digitalisierung.",
     ["Digitalstrategie", "Governance"], ["72220000"]),
    ("Beteiligung Plus GmbH (Beispiel)", C, "Köln", "Nippes", "https://beteiligung.example",
     _F + "Beteiligungsplattformen und Statusberichte.",
     ["Webportal", "Berichtswesen", "Beteiligung"], ["72220000", "48000000"]),
    ("Pitchwerk Köln UG (Beispiel)", S, "Köln", "Mülheim", "https://pitchwerk.example",
     _F + "Start-up-Programme und Wettbewerbe.", ["Start-up-Pitches", "Innovation"],
     ["73200000"]),
    ("Energiedaten West GmbH (Beispiel)", C, "Köln", "Rodenkirchen",
     "https://energiedaten.example", _F + "Verbrauchsdaten und Wärmeplanung.",
     ["Datenanalyse", "Datenkooperation", "Wärmeplanung"], ["72300000"]),
    ("Bonner Analytik GmbH (Beispiel)", C, "Bonn", "", "https://bonner-analytik.example",
     _F + "Statistik und Business Intelligence.", ["Statistik", "BI", "SQL"], ["72300000"]),
    ("Leverkusen Labs GmbH (Beispiel)", C, "Leverkusen", "", "https://lev-labs.example",
     _F + "Softwaretests und Qualitätssicherung.", ["Testautomatisierung", "Agile"],
     ["72800000"]),
    ("Hürther Geodaten GmbH (Beispiel)", C, "Hürth", "", "https://huerth-geo.example",
     _F + "GIS und 3D-Stadtmodelle.", ["Geodaten", "3D-Modelle"], ["72300000"]),
    ("Bergisch KI UG (Beispiel)", S, "Bergisch Gladbach", "", "https://bergisch-ki.example",
     _F + "KI-Check und KI-Beratung.", ["KI", "KI-Beratung"], ["72220000"]),
    ("Berliner Plattform AG (Beispiel)", C, "Berlin", "", "https://berliner-plattform.example",
     _F + "Plattformen für Beteiligung und Smart City (nicht regional).",
     ["Smart City", "Open Data", "KI"], ["72000000"]),
    ("Münchner Mobilfunk GmbH (Beispiel)", C, "München", "",
     "https://muenchner-mobilfunk.example", _F + "Mobilfunknetze (nicht regional).",
     ["Mobilfunk", "5G"], ["72700000"]),
    ("Veedelshack e. V. (Beispiel)", A, "Köln", "Ehrenfeld", "https://veedelshack.example",
     _F + "Hackathons mit offenen Daten.", ["Hackathons", "Open Data", "JavaScript"], []),
]  # fmt: skip

# measure code → CPV codes (so measures whose text names no competence still get providers)
MEASURE_CPV: dict[str, list[str]] = {
    "DV-P": ["72000000"], "DV-01": ["72230000"], "DV-02": ["72230000", "48100000"],
    "DV-03": ["48000000", "72260000"], "DV-04": ["72230000"], "DV-05": ["72200000"],
    "SC-01": ["48000000"], "SC-02": ["72300000"], "SC-03": ["72700000"],
    "SC-04": ["48000000"], "SC-05": ["48000000"], "SC-06": ["72300000"],
    "DO-01": ["72300000"], "DO-02": ["72300000", "48000000"], "DO-03": ["73200000"],
    "DO-04": ["72300000"], "IHK-01": ["72220000"], "IHK-02": ["72220000"],
    "IHK-03": ["72220000"], "IHK-04": ["72220000"], "IHK-05": ["72300000"],
    "IHK-06": ["72220000"], "IHK-07": ["73200000"], "IHK-08": ["72700000"],
    "IHK-09": ["73000000"], "IHK-10": ["72220000"],
}  # fmt: skip

PEOPLE = [
    ("mara.datenfee@example.org", "Mara Feldmann", "Ehrenfeld", "Freiberufliche Datenanalystin",
     ["Datenanalyse", "Python", "Open Data", "Stadtgeschichte"]),
    ("tim.ux@example.org", "Tim Okafor", "Kalk", "UX-Researcher", ["UX", "Barrierefreiheit"]),
]  # fmt: skip


def _organisations(session: Session, actor: Actor) -> int:
    known = {o.name for o in organisations.organisation_search(session, actor=actor)}
    added = 0
    for name, kind, city, district, website, text, tags, codes in REAL + INVENTED:
        if name in known:
            continue
        org = organisations.organisation_register(
            session, actor=actor,
            data=OrganisationRegister(
                name=name, kind=kind, website=website, district=district, city=city,
                competences=tags, description=text,
            ),
        )  # fmt: skip
        ecosystem_service.organisation_cpv_set(
            session, actor=actor, organisation_id=org.id, data=CpvUpdate(codes=codes)
        )
        added += 1
    return added


def _measures(session: Session, actor: Actor) -> int:
    done = 0
    for code, codes in MEASURE_CPV.items():
        try:
            measure = measure_read_service.measure_get_by_code(session, actor=actor, code=code)
        except NotFound:
            continue
        present = ecosystem_service.measure_cpv(session, actor=actor, measure_id=measure.id)
        if not present:
            ecosystem_service.measure_cpv_set(
                session, actor=actor, measure_id=measure.id, data=CpvUpdate(codes=codes)
            )
            done += 1
    return done


def _people(session: Session, actor: Actor) -> int:
    added = 0
    for email, name, district, headline, tags in PEOPLE:
        try:
            user = auth.user_create(
                session, actor=actor,
                data=UserCreate(email=email, name=name, role=Role.MEMBER, password=DEMO_PASSWORD),
            )  # fmt: skip
        except Conflict:
            continue
        person = auth.actor_for_user(session, actor=actor, user_id=user.id)
        assert person is not None
        ecosystem_service.person_profile_set(
            session, actor=person,
            data=PersonProfileUpdate(listed=True, district=district, headline=headline,
                                     competences=tags),
        )  # fmt: skip
        added += 1
    return added


def load(session: Session, actor: Actor) -> dict[str, int]:
    """Organisations with competences and CPV codes, CPV codes of the measures, people."""
    return {
        "organisations": _organisations(session, actor),
        "measure_cpv": _measures(session, actor),
        "people": _people(session, actor),
    }
