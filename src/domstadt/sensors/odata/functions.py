"""The built-in scalar functions of $filter: argument kinds, result kind, SQL builder."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, bindparam, func

from domstadt.core.db import UTCDateTime, utcnow
from domstadt.sensors.odata.sqlfunctions import DatePart, IndexOf


def _contains(haystack: Any, needle: Any) -> Any:
    # position functions instead of LIKE: '%' and '_' in the argument stay literal
    return IndexOf(haystack, needle) >= 0


def _endswith(text: Any, suffix: Any) -> Any:
    start = func.length(text) - func.length(suffix) + 1
    return and_(func.length(suffix) <= func.length(text), func.substr(text, start) == suffix)


_S, _N, _D = "string", "number", "datetime"
FUNCTIONS: dict[str, tuple[dict[int, tuple[str, ...]], str, Callable[..., Any]]] = {
    "substringof": ({2: (_S, _S)}, "bool", lambda a, b: _contains(b, a)),
    "contains": ({2: (_S, _S)}, "bool", _contains),
    "startswith": ({2: (_S, _S)}, "bool", lambda a, b: IndexOf(a, b) == 0),
    "endswith": ({2: (_S, _S)}, "bool", _endswith),
    "length": ({1: (_S,)}, _N, func.length),
    "tolower": ({1: (_S,)}, _S, func.lower),
    "toupper": ({1: (_S,)}, _S, func.upper),
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
    "now": ({0: ()}, _D, lambda: bindparam(None, utcnow(), type_=UTCDateTime())),
    **{
        part: ({1: (_D,)}, _N, (lambda p: lambda expr: DatePart(p, expr))(part))
        for part in ("year", "month", "day", "hour", "minute", "second")
    },
}
