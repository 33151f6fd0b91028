"""Values the database cannot store are the client's mistake, not ours: they become an
:class:`Invalid` (422, or the standard API's own envelope) wherever they reach SQL, through one
``handle_error`` hook on every engine, instead of a 500:

- a whole number outside signed 64 bits (an id, page, offset or ``$filter`` literal of 2^63);
- a moment whose UTC time falls outside the years 1 to 9999 (9999-12-31T23:59:59-01:00);
- on PostgreSQL, text with the NUL character (``\\u0000``) or longer than its column.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine, event

from domstadt.core.errors import Invalid

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
TOO_LARGE = (
    "Ein Wert der Anfrage ist zu groß für die Datenbank: erlaubt sind ganze Zahlen von "
    f"{INT64_MIN} bis {INT64_MAX} und Zeitpunkte von 0001-01-01 bis 9999-12-31 (UTC)."
)
NUL_TEXT = "Ein Text der Anfrage enthält das Zeichen NUL (\\u0000); bitte entfernen Sie es."
TOO_LONG = "Ein Text der Anfrage ist zu lang für sein Feld (höchstens {limit} Zeichen)."
_LIMIT = re.compile(r"varying\((\d+)\)")
# PostgreSQL SQLSTATEs: numeric_value_out_of_range, string_data_right_truncation,
# untranslatable_character and character_not_in_repertoire (\u0000 in jsonb and text).
_OUT_OF_RANGE, _TOO_LONG, _NUL = "22003", "22001", {"22P05", "22021"}


def _refusal(error: BaseException) -> str | None:
    """The message for a value the database refused, or None for any other error."""
    state = getattr(error, "sqlstate", None)
    if isinstance(error, OverflowError) or state == _OUT_OF_RANGE:
        return TOO_LARGE
    if state in _NUL or "NUL (0x00)" in str(error):  # psycopg refuses NUL before sending
        return NUL_TEXT
    if state == _TOO_LONG:
        limit = _LIMIT.search(str(error))
        return TOO_LONG.format(limit=limit[1] if limit else "weniger")
    return None


def _refuse_unstorable(context: Any) -> None:
    """``handle_error`` hook: raise Invalid for a refused value (SQLite's OverflowError on
    binding, a moment's conversion to UTC, PostgreSQL's data errors above)."""
    message = _refusal(context.original_exception)
    if message is not None:
        raise Invalid(message) from context.original_exception


def refuse_unstorable(engine: Engine) -> None:
    """Install the hook on ``engine`` (it costs nothing until a statement fails)."""
    event.listen(engine, "handle_error", _refuse_unstorable)
