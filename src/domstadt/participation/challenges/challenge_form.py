"""The challenge form of /wettbewerbe/neu and /wettbewerbe/{id}/bearbeiten: its fields to a
``ChallengeCreate`` / ``ChallengeUpdate``, and a challenge back to the fields.

Criteria are rows (``crit-<j>-name``, ``crit-<j>-weight``; empty rows are left out), the
phase dates ``datetime-local`` values in Cologne time, the linked measures repeated
``measure_ids`` checkboxes and the datasets one name per line. Every problem of a submitted
form is collected (``core.errors.InvalidFields``), each naming its field, so the page shows
all of them next to their fields."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from domstadt.core.errors import Invalid, Problems
from domstadt.participation.challenges.schemas import (
    ChallengeCreate,
    ChallengePublic,
    ChallengeUpdate,
)
from domstadt.participation.display import BERLIN
from domstadt.participation.events.schemas import FIRST_YEAR, LAST_YEAR, YEARS_MESSAGE

CRITERIA_ROWS = 5
"""Criterion rows the form offers at least (one more than a challenge has, up to 20)."""
MAX_CRITERIA = 20
DATES = ("submission_opens", "review_opens", "vote_opens", "results_at")
TEXTS = ("title", "question", "rules", "prizes")
FLAGS = ("vote_changeable", "exclude_late_accounts")
ROW = re.compile(r"^crit-(\d+)-(name|weight)$")
MESSAGES = {
    "title": "Titel: bitte 3 bis 300 Zeichen.",
    "question": "Fragestellung: bitte 3 bis 10.000 Zeichen.",
    "kind": "Art: bitte Ideenwettbewerb oder Hackathon wählen.",
    "department": "Dienststelle: bitte wählen Sie die ausschreibende Dienststelle.",
    "rules": "Teilnahmebedingungen: höchstens 20.000 Zeichen.",
    "prizes": "Preise: höchstens 5.000 Zeichen.",
    "criteria": "Kriterien: bitte 1 bis 20 Bewertungskriterien.",
    "scale_min": "Skala: das Minimum liegt zwischen 0 und 100.",
    "scale_max": "Skala: das Maximum liegt zwischen 1 und 100.",
    "measure_ids": "Maßnahmen: höchstens 50.",
    "dataset_names": "Datensätze: höchstens 50.",
}


def criterion_rows(form: Mapping[str, Any]) -> list[dict[str, str]]:
    """The criterion rows as typed, in order, empty rows left out."""
    indices = sorted({int(m.group(1)) for key in form if (m := ROW.match(str(key)))})
    rows = []
    for j in indices[:100]:
        row = {f: str(form.get(f"crit-{j}-{f}", "")).strip() for f in ("name", "weight")}
        if row["name"] or row["weight"]:
            rows.append(row)
    return rows


def _criteria(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    problems, out = Problems(), []
    for number, row in enumerate(rows, start=1):
        where = f"Kriterium {number}{' (' + row['name'] + ')' if row['name'] else ''}: "
        if not row["name"] or len(row["name"]) > 200:
            problems.items.append(
                Invalid(f"{where}bitte einen Namen mit 1 bis 200 Zeichen.", field="criteria")
            )
        try:
            weight = float((row["weight"] or "1").replace(",", "."))
        except ValueError:
            weight = float("nan")
        if not 0 < weight <= 100:  # also refuses NaN
            problems.items.append(
                Invalid(
                    f"{where}das Gewicht muss eine Zahl über 0 und höchstens 100 sein.",
                    field="criteria",
                )
            )
        out.append({"name": row["name"], "weight": weight})
    if not rows:
        problems.items.append(
            Invalid("Bitte nennen Sie mindestens ein Bewertungskriterium.", field="criteria")
        )
    if len(rows) > MAX_CRITERIA:
        problems.items.append(Invalid(MESSAGES["criteria"], field="criteria"))
    problems.raise_any()
    return out


def _moment(value: str, field: str) -> dt.datetime:
    """A ``datetime-local`` value (Cologne time) as an aware datetime."""
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(
            "Bitte Datum und Uhrzeit angeben (TT.MM.JJJJ hh:mm, Kölner Zeit).", field=field
        ) from None
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise Invalid(YEARS_MESSAGE, field=field)
    return moment if moment.tzinfo else moment.replace(tzinfo=BERLIN)


def _scale(value: str, field: str, default: int) -> int:
    value = value.strip()
    if not value:
        return default
    if not value.isdecimal() or len(value) > 3:
        raise Invalid(MESSAGES[field], field=field)
    return int(value)


def _names(text: str) -> list[str]:
    found = [n.strip() for n in re.split(r"[\n,;]", text) if n.strip()]
    return list(dict.fromkeys(found))


def _values(form: Mapping[str, Any], new: bool, problems: Problems) -> dict[str, Any]:
    """The submitted fields as challenge input values; what the form itself sees wrong is
    noted in ``problems``."""
    values: dict[str, Any] = {k: str(form.get(k, "")).strip() for k in TEXTS}
    if new:
        values["kind"] = str(form.get("kind", "")).strip()
        values["department"] = str(form.get("department", "")).strip()
    none: list[dict[str, Any]] = []
    values["criteria"] = problems.take(none, _criteria, form.get("criterion_rows", []))
    for field, default in (("scale_min", 0), ("scale_max", 10)):
        values[field] = problems.take(default, _scale, str(form.get(field, "")), field, default)
    for field in DATES:
        values[field] = problems.take(None, _moment, str(form.get(field, "")), field)
    values["measure_ids"] = [int(v) for v in form.get("measure_list", []) if v.isdecimal()]
    values["dataset_names"] = _names(str(form.get("dataset_names", "")))
    for flag in FLAGS:
        values[flag] = form.get(flag) == "1"
    return values


def form_data(model: type[BaseModel], form: Mapping[str, Any], *, new: bool) -> Any:
    """The form (see :func:`submitted`) as ``model`` (``ChallengeCreate`` when ``new``, else
    ``ChallengeUpdate``), or InvalidFields with a German message per refused field: every
    problem at once, the service checks the rest (date order, scale, measures)."""
    problems = Problems()
    values, data = _values(form, new, problems), None
    try:
        data = model.model_validate(values)
    except ValidationError as exc:
        seen = {p.field for p in problems.items}
        for item in exc.errors():
            field = str(item["loc"][0]) if item.get("loc") else "title"
            if field not in seen:
                seen.add(field)
                problems.items.append(Invalid(MESSAGES.get(field, MESSAGES["title"]), field=field))
    problems.raise_any()
    return data


def create_data(form: Mapping[str, Any]) -> ChallengeCreate:
    """The new-challenge form as a ``ChallengeCreate``."""
    data: ChallengeCreate = form_data(ChallengeCreate, form, new=True)
    return data


def update_data(form: Mapping[str, Any]) -> ChallengeUpdate:
    """The change form as a ``ChallengeUpdate`` (every field given: all of them are shown)."""
    data: ChallengeUpdate = form_data(ChallengeUpdate, form, new=False)
    return data


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M")


def initial(c: ChallengePublic | None) -> dict[str, Any]:
    """Form values of an existing challenge (or defaults for a new one)."""
    if c is None:
        return {"kind": "ideas", "scale_min": "0", "scale_max": "10", "criterion_rows": []}
    values: dict[str, Any] = {k: getattr(c, k) for k in TEXTS}
    values.update({k: _local(getattr(c, k)) for k in DATES})
    values.update({k: "1" if getattr(c, k) else "" for k in FLAGS})
    values.update(
        kind=c.kind.value,
        department=c.department_code,
        scale_min=str(c.scale_min),
        scale_max=str(c.scale_max),
        measure_list=[str(m) for m in c.measure_ids],
        dataset_names="\n".join(c.dataset_names),
        criterion_rows=[{"name": k.name, "weight": f"{k.weight:g}"} for k in c.criteria],
    )
    return values


def submitted(form: Any) -> dict[str, Any]:
    """The posted fields as the form shows them again (kept when the form is refused)."""
    values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
    values["measure_list"] = [v for v in form.getlist("measure_ids") if isinstance(v, str)]
    values["criterion_rows"] = criterion_rows(values)
    return values


def blank_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rows to show: the typed ones and empty ones up to :data:`CRITERIA_ROWS` (at least
    one empty row, at most :data:`MAX_CRITERIA` rows)."""
    wanted = min(max(CRITERIA_ROWS, len(rows) + 1), MAX_CRITERIA)
    return rows + [{"name": "", "weight": ""}] * max(wanted - len(rows), 0)
