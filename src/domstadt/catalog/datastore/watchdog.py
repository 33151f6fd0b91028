"""One thread that interrupts DataStore queries running past their time limit.

A ``threading.Timer`` per request starts and stops a thread each time, which costs
milliseconds on a busy machine; this one thread looks at the deadlines every ``TICK`` seconds
instead (a query is interrupted at most that much after its limit), and a request wakes
nobody.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol


class Interruptible(Protocol):
    """What can be interrupted (a DuckDB connection or cursor)."""

    def interrupt(self) -> None: ...


@dataclass
class Watch:
    """One watched block; ``fired`` when its target was interrupted."""

    deadline: float
    target: Interruptible
    fired: bool = False


TICK = 0.25
_due: dict[int, Watch] = {}
_tokens = itertools.count()
_changed = threading.Condition()
_thread: threading.Thread | None = None


def _run() -> None:
    while True:
        with _changed:
            now = time.monotonic()
            for token, watch in list(_due.items()):
                if watch.deadline <= now:
                    del _due[token]
                    watch.fired = True
                    watch.target.interrupt()
            _changed.wait(timeout=TICK)


@contextmanager
def limit(target: Interruptible, seconds: float) -> Iterator[Watch]:
    """Interrupt ``target`` if the block is still running after ``seconds``; the yielded
    ``Watch`` says afterwards whether that happened (then ``target`` may carry the interrupt
    into its next statement and should be dropped)."""
    global _thread
    token = next(_tokens)
    watch = Watch(time.monotonic() + seconds, target)
    with _changed:
        if _thread is None:
            _thread = threading.Thread(target=_run, name="datastore-watchdog", daemon=True)
            _thread.start()
        _due[token] = watch
    try:
        yield watch
    finally:
        with _changed:
            _due.pop(token, None)
