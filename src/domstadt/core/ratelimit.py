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
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}
"""


class RedisCounters:
    """Counters shared by every worker process through Redis: one round trip per request
    (a Lua script: INCR, PEXPIRE on the first hit, PTTL). When Redis cannot be reached the
    process counts on its own (logged once per outage) rather than refusing or failing."""

    def __init__(self, url: str, prefix: str = "domstadt:rl:") -> None:
        self.url = url
        self.loop: asyncio.AbstractEventLoop | None = None
        self.client: Any = None
        self.script: Any = None
        self.prefix = prefix
        self.fallback = MemoryCounters()
        self.failing = False

    async def hit(self, bucket: str, rate: Rate) -> Decision:
        """Count in Redis; fall back to this process's counters while Redis is down."""
        now = time.time()
        start = int(now - now % rate.seconds)
        key = f"{self.prefix}{bucket}|{rate.seconds}|{start}"
        try:
            count, ttl_ms = await self._script()(keys=[key], args=[rate.seconds * 1000])
        except Exception as exc:  # any Redis failure: count locally
            if not self.failing:
                log.warning("Rate limit counters fall back to this process: %s", exc)
            self.failing = True
            return await self.fallback.hit(bucket, rate)
        self.failing = False
        return decide(rate, int(count), max(int(ttl_ms), 0) / 1000)

    async def close(self) -> None:
        """Close the connections of the running loop's client (at shutdown)."""
        if self.client is not None and self.loop is asyncio.get_running_loop():
            await self.client.aclose()
        self.client = self.loop = None

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
