"""KPIs (Kennzahlen) in the editor form: one block per KPI with unit, baseline and target, and
one row per measured value (date, value, source), plus an empty block and empty rows to add.

Fields are named ``kpi-<i>-name|unit|baseline|target|remove`` and
``kpi-<i>-v-<j>-date|value|source``. A fully empty block or row is left out; anything else
must be complete, else :class:`Invalid` names the KPI, the row and the field.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from domstadt.core.errors import Invalid, Problems
from domstadt.masterplan.schemas import KpiPublic

KPI_KEY = re.compile(r"^kpi-(\d+)-")
VALUE_KEY = re.compile(r"^kpi-(\d+)-v-(\d+)-")
KPI_FIELDS = ("name", "unit", "baseline", "target")
VALUE_FIELDS = ("date", "value", "source")


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def rows_of(kpis: list[KpiPublic]) -> list[dict[str, Any]]:
    """A measure's KPIs as form rows (strings)."""
    return [
        {
            "name": k.name,
            "unit": k.unit,
            "baseline": _number(k.baseline),
            "target": _number(k.target),
            "values": [
                {"date": v.date.isoformat(), "value": _number(v.value), "source": v.source}
                for v in k.values
            ],
        }
        for k in kpis
    ]


def rows_from_form(form: dict[str, Any]) -> list[dict[str, Any]]:
    """The submitted KPI blocks (as typed, fully empty ones and removed ones left out)."""
    rows = []
    indices = sorted({int(m.group(1)) for key in form if (m := KPI_KEY.match(key))})
    for i in indices:
        if form.get(f"kpi-{i}-remove"):
            continue
        row: dict[str, Any] = {f: str(form.get(f"kpi-{i}-{f}", "")).strip() for f in KPI_FIELDS}
        found = (m for key in form if (m := VALUE_KEY.match(key)) and int(m.group(1)) == i)
        values = []
        for j in sorted({int(m.group(2)) for m in found}):
            value = {f: str(form.get(f"kpi-{i}-v-{j}-{f}", "")).strip() for f in VALUE_FIELDS}
            if any(value.values()):
                values.append(value)
        row["values"] = values
        if any(row[f] for f in KPI_FIELDS) or values:
            rows.append(row)
    return rows


def _float(text: str, where: str, what: str) -> float | None:
    if not text:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise Invalid(f"{where}, {what}: '{text}' ist keine Zahl.", field="kpis") from None


def _value(raw: dict[str, str], where: str) -> dict[str, Any]:
    if not raw["date"]:
        raise Invalid(f"{where}: bitte das Datum des Werts angeben.", field="kpis")
    try:
        date = dt.date.fromisoformat(raw["date"])
    except ValueError:
        raise Invalid(
            f"{where}, Datum: '{raw['date']}' bitte als JJJJ-MM-TT angeben.", field="kpis"
        ) from None
    value = _float(raw["value"], where, "Wert")
    if value is None:
        raise Invalid(f"{where}: bitte den gemessenen Wert angeben.", field="kpis")
    return {"date": date, "value": value, "source": raw["source"]}


def parse(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Form rows to KPI input values; raises InvalidFields naming every KPI, row and field
    that is wrong."""
    problems, kpis = Problems(), []
    for number, row in enumerate(rows, start=1):
        where = f"Kennzahl {number}" + (f" ({row['name']})" if row["name"] else "")
        if not row["name"]:
            problems.items.append(Invalid(f"{where}: bitte einen Namen angeben.", field="kpis"))
        values = [
            problems.take(None, _value, v, f"{where}, Wert {j}")
            for j, v in enumerate(row["values"], start=1)
        ]
        kpis.append(
            {
                "name": row["name"],
                "unit": row["unit"],
                "baseline": problems.take(None, _float, row["baseline"], where, "Ausgangswert"),
                "target": problems.take(None, _float, row["target"], where, "Zielwert"),
                "values": [v for v in values if v is not None],
            }
        )
    problems.raise_any()
    return kpis
