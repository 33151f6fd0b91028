"""What rate limiting adds to a request (issue 12 target: < 1 ms at p95).

Four (five) apps on one migrated SQLite file, called in-process through ASGI (no network, so the
difference is the limiter's own cost): limiter off, in-process counters, Redis counters
(``--redis URL``: as configured — far from the limit a request is counted in the process and
added in Redis with the others every 20 ms — and ``redis-each``, every request counted in
Redis before it is answered, what a request within the last tenth of its limit pays), each
anonymous and with an app key. First a correctness check: with a
limit of N, exactly N of N + 20 requests pass (counted by hand), on both counter kinds.
Then rounds that interleave the sides, request by request; min/median/p95/max per side.

    PYTHONPATH=src python benchmarks/rate_limit.py --redis redis://127.0.0.1:6379/8
    DOMSTADT_REDIS_URL=redis://127.0.0.1:6379/0 PYTHONPATH=src python benchmarks/rate_limit.py
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from domstadt.core.auth import service as auth
from domstadt.core.auth.models import Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.auth.schemas import UserCreate
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.core.migrate import upgrade
from domstadt.developers import app_service
from domstadt.developers.schemas import AppCreate, KeyCreate
from domstadt.web.app import create_app

PATH = "/sta/v1.1/Things?$top=1"


def _key(db: Database) -> str:
    with db.session() as session:
        user = auth.user_create(
            session,
            actor=system_actor(),
            data=UserCreate(
                email="bench@example.org", name="Bench", role=Role.MEMBER, password="x" * 16
            ),
        )
        person = auth.actor_for_user(session, actor=system_actor(), user_id=user.id)
        assert person is not None
        app = app_service.app_register(
            session, actor=person, data=AppCreate(name="Bench"), plan="standard"
        )
        made = app_service.key_create(
            session, actor=person, app_id=app.id, data=KeyCreate(name="k")
        )
    return made.key


def _app(settings: Settings, db: Database, **changes: Any) -> Any:
    app = create_app(settings.model_copy(update=changes), db)
    limiter = app.state.rate_limiter
    if hasattr(limiter.counters, "prefix"):
        limiter.counters.prefix = f"domstadt:bench:{uuid.uuid4().hex}:"
    return app


async def _check(app: Any, limit: int) -> None:
    transport = httpx.ASGITransport(app=app, client=(f"198.51.100.{limit % 250}", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        codes = [(await client.get(PATH)).status_code for _ in range(limit + 20)]
    passed = sum(1 for c in codes if c == 200)
    assert passed == limit and codes.count(429) == 20, (passed, codes.count(429))


def _summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return (
        f"min {ordered[0]:.3f}  median {statistics.median(ordered):.3f}  "
        f"p95 {p95:.3f}  max {ordered[-1]:.3f} ms"
    )


WARM_UP = 50


def _sides(settings: Settings, db: Database, redis: str) -> dict[str, Any]:
    high = "100000000/day"
    sides: dict[str, Any] = {
        "off": _app(settings, db, rate_limit_enabled=False, redis_url=""),
        "memory": _app(
            settings,
            db,
            redis_url="",  # not the environment's DOMSTADT_REDIS_URL: counted in-process
            rate_limit_anonymous=high,
            rate_limit_plans=f"standard={high}",
        ),
    }
    if redis:
        for name in ("redis", "redis-each"):
            sides[name] = _app(
                settings,
                db,
                redis_url=redis,
                rate_limit_anonymous=high,
                rate_limit_plans=f"standard={high}",
            )
        # What a request near its limit pays: every request counted in Redis before it is
        # answered (Redis's word is never trusted for counting in the process).
        sides["redis-each"].state.rate_limiter.counters.fresh_seconds = 0.0
    return sides


async def _whole_requests(
    sides: dict[str, Any], headers: dict[str, dict[str, str]], n: int
) -> dict[str, list[float]]:
    """Whole requests, interleaved: one request per side in turn."""
    clients = {
        name: httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("203.0.113.9", 1)),
            base_url="http://bench",
        )
        for name, app in sides.items()
    }
    times: dict[str, list[float]] = {f"{s} {h}": [] for s in sides for h in headers}
    for round_ in range(n + WARM_UP):
        for who, extra in headers.items():
            for name, client in clients.items():
                started = time.perf_counter()
                answer = await client.get(PATH, headers=extra)
                elapsed = (time.perf_counter() - started) * 1000
                assert answer.status_code == 200, answer.text
                if round_ >= WARM_UP:
                    times[f"{name} {who}"].append(elapsed)
    for client in clients.values():
        await client.aclose()
    return times


async def _own_work(
    sides: dict[str, Any], headers: dict[str, dict[str, str]], n: int
) -> dict[str, list[float]]:
    """The limiter's own work per request (who calls, count, decide, headers, usage), apart
    from the request, so a busy machine's scheduling noise weighs less than in whole ones."""
    limiters = {name: app.state.rate_limiter for name, app in sides.items() if name != "off"}
    own: dict[str, list[float]] = {f"{s} {h}": [] for s in limiters for h in headers}
    for round_ in range(n + WARM_UP):
        for who, extra in headers.items():
            scope = {
                "type": "http",
                "path": "/sta/v1.1/Things",
                "client": ("203.0.113.9", 1),
                "headers": [(k.lower().encode(), v.encode()) for k, v in extra.items()],
            }
            for name, limiter in limiters.items():
                started = time.perf_counter()
                caller = await limiter.caller(scope)
                decision = await limiter.counters.hit(caller.bucket, caller.rate)
                decision.headers()
                limiter.record(caller, "sta", 200, started)
                if round_ >= WARM_UP:
                    own[f"{name} {who}"].append((time.perf_counter() - started) * 1000)
    return own


