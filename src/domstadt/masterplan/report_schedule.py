"""The calendar of scheduled status reports: cadences, the next due date and the title of the
period a report closes. Periods are aligned to the calendar year (quarters start in January,
April, July and October); a report frozen on a due date covers the period that just ended."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from babel.dates import format_date

Cadence = Literal["monthly", "quarterly", "half-yearly", "yearly"]
MONTHS: dict[str, int] = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}
"""Months per period of each cadence."""


def next_period_start(cadence: str, after: dt.date) -> dt.date:
    """The first day of the first period of ``cadence`` that starts strictly after ``after``."""
    months = MONTHS[cadence]
    index = (after.year * 12 + after.month - 1) // months * months + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_title(cadence: str, due: dt.date) -> str:
    """The German title of the report due on ``due``: it closes the period before that day."""
    last = due - dt.timedelta(days=1)
    if cadence == "monthly":
        return f"Statusbericht {format_date(last, 'MMMM yyyy', locale='de')}"
    if cadence == "quarterly":
        return f"Statusbericht {(last.month - 1) // 3 + 1}. Quartal {last.year}"
    if cadence == "half-yearly":
        return f"Statusbericht {(last.month - 1) // 6 + 1}. Halbjahr {last.year}"
    return f"Statusbericht {last.year}"
