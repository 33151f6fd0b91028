"""Turning submitted form fields into pitches, statements and pitch events with one clear
message per rule (shared by the multipart API and the pages' forms); score sheets and jurors
come from ``challenges.forms``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from domstadt.core.errors import Invalid, Problems
from domstadt.participation.challenges.schemas import CriterionIn
from domstadt.participation.display import BERLIN
from domstadt.participation.pitches.schemas import (
    PitchCreate,
    PitchEventCreate,
    PitchUpdate,
    StatementCreate,
    StatementPublic,
    StatementUpdate,
)


def _team_lines(team: list[str]) -> list[str]:
    return [line.strip() for entry in team for line in entry.splitlines() if line.strip()]


def _field_error(error: ValidationError, messages: dict[str, str], default: str) -> Invalid:
    """Invalid naming the first field pydantic refused and its rule in German."""
    field = str(error.errors()[0]["loc"][0]) if error.errors() else default
    return Invalid(messages.get(field, messages[default]), field=field)


def pitch_data(
    organisation_id: str, title: str, summary: str, video_url: str, team: list[str]
) -> PitchCreate:
    """A validated pitch, or Invalid naming the field and its rule."""
    if not organisation_id.strip().isdecimal():
        raise Invalid(_MESSAGES["organisation_id"], field="organisation_id")
    try:
        return PitchCreate(
            organisation_id=int(organisation_id),
            title=title,
            summary=summary,
            video_url=video_url.strip(),
            team=_team_lines(team),
        )
    except ValidationError as error:
        raise _field_error(error, _MESSAGES, "title") from None


def pitch_update_data(title: str, summary: str, video_url: str, team: list[str]) -> PitchUpdate:
    """The edit form's fields (all of them) as a validated ``PitchUpdate``."""
    try:
        return PitchUpdate(
            title=title, summary=summary, video_url=video_url.strip(), team=_team_lines(team)
        )
    except ValidationError as error:
        raise _field_error(error, _MESSAGES, "title") from None


_MESSAGES = {
    "organisation_id": "Bitte wählen Sie die Organisation, für die Sie pitchen.",
    "title": "Der Titel braucht 3 bis 300 Zeichen.",
    "summary": "Die Beschreibung hat höchstens 20.000 Zeichen.",
    "video_url": "Der Videolink muss eine Webadresse sein (https://…).",
    "team": "Bitte nennen Sie 1 bis 20 Teammitglieder (eines pro Zeile).",
}


def _local(value: str, field: str) -> dt.datetime:
    """A datetime-local value (Cologne time) as an aware datetime."""
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise Invalid("Bitte Datum und Uhrzeit angeben (TT.MM.JJJJ hh:mm).", field=field) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=BERLIN)


def _criteria(text: str) -> list[CriterionIn]:
    """Lines "Name; Gewicht" (weight 1 when left out)."""
    found = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _, weight = line.partition(";")
        try:
            found.append(CriterionIn(name=name.strip(), weight=float(weight.strip() or "1")))
        except (ValueError, ValidationError):
            raise Invalid(
                f"Kriterium '{line.strip()}': eine Zeile je Kriterium, 'Name; Gewicht' mit "
                "einem Gewicht über 0 bis 100.",
                field="criteria",
            ) from None
    if not found:
        raise Invalid("Bitte nennen Sie mindestens ein Bewertungskriterium.", field="criteria")
    return found


def _int(form: Mapping[str, Any], name: str, default: int) -> int:
    raw = str(form.get(name, "") or "").strip()
    if not raw:
        return default
    if not raw.isdecimal():
        message = _STATEMENT_MESSAGES.get(name, f"{name} muss eine ganze Zahl sein.")
        raise Invalid(message, field=name)
    return int(raw)


