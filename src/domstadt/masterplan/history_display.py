"""How a measure's history shows one changed field: long texts word by word, everything else
as "alt → neu" with labels instead of codes (status, priority, stage), department names
instead of codes, dates and numbers in the page's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from domstadt.masterplan import labels
from domstadt.masterplan.measure_history import as_text, word_diff
from domstadt.web import formatting

WORDS = ("title", "summary", "description", "goals", "success_criteria", "risks", "contact")
"""Texts compared word by word (inserted and deleted words marked)."""
ENUMS: dict[str, Mapping[Any, str]] = {
    "status": labels.STATUS,
    "priority": labels.PRIORITY,
    "rollout_stage": labels.STAGE,
}
DATES = ("planned_start", "planned_end", "actual_start", "actual_end")
NUMBERS = ("weight",)
PERCENTS = ("progress", "progress_total")
DEPARTMENTS = ("lead_department", "partner_departments")


def _shown(field: str, value: Any, locale: str, departments: Mapping[str, str]) -> str:
    """One side of a change as readable text in ``locale``."""
    if value is None or value == "" or value == []:
        return formatting.EMPTY
    if field in ENUMS:
        return formatting.label(value, ENUMS[field], locale)
    if field in DATES:
        return formatting.date(_as_date(value), locale)
    if field in NUMBERS:
        return formatting.number(value, locale)
    if field in PERCENTS:
        return f"{formatting.number(value, locale)} %"
    if field in DEPARTMENTS:
        codes = value if isinstance(value, list) else [value]
        return "; ".join(departments.get(str(c), str(c)) for c in codes)
    return as_text(value)


def _as_date(value: Any) -> Any:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def change_view(
    field: str, before: Any, after: Any, locale: str, departments: Mapping[str, str]
) -> dict[str, Any]:
    """``{"words": [(op, text), …]}`` for a long text, else ``{"before": …, "after": …}``."""
    if field in WORDS and (before or after):
        return {"words": word_diff(before, after)}
    return {
        "before": _shown(field, before, locale, departments) if before is not None else None,
        "after": _shown(field, after, locale, departments),
    }