def _p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95) - 1]


def _report(times: dict[str, list[float]], own: dict[str, list[float]], n: int) -> None:
    print(f"{n} requests per side, GET {PATH}, in-process ASGI, SQLite")
    for label, values in times.items():
        print(f"  {label:18} {_summary(values)}")
    for label, values in own.items():
        _side, who = label.split()
        added = _p95(values)
        whole = _p95(times[label]) - _p95(times[f"off {who}"])
        print(
            f"  added, {label}: limiter's own work p95 {added:.3f} ms; whole requests: "
            f"p95 {whole:+.3f} ms, median "
            f"{statistics.median(times[label]) - statistics.median(times[f'off {who}']):+.3f} ms"
        )
    print("limiter's own work per request (caller, counter, headers, usage):")
    for label, values in own.items():
        print(f"  {label:18} {_summary(values)}")


async def main(args: argparse.Namespace) -> None:
    """Check, then time whole requests and the limiter's own work; clean up the files."""
    folder = Path(tempfile.mkdtemp(prefix="domstadt-bench-rl-"))
    db = Database(f"sqlite:///{folder / 'bench.sqlite3'}")
    upgrade(db)
    settings = Settings(environment="test", data_dir=folder, database_url=db.url)  # type: ignore[arg-type]
    headers = {"anonymous": {}, "key": {"X-API-Key": _key(db)}}
    await _check(_app(settings, db, redis_url="", rate_limit_anonymous="50/day"), 50)
    if args.redis:
        await _check(_app(settings, db, redis_url=args.redis, rate_limit_anonymous="60/day"), 60)
    kinds = "in-process, Redis" if args.redis else "in-process"
    print(f"check: exactly the limit passed, the rest got 429 ({kinds})")
    sides = _sides(settings, db, args.redis)
    kinds_used = {n: type(a.state.rate_limiter.counters).__name__ for n, a in sides.items()}
    assert kinds_used.get("memory") == "MemoryCounters", kinds_used
    assert not args.redis or kinds_used["redis"] == kinds_used["redis-each"] == "RedisCounters"
    print(f"counters per side: {kinds_used}")
    times = await _whole_requests(sides, headers, args.requests)
    own = await _own_work(sides, headers, args.requests)
    for app in sides.values():
        await app.state.rate_limiter.close()
    _report(times, own, args.requests)
    db.dispose()
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument(
        "--redis",
        default=os.environ.get("DOMSTADT_REDIS_URL", ""),
        help="Redis URL for the shared counters (default: DOMSTADT_REDIS_URL)",
    )
    asyncio.run(main(parser.parse_args()))
