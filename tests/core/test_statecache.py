"""Values kept while their state is unchanged, computed once when requests miss together."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from domstadt.core.statecache import StateCache


def test_value_is_kept_for_its_state_and_recomputed_for_another() -> None:
    cache = StateCache(4)
    calls: list[str] = []

    def compute(value: str) -> str:
        calls.append(value)
        return value

    assert cache.get("k", 1, lambda: compute("a")) == "a"
    assert cache.get("k", 1, lambda: compute("b")) == "a"
    assert cache.get("k", 2, lambda: compute("c")) == "c"
    assert calls == ["a", "c"]


def test_least_recently_used_is_dropped_first() -> None:
    cache = StateCache(2)
    cache.get("a", 0, lambda: 1)
    cache.get("b", 0, lambda: 2)
    cache.get("a", 0, lambda: 99)  # used: "b" is now the oldest
    cache.get("c", 0, lambda: 3)
    assert cache.get("a", 0, lambda: 99) == 1
    assert cache.get("b", 0, lambda: 20) == 20


def test_requests_that_miss_together_compute_once() -> None:
    cache = StateCache(4)
    started = threading.Event()
    release = threading.Event()
    calls = 0

    def slow() -> str:
        nonlocal calls
        calls += 1
        started.set()
        assert release.wait(10)
        return "arrays"

    arrived = threading.Semaphore(0)

    def ask() -> str:
        arrived.release()
        return cache.get("facets", "state-1", slow)

    with ThreadPoolExecutor(8) as pool:
        first = pool.submit(cache.get, "facets", "state-1", slow)
        assert started.wait(10)
        others = [pool.submit(ask) for _ in range(7)]
        for _ in others:
            assert arrived.acquire(timeout=10)
        time.sleep(0.2)  # let them reach the cache while the first still computes
        assert not any(f.done() for f in others)
        release.set()
        answers = [first.result(10)] + [f.result(10) for f in others]
    assert answers == ["arrays"] * 8
    assert calls == 1


def test_an_error_is_not_kept_and_the_next_caller_computes() -> None:
    cache = StateCache(4)

    def broken() -> str:
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        cache.get("k", 1, broken)
    assert cache.get("k", 1, lambda: "ok") == "ok"
    assert cache._gates == {}


def test_clear_forgets_every_value() -> None:
    cache = StateCache(4)
    cache.get("k", 1, lambda: "old")
    cache.clear()
    assert cache.get("k", 1, lambda: "new") == "new"
