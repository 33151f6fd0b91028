"""The published participation tables: URL name, German title and description and the
columns with their meaning. Each becomes one catalogue dataset ``beteiligung-<name>``.

Privacy rule (docs/api.md, "Beteiligung als offene Daten"): no names of private persons, no
e-mail addresses, no free text written by citizens; organisations are named only when
verified; drafts, hidden (moderated) items and votes before the vote closed never appear.
"""

from __future__ import annotations

from dataclasses import dataclass

API_PATH = "/api/v1/open-data/beteiligung"
DATASET_PREFIX = "beteiligung-"
FORMATS = ("csv", "json")
PRIVACY_RULE = (
    "Ohne personenbezogene Daten: keine Namen von Privatpersonen, keine E-Mail-Adressen, keine "
    "Freitexte von Bürgerinnen und Bürgern; Organisationen nur, wenn verifiziert; Entwürfe und "
    "von der Moderation ausgeblendete Einträge nie; Stimmen erst nach Ende der Abstimmung."
)


@dataclass(frozen=True)
class TableSpec:
    """One published table: its URL name, title, description, keywords and columns."""

    name: str
    title: str
    description: str
    keywords: tuple[str, ...]
    columns: tuple[tuple[str, str], ...]
    """(column name, meaning) in output order."""

    @property
    def column_names(self) -> list[str]:
        """The column names in output order."""
        return [c for c, _ in self.columns]

    @property
    def dataset_name(self) -> str:
        """The catalogue dataset's URL name."""
        return DATASET_PREFIX + self.name


