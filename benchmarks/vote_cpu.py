"""CPU per vote request of the app alone (issue 10): the ASGI app called directly, no client,
no server, no network, so the figure is what the app (middleware, routing, FastAPI, the
service, SQLAlchemy, psycopg) costs per vote on one core.

    .venv/bin/python benchmarks/vote_cpu.py --postgres postgresql://…/postgres
        [--votes 400] [--profile out.prof] [--compare-index]

Seeds a scratch PostgreSQL database (dropped afterwards) with ``vote_path.seed_voters``, then
each account casts one vote (201), then each a second one (409), one request after another.
Prints the process CPU time (all threads, ``time.process_time``) and the wall time per
request, min / median / p95 / max, the first 10 of each kind left out (warm-up), and the CPU
the PostgreSQL backends of the scratch database spent per request (``/proc``, a local
server). Checks first: every answer's status, each account's vote stored once.
``--profile``: the first votes under yappi (CPU clock, every thread; not a dependency:
``pip install --target DIR yappi``).
``--compare-index``: a second app without the route index (web/route_index.py), votes
alternating between the two. To compare two versions of the code, run this script from both
checkouts in turn (PYTHONPATH naming the other src/).
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text
from vote_path import check_votes, seed_voters, vote_arguments

from domstadt.web.app import create_app
from participation import cpu_ms, scratch_postgres, show

WARM_UP = 10


async def call(app: Any, path: str, token: str, body: bytes) -> int:
    """One POST through the ASGI app as uvicorn would make it; the answer's status."""
    headers = [
        (b"host", b"testserver"),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"authorization", f"Bearer {token}".encode()),
    ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop()
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await app(scope, receive, send)
    return status[0]


async def cast(
    apps: list[Any], path: str, tokens: list[str], entries: list[int], expect: int
) -> Any:
    """Every token votes once, vote i through app i % len(apps); CPU and wall milliseconds
    per request and app."""
    cpu: list[list[float]] = [[] for _ in apps]
    wall: list[list[float]] = [[] for _ in apps]
    for i, token in enumerate(tokens):
        body = json.dumps({"submission_id": entries[i % len(entries)]}).encode()
        c0, w0 = time.process_time(), time.perf_counter()
        status = await call(apps[i % len(apps)], path, token, body)
        cpu[i % len(apps)].append((time.process_time() - c0) * 1000)
        wall[i % len(apps)].append((time.perf_counter() - w0) * 1000)
        assert status == expect, (status, expect)
    return [c[WARM_UP:] for c in cpu], [w[WARM_UP:] for w in wall]


def backends_cpu_ms(db: Any) -> dict[int, float]:
    """CPU so far of each PostgreSQL backend serving the scratch database (Linux /proc; the
    server must run on this machine)."""
    with db.engine.connect() as conn:
        pids = conn.scalars(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        ).all()
    found = {}
    for pid in pids:
        try:
            found[pid] = cpu_ms(pid)
        except OSError:  # ended meanwhile, or not on this machine
            continue
    return found


def without_route_index(app: Any) -> Any:
    """``app`` with FastAPI's own route matching only (``web/route_index.py`` undone)."""
    for route in app.router.routes:
        vars(route).pop("matches", None)
    return app


def main() -> None:
    args = vote_arguments("--compare-index", "the route index").parse_args()
    with tempfile.TemporaryDirectory() as tmp, scratch_postgres(args.postgres) as db:
        challenge, entries, tokens, settings = seed_voters(db, args.votes, Path(tmp))
        apps = {"as built": create_app(settings, db)}
        if args.compare_index:
            apps["without route index"] = without_route_index(create_app(settings, db))
        path = f"/api/v1/challenges/{challenge}/votes"
        for expect, what in ((201, "first vote"), (409, "second vote (409)")):
            profiler = None
            if args.profile and expect == 201:
                import yappi  # type: ignore[import-not-found]

                yappi.set_clock_type("cpu")
                yappi.start()
                profiler = yappi
            before = backends_cpu_ms(db)
            cpu, wall = asyncio.run(cast(list(apps.values()), path, tokens, entries, expect))
            after = backends_cpu_ms(db)
            spent = sum(ms - before.get(pid, 0.0) for pid, ms in after.items())
            print(f"  {what}: PostgreSQL backends' CPU {spent / len(tokens):.2f} ms per request")
            if profiler:
                profiler.stop()
                stats = profiler.convert2pstats(profiler.get_func_stats())
                stats.dump_stats(args.profile)
                stats.sort_stats("tottime").print_stats(45)
            for n, name in enumerate(apps):
                show(f"{what}, {name}, CPU", cpu[n])
                show(f"{what}, {name}, wall", wall[n])
        check_votes(db, len(tokens))


if __name__ == "__main__":
    main()
