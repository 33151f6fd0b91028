"""The built-in scalar functions of $filter: argument kinds, result kind, SQL builder.

The date and time functions are those of OGC 18-088 Table 23 (OData 4.0 canonical
functions). Timestamps are stored in UTC: functions that depend on the time zone
(``year`` … ``minute``, ``date``, ``time``) work in UTC and, as OData asks of such services,
refuse a literal stated in another offset; ``totaloffsetminutes`` of a stored time is 0 and
of a literal its offset.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from typing import Any

from sqlalchemy import Integer, and_, bindparam, case, func

from domstadt.core.db import UTCDateTime, utcnow
from domstadt.sensors.odata.parser import Call, FilterError, Literal
from domstadt.sensors.odata.sqlfunctions import (
    DateOf,
    DatePart,
    FractionalSeconds,
    IndexOf,
    TimeOf,
    ToLower,
    ToUpper,
)

MIN_DATETIME = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
MAX_DATETIME = dt.datetime.max.replace(tzinfo=dt.UTC)
"""The earliest and latest stored point in time (microseconds are the finest unit)."""
_DATE_PARTS = ("year", "month", "day", "hour", "minute", "second")
_IN_UTC = {"year", "month", "day", "hour", "minute", "date", "time"}


def _contains(haystack: Any, needle: Any) -> Any:
    # position functions instead of LIKE: '%' and '_' in the argument stay literal
    return IndexOf(haystack, needle) >= 1


def _endswith(text: Any, suffix: Any) -> Any:
    start = func.length(text) - func.length(suffix) + 1
    return and_(func.length(suffix) <= func.length(text), func.substr(text, start) == suffix)


def bound_moment(value: dt.datetime) -> Any:
    """A timestamp as a bound UTC parameter."""
    return bindparam(None, value, type_=UTCDateTime())


def _offset_minutes(moment: Any) -> Any:
    """0 for a stored (UTC) time, null for null."""
    return case((moment.is_not(None), bindparam(None, 0, type_=Integer())))


def _date_part(part: str) -> Callable[[Any], Any]:
    return lambda moment: DatePart(part, moment)


_S, _N, _D = "string", "number", "datetime"
FUNCTIONS: dict[str, tuple[dict[int, tuple[str, ...]], str, Callable[..., Any]]] = {
    "substringof": ({2: (_S, _S)}, "bool", lambda a, b: _contains(b, a)),
    "contains": ({2: (_S, _S)}, "bool", _contains),
    "startswith": ({2: (_S, _S)}, "bool", lambda a, b: IndexOf(a, b) == 1),
    "endswith": ({2: (_S, _S)}, "bool", _endswith),
    "length": ({1: (_S,)}, _N, func.length),
    "tolower": ({1: (_S,)}, _S, ToLower),
    "toupper": ({1: (_S,)}, _S, ToUpper),
    "trim": ({1: (_S,)}, _S, func.trim),
    "concat": ({2: (_S, _S)}, _S, lambda a, b: a.concat(b)),
    "indexof": ({2: (_S, _S)}, _N, IndexOf),
    "substring": (
        {2: (_S, _N), 3: (_S, _N, _N)},
        _S,
        lambda s, start, length=None: (
            func.substr(s, start + 1) if length is None else func.substr(s, start + 1, length)
        ),
    ),
    "round": ({1: (_N,)}, _N, func.round),
    "floor": ({1: (_N,)}, _N, func.floor),
    "ceiling": ({1: (_N,)}, _N, func.ceil),
    "now": ({0: ()}, _D, lambda: bound_moment(utcnow())),
    "mindatetime": ({0: ()}, _D, lambda: bound_moment(MIN_DATETIME)),
    "maxdatetime": ({0: ()}, _D, lambda: bound_moment(MAX_DATETIME)),
    **{part: ({1: (_D,)}, _N, _date_part(part)) for part in _DATE_PARTS},
    "date": ({1: (_D,)}, "date", DateOf),
    "time": ({1: (_D,)}, "time", TimeOf),
    "fractionalseconds": ({1: (_D,)}, _N, FractionalSeconds),
    "totaloffsetminutes": ({1: (_D,)}, _N, _offset_minutes),
}


def check_arity(call: Call, counts: Collection[int]) -> None:
    """Raise a FilterError naming the function and the argument counts it takes, at the
    first surplus argument (or at the call when arguments are missing)."""
    given = len(call.args)
    if given in counts:
        return
    wanted = sorted(counts)
    if wanted == [0]:
        expected = "keine Argumente"
    else:
        expected = " oder ".join(str(n) for n in wanted)
        expected += " Argument" if wanted == [1] else " Argumente"
    pos = call.args[max(wanted)].pos if given > max(wanted) else call.pos
    raise FilterError(f"{call.name} erwartet {expected}, nicht {given}", pos)


def literal_call(call: Call) -> Any:
    """The value of a date function of a timestamp literal that SQL cannot give, else None.

    Stored times are UTC, so a literal is bound in UTC: its own offset is lost. A function
    depending on the zone refuses a literal in another offset; ``totaloffsetminutes`` gives
    the literal's offset.
    """
    arg = call.args[0] if len(call.args) == 1 else None
    if not isinstance(arg, Literal) or arg.kind != "datetime":
        return None
    offset = arg.value.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    if call.name == "totaloffsetminutes":
        return bindparam(None, minutes, type_=Integer())
    if call.name in _IN_UTC and offset:
        raise FilterError(
            f"{call.name} rechnet in UTC; geben Sie den Zeitpunkt in UTC an (mit Z oder +00:00)",
            arg.pos,
        )
    return None
