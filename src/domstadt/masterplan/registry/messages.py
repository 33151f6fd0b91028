"""German messages for invalid initiative input, naming the field (form, API, import rows)."""

from __future__ import annotations

from pydantic import ValidationError

FIELD_LABELS = {
    "title": "Titel",
    "description": "Beschreibung",
    "code": "Kürzel",
    "owner_organisation_id": "Organisation",
    "owner_name": "Träger",
    "contact": "Kontakt",
    "start_date": "Beginn",
    "end_date": "Ende",
    "funding": "Finanzierung",
    "status": "Status",
    "website": "Website",
    "measure_ids": "Maßnahmen",
}

_PROBLEMS = {
    "missing": "fehlt",
    "string_too_short": "ist zu kurz (mindestens {min_length} Zeichen)",
    "string_too_long": "ist zu lang (höchstens {max_length} Zeichen)",
    "date_from_datetime_parsing": "ist kein gültiges Datum (JJJJ-MM-TT oder TT.MM.JJJJ)",
    "date_parsing": "ist kein gültiges Datum (JJJJ-MM-TT oder TT.MM.JJJJ)",
    "date_type": "ist kein gültiges Datum (JJJJ-MM-TT oder TT.MM.JJJJ)",
    "enum": "hat einen unbekannten Wert (erlaubt: {expected})",
    "int_parsing": "ist keine ganze Zahl",
    "int_type": "ist keine ganze Zahl",
    "extra_forbidden": "ist unbekannt",
    "list_type": "muss eine Liste sein",
    "web_url": "muss eine Adresse mit http:// oder https:// sein",
}


def problems(exc: ValidationError) -> list[tuple[str, str]]:
    """(field, German problem) for each error of ``exc``."""
    out = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else ""
        template = _PROBLEMS.get(error["type"])
        if template is None:
            text = str(error.get("msg", "ist ungültig")).removeprefix("Value error, ")
        else:
            text = template.format(**(error.get("ctx") or {}))
        out.append((field, text))
    return out


def describe(field: str, problem: str) -> str:
    """'Titel (title) fehlt' or, for whole-record rules, the problem alone."""
    if not field:
        return problem
    return f"{FIELD_LABELS.get(field, field)} ({field}) {problem}"
