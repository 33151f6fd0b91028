"""Request rate limits: a rate such as ``600/minute`` and fixed-window counters, in this
process or shared through Redis (issue 12). The ASGI layer that applies them to the APIs is
``web/ratelimit.py``."""

from __future__ import annotations

import asyncio
import logging
import math
import re
import time
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger("domstadt.ratelimit")

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(?:(\d+)\s*)?(second|minute|hour|day)s?\s*$")
OFF = {"", "off", "none", "unlimited"}


@dataclass(frozen=True)
class Rate:
    """``count`` requests per ``seconds``."""

    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str, *, setting: str) -> Rate | None:
        """``600/minute``, ``10/second``, ``5000/hour``, ``100/5 minutes``; ``off`` (or
        empty): no limit. ``setting`` names the variable in the error message."""
        if text.strip().lower() in OFF:
            return None
        match = _RATE.match(text.lower())
        if match is None or int(match.group(1)) < 1:
            raise ValueError(
                f"{setting}: {text!r} ist keine Rate. Erlaubt sind z. B. 600/minute, "
                "10/second, 5000/hour, 100000/day oder off."
            )
        multiple = int(match.group(2) or 1)
        return cls(int(match.group(1)), multiple * PERIODS[match.group(3)])

    def __str__(self) -> str:
        for name, seconds in PERIODS.items():
            if self.seconds == seconds:
                return f"{self.count}/{name}"
        return f"{self.count}/{self.seconds} seconds"


def parse_plans(text: str) -> dict[str, Rate | None]:
    """``standard=3000/minute,partner=30000/minute`` as plan name → rate."""
    plans: dict[str, Rate | None] = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        name, sep, rate = entry.partition("=")
        if not sep or not re.fullmatch(r"[a-z0-9_-]{1,40}", name.strip()):
            raise ValueError(
                f"DOMSTADT_RATE_LIMIT_PLANS: {entry!r} hat nicht die Form name=rate "
                "(z. B. standard=3000/minute; Namen aus a-z, 0-9, - und _)."
            )
        plans[name.strip()] = Rate.parse(rate, setting=f"DOMSTADT_RATE_LIMIT_PLANS ({name})")
    return plans


@dataclass(frozen=True)
class Decision:
    """The outcome of one request against a rate: the numbers of the RateLimit headers."""

    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int

    def headers(self) -> list[tuple[bytes, bytes]]:
        """``RateLimit-Limit``, ``-Remaining``, ``-Reset`` (IETF httpapi draft), and
        ``Retry-After`` when refused."""
        out = [
            (b"ratelimit-limit", str(self.limit).encode()),
            (b"ratelimit-remaining", str(self.remaining).encode()),
            (b"ratelimit-reset", str(self.reset_seconds).encode()),
        ]
        if not self.allowed:
            out.append((b"retry-after", str(self.reset_seconds).encode()))
        return out


def decide(rate: Rate, count: int, reset_seconds: float) -> Decision:
    """The decision for the ``count``-th request of a window that ends in ``reset_seconds``."""
    return Decision(
        allowed=count <= rate.count,
        limit=rate.count,
        remaining=max(rate.count - count, 0),
        reset_seconds=max(math.ceil(reset_seconds), 1),
    )


class Counters(Protocol):
    """Fixed-window request counters."""

    async def hit(self, bucket: str, rate: Rate) -> Decision:
        """Count one request of ``bucket`` and decide it."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


class MemoryCounters:
    """Counters of this process (no Redis configured). Bounded: when ``max_buckets`` are
    held, windows that have ended are dropped, and if none has, the oldest half."""

    def __init__(self, max_buckets: int = 100_000) -> None:
        self.max_buckets = max_buckets
        self.windows: dict[str, tuple[float, int]] = {}

    async def hit(self, bucket: str, rate: Rate) -> Decision:
        """Count and decide (no await inside: atomic in the event loop)."""
        now = time.time()
        start = now - now % rate.seconds
        key = f"{bucket}|{rate.seconds}"
        held = self.windows.get(key)
        count = held[1] + 1 if held is not None and held[0] == start else 1
        if held is None and len(self.windows) >= self.max_buckets:
            self._prune(now)
        self.windows[key] = (start, count)
        return decide(rate, count, start + rate.seconds - now)

    async def close(self) -> None:
        """Nothing to release."""

    def _prune(self, now: float) -> None:
        longest = max(PERIODS.values())
        live = {k: v for k, v in self.windows.items() if v[0] + longest > now}
        if len(live) >= self.max_buckets:
            live = dict(list(live.items())[len(live) // 2 :])
        self.windows = live


_HIT_SCRIPT = """
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
if count == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count
"""

FLUSH_SECONDS = 0.02
"""How long requests counted in this process wait before they are added in Redis."""
FRESH_SECONDS = 0.05
"""How long this process trusts Redis's last count of a window for counting on its own."""


