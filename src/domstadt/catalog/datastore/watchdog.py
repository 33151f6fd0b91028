"""One thread that interrupts DataStore queries running past their time limit.

A ``threading.Timer`` per request starts and stops a thread each time, which costs
milliseconds on a busy machine; this one thread sleeps until the earliest deadline instead.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Interruptible(Protocol):
    """What can be interrupted (a DuckDB connection or cursor)."""

    def interrupt(self) -> None: ...


_due: dict[int, tuple[float, Interruptible]] = {}
_tokens = itertools.count()
_changed = threading.Condition()
_thread: threading.Thread | None = None


def _run() -> None:
    while True:
        with _changed:
            now = time.monotonic()
            for token, (deadline, target) in list(_due.items()):
                if deadline <= now:
                    del _due[token]
                    target.interrupt()
            wait = min((d for d, _ in _due.values()), default=now + 3600) - now
            _changed.wait(timeout=max(wait, 0.001))


@contextmanager
def limit(target: Interruptible, seconds: float) -> Iterator[None]:
    """Interrupt ``target`` if the block is still running after ``seconds``."""
    global _thread
    token = next(_tokens)
    with _changed:
        if _thread is None:
            _thread = threading.Thread(target=_run, name="datastore-watchdog", daemon=True)
            _thread.start()
        _due[token] = (time.monotonic() + seconds, target)
        _changed.notify()
    try:
        yield
    finally:
        with _changed:
            _due.pop(token, None)
