"""The measure editor form: its fields to a MeasureCreate/MeasureUpdate input, and back.

Milestones and links are rows (``ms-<j>-planned|title|actual|remove``,
``link-<j>-kind|title|url|remove``) with one empty row to add; KPIs are blocks
(:mod:`kpi_form`). Departments and measures are chosen from lists (``partner_departments``,
``requires``, ``blocks`` may repeat; a value may also hold several codes separated by commas).
Every problem of a submitted form is collected, so the page shows all of them at once
(``core.errors.InvalidFields``), each naming its field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from typing import Any

from domstadt.core.errors import Invalid, Problems
from domstadt.masterplan import kpi_form
from domstadt.masterplan.schemas import MeasurePublic

TEXT_FIELDS = (
    "code",
    "title",
    "summary",
    "description",
    "goals",
    "contact",
    "success_criteria",
    "risks",
    "council_decision",
    "priority",
    "status",
    "rollout_stage",
)
DATE_FIELDS = ("planned_start", "planned_end", "actual_start", "actual_end")
NAMES = {
    "planned_start": "Geplanter Beginn",
    "planned_end": "Geplantes Ende",
    "actual_start": "Tatsächlicher Beginn",
    "actual_end": "Tatsächliches Ende",
    "weight": "Gewichtung",
    "progress": "Fortschritt",
}
CODE_LISTS = ("partner_departments", "requires", "blocks")
MILESTONE_FIELDS = ("planned", "title", "actual")
LINK_FIELDS = ("kind", "title", "url")
ROW_KEY = {"milestones": re.compile(r"^ms-(\d+)-"), "links": re.compile(r"^link-(\d+)-")}
PREFIX = {"milestones": "ms", "links": "link"}


def codes(values: Iterable[str]) -> list[str]:
    """Codes from chosen values; one value may also list several, separated by commas."""
    found = [c.strip() for v in values for c in v.replace(";", ",").split(",")]
    return list(dict.fromkeys(c for c in found if c))


def _date(text: str, field: str, where: str = "") -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Invalid(f"{where}Datum '{text}' bitte als JJJJ-MM-TT angeben.", field=field) from None


def rows_from_form(form: dict[str, Any], kind: str) -> list[dict[str, str]]:
    """The submitted milestone or link rows as typed (empty and removed rows left out)."""
    prefix, names = PREFIX[kind], MILESTONE_FIELDS if kind == "milestones" else LINK_FIELDS
    indices = sorted({int(m.group(1)) for key in form if (m := ROW_KEY[kind].match(key))})
    rows = []
    for j in indices:
        if form.get(f"{prefix}-{j}-remove"):
            continue
        row = {f: str(form.get(f"{prefix}-{j}-{f}", "")).strip() for f in names}
        if any(v for f, v in row.items() if f != "kind"):
            rows.append(row)
    return rows


def _milestones(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    problems, out = Problems(), []
    for number, row in enumerate(rows, start=1):
        where = f"Meilenstein {number}: "
        if not row["title"]:
            problems.items.append(Invalid(f"{where}bitte einen Titel angeben.", field="milestones"))
        planned = problems.take(None, _date, row["planned"], "milestones", where)
        actual = problems.take(None, _date, row["actual"], "milestones", where)
        out.append({"planned_date": planned, "title": row["title"], "actual_date": actual})
    problems.raise_any()
    return out


def _links(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    problems = Problems()
    for number, row in enumerate(rows, start=1):
        if not row["title"] or not row["url"]:
            problems.items.append(
                Invalid(f"Verknüpfung {number}: bitte Titel und Adresse angeben.", field="links")
            )
    problems.raise_any()
    return [{"kind": r["kind"] or "website", "title": r["title"], "url": r["url"]} for r in rows]


def _location(text: str) -> dict[str, Any] | None:
    if not text.strip():
        return None
    try:
        value = json.loads(text)
    except ValueError:
        raise Invalid("Ort: kein gültiges GeoJSON (JSON-Syntax).", field="location") from None
    if not isinstance(value, dict):
        raise Invalid("Ort: GeoJSON-Objekt erwartet.", field="location")
    return value


def _number(form: dict[str, Any], key: str) -> float | int | None:
    raw = str(form.get(key, "")).strip().replace(",", ".")
    if not raw:
        return None
    try:
        return float(raw) if key == "weight" else int(float(raw))
    except (ValueError, OverflowError):
        raise Invalid(f"{NAMES[key]}: '{raw}' ist keine Zahl.", field=key) from None


def parse(form: dict[str, Any]) -> dict[str, Any]:
    """Form fields to measure input values; raises InvalidFields naming every problem."""
    problems = Problems()
    values: dict[str, Any] = {k: str(form.get(k, "")).strip() for k in TEXT_FIELDS}
    for key in DATE_FIELDS:
        values[key] = problems.take(None, _date, str(form.get(key, "")), key, f"{NAMES[key]}: ")
    values.update({k: list(form.get(f"{k}_list", [])) for k in CODE_LISTS})
    values["fields"] = list(form.get("fields_list", []))
    values["sectors"] = list(form.get("sectors_list", []))
    values["lead_department"] = str(form.get("lead_department", ""))
    values["parent"] = str(form.get("parent", "")).strip() or None
    none: list[Any] = []
    values["milestones"] = problems.take(none, _milestones, form.get("milestone_rows", []))
    values["links"] = problems.take(none, _links, form.get("link_rows", []))
    values["location"] = problems.take(None, _location, str(form.get("location", "")))
    if form.get("organisations_shown"):  # unchecked boxes send nothing: clear only if shown
        values["partner_organisations"] = [int(o) for o in form.get("organisations_list", [])]
    if any(str(k).startswith("kpi-") for k in form):
        values["kpis"] = problems.take(none, kpi_form.parse, form.get("kpi_rows", []))
    for key in ("weight", "progress"):
        number = problems.take(None, _number, form, key)
        if number is not None:
            values[key] = number
    problems.raise_any()
    if "progress" in values and str(values["progress"]) == str(form.get("progress_before", "")):
        values.pop("progress")
    return values


def initial(m: MeasurePublic | None) -> dict[str, Any]:
    """Form values of an existing measure (or empty ones for a new measure)."""
    if m is None:
        return {"priority": "medium", "status": "idea", "rollout_stage": "idea", "weight": "1"}
    values: dict[str, Any] = {k: getattr(m, k) for k in TEXT_FIELDS}
    values.update({k: (getattr(m, k).isoformat() if getattr(m, k) else "") for k in DATE_FIELDS})
    values.update(
        partner_departments_list=[d.code for d in m.partner_departments],
        requires_list=[r.code for r in m.requires],
        blocks_list=[r.code for r in m.blocks],
        fields_list=[f.code for f in m.fields],
        sectors_list=[s.code for s in m.sectors],
        organisations_list=[str(o.id) for o in m.partner_organisations],
        kpi_rows=kpi_form.rows_of(m.kpis),
        lead_department=m.lead_department.code,
        parent=m.parent.code if m.parent else "",
        weight=f"{m.weight:g}",
        progress=str(m.progress_entered),
        progress_before=str(m.progress_entered),
        milestone_rows=[
            {
                "planned": s.planned_date.isoformat() if s.planned_date else "",
                "title": s.title,
                "actual": s.actual_date.isoformat() if s.actual_date else "",
            }
            for s in m.milestones
        ],
        link_rows=[{"kind": k.kind.value, "title": k.title, "url": k.url} for k in m.links],
        location=json.dumps(m.location) if m.location else "",
    )
    return values
