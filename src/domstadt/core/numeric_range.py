"""Values beyond what the database holds are the client's mistake, not ours: a whole number
outside signed 64 bits (an id, page, offset or $filter literal of 2^63) or a moment whose UTC
time falls outside the years 1 to 9999 (9999-12-31T23:59:59-01:00) becomes an
:class:`Invalid` (422, or the standard API's own envelope) wherever it reaches SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event

from domstadt.core.errors import Invalid

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
OUT_OF_RANGE = "22003"  # SQLSTATE numeric_value_out_of_range (PostgreSQL)
MESSAGE = (
    "Ein Wert der Anfrage ist zu groß für die Datenbank: erlaubt sind ganze Zahlen von "
    f"{INT64_MIN} bis {INT64_MAX} und Zeitpunkte von 0001-01-01 bis 9999-12-31 (UTC)."
)


def _refuse_out_of_range(context: Any) -> None:
    """``handle_error`` hook: an OverflowError while binding (SQLite's integers, a moment's
    conversion to UTC) and PostgreSQL's 22003."""
    error = context.original_exception
    if isinstance(error, OverflowError) or getattr(error, "sqlstate", None) == OUT_OF_RANGE:
        raise Invalid(MESSAGE) from error


def refuse_out_of_range(engine: Engine) -> None:
    """Install the hook on ``engine`` (it costs nothing until a statement fails)."""
    event.listen(engine, "handle_error", _refuse_out_of_range)
