"""A programme's status on a given day, from what its source said and its call dates."""

from __future__ import annotations

import datetime as dt


def status_on(
    given: str, call_open: dt.date | None, call_close: dt.date | None, today: dt.date
) -> str:
    """``closed`` once the deadline has passed or the source says so; ``upcoming`` before the
    call opens; ``rolling`` without a deadline (unless the source said open); else ``open``."""
    if given == "closed" or (call_close is not None and call_close < today):
        return "closed"
    if (call_open is not None and call_open > today) or (given == "upcoming" and not call_open):
        return "upcoming"
    if call_close is None and given != "open":
        return "rolling"
    return "open"