def margin(rate: Rate) -> int:
    """How much room a window must keep for this process to count on its own: a tenth of
    the rate, at least two."""
    return max(2, rate.count // 10)


@dataclass
class _Window:
    """What this process knows of one window in Redis: the count Redis last answered, the
    requests on their way there and those counted here but not yet sent; at most one round
    trip per window is under way (``flight``)."""

    start: int
    seconds: int
    known: int = 0
    sending: int = 0
    pending: int = 0
    fresh_until: float = 0.0
    flight: asyncio.Future[None] | None = None

    def count(self) -> int:
        """This process's best count of the window."""
        return self.known + self.sending + self.pending


class RedisCounters:
    """Counters shared by every worker process through Redis (a Lua script: INCRBY, and
    PEXPIRE on a window's first hit). While a window has plenty of room left (:func:`margin`)
    and Redis answered for it within :data:`FRESH_SECONDS`, a request is counted in this
    process and added in Redis within :data:`FLUSH_SECONDS` (one round trip for all requests
    of that time), so it waits for nothing. Near the limit, in a new window, or after a
    quiet spell, each request is counted in Redis before it is answered; a limit is passed
    only by what other processes counted in the last few hundredths of a second, and only
    when that is more than a tenth of it. When Redis cannot be reached the process counts on
    its own (logged once per outage) rather than refusing or failing."""

    remote = True

    def __init__(self, url: str, prefix: str = "domstadt:rl:", max_buckets: int = 100_000) -> None:
        self.url = url
        self.loop: asyncio.AbstractEventLoop | None = None
        self.client: Any = None
        self.script: Any = None
        self.prefix = prefix
        self.fallback = MemoryCounters()
        self.failing = False
        self.windows: dict[str, _Window] = {}
        self.max_buckets = max_buckets
        self.dirty: set[str] = set()
        self.flush_task: asyncio.Task[None] | None = None
        self.flush_loop: asyncio.AbstractEventLoop | None = None
        self.flush_seconds = FLUSH_SECONDS
        self.fresh_seconds = FRESH_SECONDS

    async def hit(self, bucket: str, rate: Rate) -> Decision:
        """Count one request and decide it (in this process while there is room)."""
        now = time.time()
        start = int(now - now % rate.seconds)
        key = f"{self.prefix}{bucket}|{rate.seconds}|{start}"
        held = self._window(key, start, rate.seconds)
        held.pending += 1
        if time.monotonic() < held.fresh_until and rate.count - held.count() >= margin(rate):
            self.dirty.add(key)
            self._flush_soon()
            return decide(rate, held.count(), start + rate.seconds - now)
        try:
            count = await self._send(key, held)
        except Exception as exc:  # any Redis failure: count locally
            if not self.failing:
                log.warning("Rate limit counters fall back to this process: %s", exc)
            self.failing = True
            held.pending -= 1  # counted by the fallback instead; the rest stays to be sent
            return await self.fallback.hit(bucket, rate)
        self.failing = False
        return decide(rate, count, start + rate.seconds - time.time())

    async def flush(self) -> None:
        """Add every request counted here to Redis (each window in one round trip)."""
        keys, self.dirty = self.dirty, set()
        now = time.time()
        for key in keys:
            held = self.windows.get(key)
            if held is None or held.pending == 0 or held.start + held.seconds <= now:
                continue
            try:
                await self._send(key, held)
            except Exception as exc:
                if not self.failing:
                    log.warning("Rate limit counters could not reach Redis: %s", exc)
                self.failing = True
                self.dirty.add(key)

    async def close(self) -> None:
        """Add what is still pending, then close the connections of the running loop's
        client (at shutdown)."""
        if self.flush_task is not None and self.flush_loop is asyncio.get_running_loop():
            self.flush_task.cancel()
        if self.client is not None and self.loop is asyncio.get_running_loop():
            await self.flush()
            await self.client.aclose()
        self.client = self.loop = None

    async def _send(self, key: str, held: _Window) -> int:
        """Send what is pending for ``key`` (after any round trip under way); Redis's count."""
        while held.flight is not None:
            await held.flight
        if held.pending == 0:  # a flush sent this request while it waited
            return held.known
        held.flight = asyncio.get_running_loop().create_future()
        held.sending, held.pending = held.pending, 0
        try:
            count = int(await self._script()(keys=[key], args=[held.seconds * 1000, held.sending]))
        except BaseException:
            held.pending += held.sending
            raise
        finally:
            held.sending = 0
            flight, held.flight = held.flight, None
            flight.set_result(None)
        held.known = max(held.known, count)
        held.fresh_until = time.monotonic() + self.fresh_seconds
        return count

    def _window(self, key: str, start: int, seconds: int) -> _Window:
        held = self.windows.get(key)
        if held is not None:
            return held
        if len(self.windows) >= self.max_buckets:
            now = time.time()
            self.windows = {
                k: w
                for k, w in self.windows.items()
                if w.start + w.seconds > now or w.pending or w.flight
            }
            if len(self.windows) >= self.max_buckets:
                self.windows.clear()
        held = self.windows[key] = _Window(start, seconds)
        return held

    def _flush_soon(self) -> None:
        loop = asyncio.get_running_loop()
        if self.flush_task is None or self.flush_task.done() or self.flush_loop is not loop:
            self.flush_task = loop.create_task(self._flush_later())
            self.flush_loop = loop

    async def _flush_later(self) -> None:
        await asyncio.sleep(self.flush_seconds)
        await self.flush()

    def _script(self) -> Any:
        """The hit script on a client of the running event loop (asyncio connections belong
        to the loop that opened them; a test client may run the app on several loops)."""
        loop = asyncio.get_running_loop()
        if self.client is None or self.loop is not loop:
            import redis.asyncio as aioredis

            self.client = aioredis.Redis.from_url(
                self.url, socket_timeout=0.5, socket_connect_timeout=0.5
            )
            self.script = self.client.register_script(_HIT_SCRIPT)
            self.loop = loop
        return self.script


def counters_for(redis_url: str) -> Counters:
    """Redis counters when ``redis_url`` is set, else this process's."""
    return RedisCounters(redis_url) if redis_url else MemoryCounters()