SPECS: tuple[TableSpec, ...] = (
    TableSpec(
        "wettbewerbe",
        "Beteiligung: Wettbewerbe und ihre Phasen",
        "Ideenwettbewerbe und Hackathons der Stadt Köln mit den Daten ihrer Phasen "
        "(Einreichung, Jury, öffentliche Abstimmung, Ergebnisse) und der Zahl der Beiträge.",
        ("Beteiligung", "Wettbewerb", "Hackathon"),
        (
            ("id", "Nummer des Wettbewerbs"),
            ("titel", "Titel"),
            ("art", "ideas (Ideenwettbewerb) oder hackathon"),
            ("dienststelle", "ausrichtende Dienststelle"),
            ("phase", "announcement, submission, review, vote oder results (zum Abrufzeitpunkt)"),
            ("einreichung_ab", "Beginn der Einreichung (UTC, ISO 8601)"),
            ("einreichungsschluss", "Ende der Einreichung, Beginn der Jury (UTC)"),
            ("abstimmung_ab", "Beginn der öffentlichen Abstimmung (UTC)"),
            ("ergebnisse_ab", "Ende der Abstimmung, Ergebnisse (UTC)"),
            ("beitraege", "Zahl der eingereichten, sichtbaren Beiträge"),
            ("seite", "Seite des Wettbewerbs"),
        ),
    ),
    TableSpec(
        "beitraege",
        "Beteiligung: Beiträge zu Wettbewerben",
        "Eingereichte Beiträge zu den Wettbewerben mit Titel und Status; Organisationen nur, "
        "wenn verifiziert. Ohne Personen, ohne Entwürfe und ausgeblendete Beiträge.",
        ("Beteiligung", "Wettbewerb", "Beiträge"),
        (
            ("id", "Nummer des Beitrags"),
            ("wettbewerb_id", "Nummer des Wettbewerbs"),
            ("titel", "Titel des Beitrags"),
            ("status", "submitted, shortlisted, finalist, winner oder not_selected"),
            ("organisation", "verifizierte Organisation, für die eingereicht wurde (sonst leer)"),
            ("eingereicht_am", "Tag der Einreichung (UTC)"),
            ("massnahme_id", "Maßnahme des Masterplans, die aus dem Beitrag wurde"),
            ("seite", "Seite des Beitrags"),
        ),
    ),
    TableSpec(
        "abstimmungen",
        "Beteiligung: Ergebnisse der öffentlichen Abstimmungen",
        "Stimmen je Beitrag und Platz nach Jurywertung, erst nach Ende der Abstimmung eines "
        "Wettbewerbs; keine Angaben darüber, wer abgestimmt hat.",
        ("Beteiligung", "Abstimmung", "Wettbewerb"),
        (
            ("wettbewerb_id", "Nummer des Wettbewerbs"),
            ("beitrag_id", "Nummer des Beitrags"),
            ("titel", "Titel des Beitrags"),
            ("platz", "Platz nach gewichteter Jurywertung (Gleichstand: mehr Stimmen)"),
            ("jury_wertung", "gewichtete Jurywertung"),
            ("stimmen", "gezählte Publikumsstimmen"),
        ),
    ),
    TableSpec(
        "veranstaltungen",
        "Beteiligung: Veranstaltungen",
        "Veranstaltungen der Stadt und des Ökosystems (Meetups, Kongresse, Hackathon-Tage, "
        "Workshops) mit Zeit, Ort, Veranstalter und Zahl der Anmeldungen.",
        ("Beteiligung", "Veranstaltungen", "Termine"),
        (
            ("id", "Nummer der Veranstaltung"),
            ("titel", "Titel"),
            ("art", "meetup, congress, hackathon_day, pitch_event, lab_session, workshop, other"),
            ("status", "planned oder cancelled"),
            ("beginn", "Beginn (UTC)"),
            ("ende", "Ende (UTC)"),
            ("ort", "Veranstaltungsort"),
            ("online", "Adresse der Online-Teilnahme"),
            ("veranstalter", "Dienststelle oder Organisation"),
            ("anmeldungen", "bestätigte Anmeldungen"),
            ("plaetze", "Plätze (leer: unbegrenzt)"),
            ("seite", "Seite der Veranstaltung"),
        ),
    ),
    TableSpec(
        "ux-tests",
        "Beteiligung: Labore und UX-Tests – SUS je Dienst",
        "Mittlere System Usability Scale (SUS, 0–100) je getestetem Dienst über alle "
        "sichtbaren Labortermine und UX-Tests, mit 95-%-Konfidenzintervall.",
        ("Beteiligung", "UX-Test", "SUS", "Usability"),
        (
            ("dienst", "getesteter Dienst"),
            ("termine", "Zahl der Labortermine und UX-Tests"),
            ("antworten", "Zahl der SUS-Fragebögen"),
            ("sus_mittelwert", "mittlerer SUS-Wert (0–100)"),
            ("ki_unten", "untere Grenze des 95-%-Konfidenzintervalls"),
            ("ki_oben", "obere Grenze des 95-%-Konfidenzintervalls"),
        ),
    ),
    TableSpec(
        "rueckmeldungen",
        "Beteiligung: Rückmeldungen je Maßnahme",
        "Zahl der sichtbaren Rückmeldungen zu jeder Maßnahme des Masterplans nach Haltung "
        "und mittlere Relevanz; ohne Kommentartexte und ohne Namen.",
        ("Beteiligung", "Rückmeldungen", "Masterplan"),
        (
            ("massnahme_id", "Nummer der Maßnahme"),
            ("massnahme_code", "Kennung der Maßnahme"),
            ("massnahme", "Titel der Maßnahme"),
            ("rueckmeldungen", "Zahl der sichtbaren Rückmeldungen"),
            ("unterstuetzung", "davon unterstützend"),
            ("neutral", "davon neutral"),
            ("bedenken", "davon mit Bedenken"),
            ("relevanz_mittel", "mittlere Relevanz (1–5)"),
            ("seite", "Seite der Maßnahme"),
        ),
    ),
)
BY_NAME = {spec.name: spec for spec in SPECS}


def table_path(name: str, fmt: str) -> str:
    """The site path a table is served at (made absolute when shown)."""
    return f"{API_PATH}/{name}.{fmt}"
