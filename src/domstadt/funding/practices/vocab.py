"""Closed lists of the best-practice library: statuses (with their German spellings),
rating criteria, and the column headers an import recognises without a mapping."""

from __future__ import annotations

from domstadt.web.i18n import N_

STATUSES: dict[str, str] = {
    "planned": N_("planned"),
    "pilot": N_("pilot"),
    "running": N_("in operation"),
    "verstetigt": N_("made permanent after the funding ended"),
    "ended": N_("ended"),
}
"""Status code → UI label (English message id); "" means the source did not say."""

STATUSES_DE: dict[str, str] = {
    "planned": "geplant",
    "pilot": "Pilot",
    "running": "im Betrieb",
    "verstetigt": "verstetigt (nach Ende der Förderung fortgeführt)",
    "ended": "beendet",
}
"""Status code → German text for error messages and the screening's outcome line."""

STATUS_BY_WORD: dict[str, str] = {
    "planned": "planned", "geplant": "planned", "planung": "planned", "idee": "planned",
    "pilot": "pilot", "pilotphase": "pilot", "test": "pilot", "erprobung": "pilot",
    "experiment": "pilot", "prototype": "pilot", "prototyp": "pilot", "poc": "pilot",
    "running": "running", "betrieb": "running", "im_betrieb": "running",
    "regelbetrieb": "running", "im_regelbetrieb": "running", "in_production": "running",
    "production": "running", "live": "running", "active": "running", "aktiv": "running",
    "yes": "running", "laufend": "running", "implemented": "running", "umgesetzt": "running",
    "verstetigt": "verstetigt", "made_permanent": "verstetigt", "permanent": "verstetigt",
    "dauerhaft": "verstetigt", "verstetigung": "verstetigt", "mainstreamed": "verstetigt",
    "ended": "ended", "beendet": "ended", "abgeschlossen": "ended", "eingestellt": "ended",
    "closed": "ended", "no": "ended", "discontinued": "ended", "completed": "ended",
    "unknown": "", "unbekannt": "", "n_a": "", "k_a": "",
}  # fmt: skip
"""Folded spellings (see ``funding.vocab.key``) → status code."""

CRITERIA: dict[str, str] = {
    "impact": N_("Impact"),
    "cost": N_("Cost"),
    "transferability": N_("Transferability to Cologne"),
    "maturity": N_("Maturity"),
    "open_source": N_("Open source"),
}
"""Rating criterion → UI label (English message id); each is rated 1 (poor) to 5
(excellent)."""

CRITERIA_DE: dict[str, str] = {
    "impact": "Wirkung",
    "cost": "Kosten",
    "transferability": "Übertragbarkeit auf Köln",
    "maturity": "Reife",
    "open_source": "Open Source",
}
"""Rating criterion → German text for error messages."""

FIELDS = (
    "title", "city", "country", "organisation", "problem", "solution", "technology",
    "topics", "data_used", "cost", "duration", "status", "outcome", "contact", "url",
    "licence", "external_id",
)  # fmt: skip
"""Our field names, as a mapping names them."""

HEADERS: dict[str, tuple[str, ...]] = {
    "title": ("titel", "title", "name", "projekt", "projektname", "bezeichnung", "loesung"),
    "city": ("stadt", "kommune", "city", "ort", "gemeinde", "place"),
    "country": ("land", "country", "staat"),
    "organisation": ("organisation", "traeger", "verantwortlich", "lead_organisation_name",
                     "institution", "organization"),
    "problem": ("problem", "herausforderung", "ausgangslage", "challenge"),
    "solution": ("beschreibung", "description", "kurzbeschreibung", "solution", "ansatz"),
    "technology": ("technologie", "technology", "technik", "technique"),
    "topics": ("themen", "thema", "topics", "handlungsfeld", "bereich", "sektor", "domain",
               "primary_sector", "schlagworte"),
    "data_used": ("daten", "datengrundlage", "data", "data_used", "genutzte_daten"),
    "cost": ("kosten", "cost", "budget", "kostenrahmen"),
    "duration": ("dauer", "laufzeit", "duration", "zeitraum"),
    "status": ("status", "stand", "projektstatus"),
    "outcome": ("ergebnis", "wirkung", "outcome", "results"),
    "contact": ("kontakt", "contact", "ansprechpartner", "ansprechperson"),
    "url": ("url", "link", "webseite", "website", "quelle", "source_url"),
    "licence": ("lizenz", "licence", "license"),
    "external_id": ("id", "kennung", "nummer", "external_id"),
}  # fmt: skip
"""Header spellings (folded) each field is recognised by."""
