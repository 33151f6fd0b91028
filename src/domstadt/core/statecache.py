"""Values kept per process while what they were computed from is unchanged.

A value is stored with the state it belongs to (a fingerprint of the data it was computed
from, read by the caller) and recomputed when the caller reads a different state. The
catalogue search keeps its facet arrays and orders this way (``catalog.search_cache``), the
text index its document-to-entity map (``core.text.search``).

One computation per key and state at a time: requests that miss together wait for the first
one's result instead of each computing it. At 1,000,000 datasets the first search after a
write computes for seconds; without the wait every request arriving meanwhile computed the
same arrays again, each slower for the others (docs/benchmarks.md).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

_MISSING = object()


class StateCache:
    """At most ``max_entries`` values, the least recently used dropped first."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[Hashable, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._gates: dict[tuple[Hashable, Hashable], threading.Lock] = {}

    def _stored(self, key: Hashable, state: Hashable) -> Any:
        with self._lock:
            hit = self._entries.get(key)
            if hit is None or hit[0] != state:
                return _MISSING
            self._entries.move_to_end(key)
            return hit[1]

    def get(self, key: Hashable, state: Hashable, compute: Callable[[], Any]) -> Any:
        """The value for ``key`` computed in ``state``: stored, or ``compute()`` once (callers
        that miss meanwhile wait for it; after an error the next one computes)."""
        value = self._stored(key, state)
        if value is not _MISSING:
            return value
        with self._lock:
            gate = self._gates.setdefault((key, state), threading.Lock())
        try:
            with gate:
                value = self._stored(key, state)
                if value is _MISSING:
                    value = compute()
                    with self._lock:
                        self._entries[key] = (state, value)
                        self._entries.move_to_end(key)
                        while len(self._entries) > self.max_entries:
                            self._entries.popitem(last=False)
                return value
        finally:
            with self._lock:
                if self._gates.get((key, state)) is gate and not gate.locked():
                    del self._gates[(key, state)]

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._entries.clear()
