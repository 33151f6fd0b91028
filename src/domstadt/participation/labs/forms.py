"""The lab forms: /labore/neu (a new session or UX test) and the findings form on a
session's page, their fields to ``LabSessionCreate`` / ``FindingCreate`` with a German
message per refused field (``core.errors.InvalidFields``, so the page shows each problem
next to its field)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from domstadt.core.errors import Invalid, InvalidFields
from domstadt.participation.display import BERLIN
from domstadt.participation.labs.schemas import (
    FindingCreate,
    LabSessionCreate,
    LabSessionPublic,
    LabSessionUpdate,
)

TEXTS = ("title", "kind", "department_code", "service_name", "place", "description")
MESSAGES = {
    "title": "Titel: bitte 1 bis 300 Zeichen.",
    "kind": "Art: bitte Reallabor oder UX-Test wählen.",
    "department_code": "Dienststelle: bitte die veranstaltende Dienststelle wählen.",
    "service_name": "Dienst: höchstens 200 Zeichen.",
    "measure_id": "Maßnahme: bitte aus der Liste wählen.",
    "starts_at": "Beginn: bitte Datum und Uhrzeit angeben (TT.MM.JJJJ hh:mm, Kölner Zeit).",
    "place": "Ort: höchstens 300 Zeichen.",
    "capacity": "Plätze: eine ganze Zahl von 1 bis 10.000 (leer lassen: ohne Begrenzung).",
    "description": "Beschreibung: höchstens 10.000 Zeichen.",
    "tasks": "Aufgaben: höchstens 50, jede mit höchstens 1.000 Zeichen.",
    "severity": "Schweregrad: bitte kosmetisch, gering, schwer oder kritisch wählen.",
    "text": "Befund: bitte beschreiben, was Sie beobachtet haben (höchstens 4.000 Zeichen).",
}


def _validated(model: type[BaseModel], values: dict[str, Any]) -> Any:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        found: dict[str, Invalid] = {}
        for item in exc.errors():
            field = str(item["loc"][0]) if item.get("loc") else "title"
            found.setdefault(field, Invalid(MESSAGES.get(field, MESSAGES["title"]), field=field))
        raise InvalidFields(list(found.values())) from None


def _form_values(form: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {k: str(form.get(k, "")).strip() for k in TEXTS}
    values["starts_at"] = str(form.get("starts_at", "")).strip() or None
    values["capacity"] = str(form.get("capacity", "")).strip() or None
    values["measure_id"] = str(form.get("measure_id", "")).strip() or None
    values["tasks"] = str(form.get("tasks", "")).splitlines()
    return values


def lab_data(form: Mapping[str, Any]) -> LabSessionCreate:
    """The new-session form as a ``LabSessionCreate`` (times without offset: Cologne)."""
    data: LabSessionCreate = _validated(LabSessionCreate, _form_values(form))
    return data


def lab_update_data(form: Mapping[str, Any]) -> LabSessionUpdate:
    """The change form (/labore/{id}/bearbeiten) as a ``LabSessionUpdate``: every field is
    shown, so every field is given (empty seats: no limit; no measure: unlinked); the
    department stays."""
    values = _form_values(form)
    values.pop("department_code")
    if values["starts_at"] is None:  # a start is required; null would read as "unchanged"
        raise InvalidFields([Invalid(MESSAGES["starts_at"], field="starts_at")])
    data: LabSessionUpdate = _validated(LabSessionUpdate, values)
    return data


def initial(lab: LabSessionPublic) -> dict[str, str]:
    """The change form's values of an existing session."""
    return {
        "title": lab.title,
        "kind": lab.kind.value,
        "department_code": lab.department.slug if lab.department else "",
        "service_name": lab.service_name,
        "measure_id": str(lab.measure.id) if lab.measure else "",
        "starts_at": lab.starts_at.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M"),
        "place": lab.place,
        "capacity": "" if lab.capacity is None else str(lab.capacity),
        "tasks": "\n".join(lab.tasks),
        "description": lab.description,
    }


def finding_data(form: Mapping[str, Any]) -> FindingCreate:
    """The findings form as a ``FindingCreate``."""
    values = {"severity": str(form.get("severity", "")), "text": str(form.get("text", "")).strip()}
    data: FindingCreate = _validated(FindingCreate, values)
    return data
