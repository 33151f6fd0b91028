"""The measure editor form: its fields to a MeasureCreate/MeasureUpdate input, and back."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from domstadt.core.errors import Invalid
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
CODE_LISTS = ("partner_departments", "requires", "blocks")


def _codes(text: str) -> list[str]:
    return [c.strip() for c in text.replace(";", ",").split(",") if c.strip()]


def _date(text: str, field: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Invalid(f"Datum '{text}' bitte als JJJJ-MM-TT angeben.", field=field) from None


def _milestones(text: str) -> list[dict[str, Any]]:
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 2 or not parts[1]:
            raise Invalid(
                f"Meilensteine, Zeile {number}: bitte 'Datum | Titel | erreicht am' angeben.",
                field="milestones",
            )
        out.append(
            {
                "planned_date": _date(parts[0], "milestones"),
                "title": parts[1],
                "actual_date": _date(parts[2], "milestones") if len(parts) > 2 else None,
            }
        )
    return out


def _links(text: str) -> list[dict[str, str]]:
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3:
            raise Invalid(
                f"Verknüpfte Daten, Zeile {number}: bitte 'Art | Titel | URL' angeben.",
                field="links",
            )
        out.append({"kind": parts[0], "title": parts[1], "url": parts[2]})
    return out


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


def parse(form: dict[str, Any]) -> dict[str, Any]:
    """Form fields to measure input values; raises Invalid naming the field."""
    values: dict[str, Any] = {k: str(form.get(k, "")).strip() for k in TEXT_FIELDS}
    values.update({k: _date(str(form.get(k, "")), k) for k in DATE_FIELDS})
    values.update({k: _codes(str(form.get(k, ""))) for k in CODE_LISTS})
    values["fields"] = list(form.get("fields_list", []))
    values["sectors"] = list(form.get("sectors_list", []))
    values["lead_department"] = str(form.get("lead_department", ""))
    values["parent"] = str(form.get("parent", "")).strip() or None
    values["milestones"] = _milestones(str(form.get("milestones", "")))
    values["links"] = _links(str(form.get("links", "")))
    values["location"] = _location(str(form.get("location", "")))
    if form.get("organisations_shown"):  # unchecked boxes send nothing: clear only if shown
        values["partner_organisations"] = [int(o) for o in form.get("organisations_list", [])]
    if any(str(k).startswith("kpi-") for k in form):
        values["kpis"] = kpi_form.parse(form.get("kpi_rows", []))
    for key in ("weight", "progress"):
        raw = str(form.get(key, "")).strip().replace(",", ".")
        if raw:
            try:
                values[key] = float(raw) if key == "weight" else int(float(raw))
            except ValueError:
                raise Invalid(f"'{raw}' ist keine Zahl.", field=key) from None
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
        partner_departments=", ".join(d.code for d in m.partner_departments),
        requires=", ".join(r.code for r in m.requires),
        blocks=", ".join(r.code for r in m.blocks),
        fields_list=[f.code for f in m.fields],
        sectors_list=[s.code for s in m.sectors],
        organisations_list=[str(o.id) for o in m.partner_organisations],
        kpi_rows=kpi_form.rows_of(m.kpis),
        lead_department=m.lead_department.code,
        parent=m.parent.code if m.parent else "",
        weight=f"{m.weight:g}",
        progress=str(m.progress_entered),
        progress_before=str(m.progress_entered),
        milestones="\n".join(
            f"{s.planned_date or ''} | {s.title} | {s.actual_date or ''}" for s in m.milestones
        ),
        links="\n".join(f"{link.kind.value} | {link.title} | {link.url}" for link in m.links),
        location=json.dumps(m.location) if m.location else "",
    )
    return values
