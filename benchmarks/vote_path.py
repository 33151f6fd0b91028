"""Profile and time one public vote through the whole app (issue 10's vote path), in process.

    .venv/bin/python benchmarks/vote_path.py --postgres postgresql://…/postgres
        [--votes 400] [--profile out.prof] [--queries] [--compare-limiter]

Seeds a scratch PostgreSQL database (dropped afterwards): the demo departments, a challenge in
its vote phase with 20 entries, ``--votes`` accounts with an API token each. Then every account
casts one vote through ``POST /api/v1/challenges/{id}/votes`` (Starlette's test client, the
whole middleware stack, no network), one after another; then every account a second time
(must be 409). Prints min / median / p95 / max per vote (wall clock) and, with ``--queries``,
the SQL statements of one vote. Checks first: each account's vote stored once, each second vote
refused. With ``--profile`` the first votes run under yappi (every thread, CPU clock; a
developer tool, not a dependency: ``pip install --target DIR yappi`` and put DIR on
PYTHONPATH), the 40 most expensive functions printed and the pstats file written.
"""

from __future__ import annotations

import argparse
import random
import secrets
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, insert, select
from starlette.testclient import TestClient

from domstadt.core.auth.models import ApiToken
from domstadt.core.auth.passwords import token_digest
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.core.migrate import upgrade
from domstadt.demo import core
from domstadt.participation.challenges.models import Vote
from domstadt.web.app import create_app
from participation import ACTOR, SECRET, _challenge, _submissions, _users, scratch_postgres, show


def _profiler() -> Any:
    import yappi  # type: ignore[import-not-found]

    yappi.set_clock_type("cpu")
    return yappi


def seed_voters(db: Database, count: int, folder: Path) -> tuple[int, list[int], list[str], Any]:
    """The migrated scratch database seeded: demo departments, a challenge in its vote phase
    with 20 entries, ``count`` accounts with an API token each; the challenge, the entries,
    the tokens and the app's settings (data directory ``folder``)."""
    upgrade(db)
    with db.session() as session:
        core.load(session, ACTOR)
    challenge = _challenge(db, "Abstimmung", 0, vote_open=True)
    entries = _submissions(db, challenge, 20, random.Random(1))[:20]
    users = _users(db, "p", count)
    tokens = [f"bench_{secrets.token_urlsafe(24)}" for _ in users]
    with db.session() as session:
        session.execute(
            insert(ApiToken),
            [
                {"user_id": u, "name": "b", "token_hash": token_digest(t), "prefix": t[:8]}
                for u, t in zip(users, tokens, strict=True)
            ],
        )
    settings = Settings(  # type: ignore[call-arg]
        environment="test", data_dir=folder, database_url=db.url, secret_key=SECRET
    )
    return challenge, entries, tokens, settings


def check_votes(db: Database, count: int) -> None:
    """Every one of ``count`` accounts has exactly one vote stored."""
    with db.session() as session:
        votes, accounts = session.execute(
            select(func.count(Vote.id), func.count(func.distinct(Vote.user_id)))
        ).one()
    assert votes == accounts == count, (votes, accounts)
    print(f"  correct: {votes} votes of {accounts} accounts")


def vote_arguments(compare: str, without: str) -> argparse.ArgumentParser:
    """The options both vote benchmarks take; ``compare`` adds an app without ``without``."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--votes", type=int, default=400)
    parser.add_argument("--profile", default="")
    parser.add_argument(
        compare,
        action="store_true",
        help=f"a second app without {without}, votes alternating between the two",
    )
    return parser


def main() -> None:
    parser = vote_arguments("--compare-limiter", "the rate limiter")
    parser.add_argument("--queries", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, scratch_postgres(args.postgres) as db:
        challenge, entries, tokens, settings = seed_voters(db, args.votes, Path(tmp))
        statements: list[str] = []
        if args.queries:
            event.listen(
                db.engine, "before_cursor_execute", lambda *a: statements.append(a[2][:160])
            )
        url = f"/api/v1/challenges/{challenge}/votes"
        variants = {"whole stack": settings}
        if args.compare_limiter:
            variants["without the rate limiter"] = settings.model_copy(
                update={"rate_limit_enabled": False}
            )
        with ExitStack() as stack:
            clients = {
                name: stack.enter_context(
                    TestClient(create_app(conf, db), base_url="http://testserver")
                )
                for name, conf in variants.items()
            }
            names = list(clients)
            for client in clients.values():
                client.get("/healthz")
            for attempt in (0, 1):
                samples: dict[str, list[float]] = {name: [] for name in names}
                profiler = _profiler() if args.profile and attempt == 0 else None
                for i, token in enumerate(tokens):  # interleaved: vote i goes to variant i % n
                    name = names[i % len(names)]
                    if args.queries and i == 10:
                        statements.clear()
                    if profiler and i == 10:
                        profiler.start()
                    began = time.perf_counter()
                    r = clients[name].post(
                        url,
                        json={"submission_id": entries[i % 20]},
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    samples[name].append((time.perf_counter() - began) * 1000)
                    if args.queries and i == 10:
                        print("\n".join(f"  SQL: {s}" for s in statements))
                    assert r.status_code == (201, 409)[attempt], r.text
                for name in names:
                    what = ["first vote", "second vote (409)"][attempt]
                    show(f"{what}, {name}", samples[name][5:])
                if profiler:
                    profiler.stop()
                    stats = profiler.convert2pstats(profiler.get_func_stats())
                    stats.dump_stats(args.profile)
                    stats.sort_stats("cumulative").print_stats(40)
        check_votes(db, len(tokens))


if __name__ == "__main__":
    main()