def _statement_fields(form: Mapping[str, Any], problems: Problems) -> dict[str, Any]:
    """The fields the new and the change form share (all but the department); what the form
    itself sees wrong is noted in ``problems`` (the field gets a stand-in value)."""
    take, none = problems.take, list[CriterionIn]()
    return {
        "title": str(form.get("title", "")),
        "question": str(form.get("question", "")),
        "context": str(form.get("context", "")),
        "deadline": take(None, _local, str(form.get("deadline", "")), "deadline"),
        "review_ends": take(None, _local, str(form.get("review_ends", "")), "review_ends"),
        "criteria": take(none, _criteria, str(form.get("criteria", ""))),
        "scale_min": take(0, _int, form, "scale_min", 0),
        "scale_max": take(10, _int, form, "scale_max", 10),
    }


def _statement(model: type[BaseModel], form: Mapping[str, Any], **more: Any) -> Any:
    """The form as ``model``, or InvalidFields with one German message per refused field:
    every problem of the form at once (the service checks the rest, e.g. the date order)."""
    problems = Problems()
    values, data = {**_statement_fields(form, problems), **more}, None
    try:
        data = model.model_validate(values)
    except ValidationError as exc:
        seen = {p.field for p in problems.items}
        for item in exc.errors():
            field = str(item["loc"][0]) if item.get("loc") else "title"
            if field not in seen:
                seen.add(field)
                message = _STATEMENT_MESSAGES.get(field, _STATEMENT_MESSAGES["title"])
                problems.items.append(Invalid(message, field=field))
    problems.raise_any()
    return data


def statement_data(form: Mapping[str, Any]) -> StatementCreate:
    """The staff form as a ``StatementCreate``."""
    data: StatementCreate = _statement(
        StatementCreate, form, department=str(form.get("department", ""))
    )
    return data


def statement_update_data(form: Mapping[str, Any]) -> StatementUpdate:
    """The change form (/fragestellungen/{id}/bearbeiten) as a ``StatementUpdate``: every
    field is shown, so every field is given; the department stays."""
    data: StatementUpdate = _statement(StatementUpdate, form)
    return data


def statement_initial(s: StatementPublic) -> dict[str, str]:
    """The change form's values of an existing statement (times in Cologne)."""
    return {
        "title": s.title,
        "question": s.question,
        "context": s.context,
        "department": s.department_code,
        "deadline": s.deadline.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M"),
        "review_ends": s.review_ends.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M"),
        "criteria": "\n".join(f"{c.name}; {c.weight:g}" for c in s.criteria),
        "scale_min": str(s.scale_min),
        "scale_max": str(s.scale_max),
    }


_STATEMENT_MESSAGES = {
    "title": "Der Titel braucht 3 bis 300 Zeichen.",
    "question": "Die Fragestellung braucht 3 bis 10.000 Zeichen.",
    "context": "Der Kontext hat höchstens 20.000 Zeichen.",
    "department": "Bitte wählen Sie die Dienststelle.",
    "scale_min": "Die Skala liegt zwischen 0 und 100.",
    "scale_max": "Die Skala liegt zwischen 1 und 100.",
    "criteria": "Bitte nennen Sie 1 bis 20 Bewertungskriterien.",
}


def event_data(form: Mapping[str, Any]) -> PitchEventCreate:
    """The pitch event form as a ``PitchEventCreate``."""
    capacity = _int(form, "capacity", 0)
    try:
        return PitchEventCreate(
            title=str(form.get("title", "")),
            starts_at=_local(str(form.get("starts_at", "")), "starts_at"),
            ends_at=_local(str(form.get("ends_at", "")), "ends_at"),
            place=str(form.get("place", "")),
            address=str(form.get("address", "")),
            capacity=capacity or None,
            pitch_slots=_int(form, "pitch_slots", 0),
            slot_minutes=_int(form, "slot_minutes", 10),
        )
    except ValidationError as error:
        raise Invalid(
            "Pitch-Event: Plätze mindestens 1, 1 bis 100 Slots zu 1 bis 240 Minuten, "
            "Titel und Ort höchstens 300 Zeichen. " + str(error.errors()[0].get("msg", "")),
            field=str(error.errors()[0]["loc"][0]) if error.errors() else None,
        ) from None
