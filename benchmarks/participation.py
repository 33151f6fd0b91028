"""Benchmark (issue 10): a challenge with 10,000 submissions and 100,000 public votes; the
results API and the challenge page (which shows the results) p95 < 150 ms on SQLite and
PostgreSQL; 50 concurrent voters on PostgreSQL: vote p95 < 50 ms, no vote lost or counted
twice.

    .venv/bin/python benchmarks/participation.py [--submissions 10000] [--votes 100000]
        [--rounds 60] [--voters 50] [--votes-per-voter 20]
        [--postgres postgresql://postgres@127.0.0.1:5432/postgres] [--skip-sqlite]
        [--workers 1,2,3] [--vote-rounds 2] [--bursts 4] [--no-closed-loop]

For each engine (SQLite in a temporary directory; PostgreSQL in a scratch database created on
the ``--postgres`` server and dropped afterwards):
1. seed: the demo departments, a finished challenge (results phase) with ``--submissions``
   submitted entries (plus 1 % drafts and 0.5 % hidden ones), three jurors scoring every
   entry on two criteria, and ``--votes`` votes of as many accounts (SQL bulk inserts); a
   second challenge in its vote phase with 20 entries for the voters;
2. start the real server (``domstadt serve``, uvicorn) on a free port;
3. check the answer before timing it: the results API must list every submitted entry with
   exactly the votes a brute-force SQL count gives, places 1..N, jury scores falling;
4. time ``GET /api/v1/challenges/{id}/results`` and ``GET /wettbewerbe/{id}`` (min, median,
   p95, max over ``--rounds`` after two warm-ups);
5. PostgreSQL only (SQLite has one writer), two readings of "50 concurrent voters":
   a **burst**: ``--voters`` people who have not voted yet (fresh accounts, nothing cached)
   each cast ONE vote at the same moment, then all a second vote at once (must be 409);
   ``--bursts`` bursts per round; and the **closed loop** (throughput): ``--voters`` threads
   vote back to back, each for ``--votes-per-voter`` accounts, every account twice in a row
   (the second must answer 409). Vote latency min/median/p95/max; checked after each run:
   exactly one vote per account and per-entry totals equal the accepted answers. With
   ``--workers 1,2,3`` one server per worker count (``domstadt serve --workers N``) runs at
   once and the vote runs are interleaved between them, ``--vote-rounds`` times each; before
   each run the open challenge's votes are deleted and the tokens' last use forgotten, so
   every run does the same work. The figures pool the rounds of one worker count.
Timings vary by machine; record them by hand in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
from _common import free_port, wait_for
from sqlalchemy import create_engine, delete, func, insert, select, text, update
from sqlalchemy.engine import make_url

from domstadt.core.auth.models import ApiToken, Role, User
from domstadt.core.auth.passwords import token_digest
from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database, utcnow
from domstadt.core.migrate import upgrade
from domstadt.demo import core
from domstadt.participation import challenge_service
from domstadt.participation.challenges.models import (
    Juror,
    Score,
    Submission,
    SubmissionStatus,
    Vote,
)
from domstadt.participation.challenges.schemas import ChallengeCreate

ACTOR = system_actor("benchmark")
SECRET = "benchmark-secret-key-that-is-long-enough-0123456789"
BIN = Path(sys.executable).parent
BATCH = 5000
VOTE_ENTRIES = 20
JURORS = 3


def stats(samples: list[float]) -> dict[str, float]:
    """min, median, p95 (inclusive quantile) and max of millisecond samples."""
    ordered = sorted(samples)
    return {
        "min": ordered[0],
        "median": statistics.median(ordered),
        "p95": statistics.quantiles(ordered, n=100, method="inclusive")[94],
        "max": ordered[-1],
    }


def show(label: str, samples: list[float]) -> dict[str, float]:
    """Print one timing line and return its figures."""
    s = stats(samples)
    print(
        f"  {label}: min {s['min']:.1f} ms, median {s['median']:.1f} ms, "
        f"p95 {s['p95']:.1f} ms, max {s['max']:.1f} ms ({len(samples)} requests)",
        flush=True,
    )
    return s


def _bulk(db: Database, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        with db.session() as session:
            session.execute(insert(model), rows[start : start + BATCH])


def _challenge(db: Database, title: str, days_back: float, vote_open: bool) -> int:
    now = utcnow()
    end = now + dt.timedelta(days=10) if vote_open else now - dt.timedelta(days=days_back)
    with db.session() as session:
        created = challenge_service.challenge_create(
            session,
            actor=ACTOR,
            data=ChallengeCreate(
                title=title,
                question="Wie wird Köln digitaler?",
                department="DIG",
                criteria=[{"name": "Wirkung", "weight": 2}, {"name": "Machbarkeit", "weight": 1}],
                submission_opens=now - dt.timedelta(days=90),
                review_opens=now - dt.timedelta(days=60),
                vote_opens=now - dt.timedelta(days=30),
                results_at=end,
            ),
        )
    return created.id


def _users(db: Database, prefix: str, count: int) -> list[int]:
    """``count`` member accounts (bulk insert); their ids in order."""
    rows = [
        {
            "email": f"{prefix}{i}@bench.example",
            "name": f"Bench {prefix}{i}",
            "password_hash": "!",
            "role": Role.MEMBER,
            "is_active": True,
            "created_at": utcnow() - dt.timedelta(days=400),
        }
        for i in range(count)
    ]
    _bulk(db, User, rows)
    with db.session() as session:
        return list(
            session.scalars(
                select(User.id).where(User.email.like(f"{prefix}%@bench.example")).order_by(User.id)
            )
        )


def _submissions(db: Database, challenge_id: int, count: int, rng: random.Random) -> list[int]:
    """``count`` submitted entries plus drafts and hidden ones; the ids of the submitted,
    visible entries (the ones voters can pick)."""
    now = utcnow()
    rows = []
    for i in range(count + count // 100 + count // 200):
        status = SubmissionStatus.SUBMITTED
        if i >= count:
            status = SubmissionStatus.DRAFT if i < count + count // 100 else status
        rows.append(
            {
                "challenge_id": challenge_id,
                "author_name": f"Person {i}",
                "title": f"Idee {i} für Köln",
                "summary": "Eine Idee.",
                "status": status,
                "submitted_at": None
                if status == SubmissionStatus.DRAFT
                else now - dt.timedelta(days=70, minutes=rng.randint(0, 40_000)),
                "hidden_at": now if i >= count + count // 100 else None,
                "created_at": now - dt.timedelta(days=80),
            }
        )
    _bulk(db, Submission, rows)
    with db.session() as session:
        return list(
            session.scalars(
                select(Submission.id)
                .where(
                    Submission.challenge_id == challenge_id,
                    Submission.status != SubmissionStatus.DRAFT,
                    Submission.hidden_at.is_(None),
                )
                .order_by(Submission.id)
            )
        )


def seed(db: Database, submissions: int, votes: int, voters: int) -> dict[str, Any]:
    """The two challenges, their entries, jury scores and votes; what was seeded."""
    rng = random.Random(10)
    start = time.perf_counter()
    with db.session() as session:
        core.load(session, ACTOR)
    done = _challenge(db, "Benchmark: abgeschlossener Wettbewerb", 1, vote_open=False)
    open_vote = _challenge(db, "Benchmark: laufende Abstimmung", 0, vote_open=True)
    entries = _submissions(db, done, submissions, rng)
    vote_entries = _submissions(db, open_vote, VOTE_ENTRIES, rng)[:VOTE_ENTRIES]
    jurors = _users(db, "juror", JURORS)
    _bulk(db, Juror, [{"challenge_id": done, "user_id": j} for j in jurors])
    values = {(sid, j, c): rng.randint(0, 10) for sid in entries for j in jurors for c in (0, 1)}
    _bulk(
        db,
        Score,
        [
            {"submission_id": sid, "juror_id": j, "criterion": c, "value": v, "comment": ""}
            for (sid, j, c), v in values.items()
        ],
    )
    jury = {
        sid: round(
            (2 * sum(values[sid, j, 0] for j in jurors) + sum(values[sid, j, 1] for j in jurors))
            / JURORS
            / 3,
            3,
        )
        for sid in entries
    }
    voter_ids = _users(db, "v", votes)
    weights = [1 / (1 + i) for i in range(len(entries))]  # a few popular entries, a long tail
    picks = rng.choices(entries, weights=weights, k=votes)
    _bulk(
        db,
        Vote,
        [
            {"challenge_id": done, "submission_id": sid, "user_id": uid, "created_at": utcnow()}
            for uid, sid in zip(voter_ids, picks, strict=True)
        ],
    )
    live_voters = _users(db, "live", voters)
    tokens = [f"bench_{secrets.token_urlsafe(24)}" for _ in live_voters]
    _bulk(
        db,
        ApiToken,
        [
            {"user_id": uid, "name": "bench", "token_hash": token_digest(t), "prefix": t[:8]}
            for uid, t in zip(live_voters, tokens, strict=True)
        ],
    )
    if db.url.startswith("postgresql"):
        # Bulk inserts leave no statistics; autovacuum would gather them in production.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as con:
            con.execute(text("VACUUM ANALYZE"))
    print(f"  seeded in {time.perf_counter() - start:.0f} s", flush=True)
    return {
        "done": done,
        "open": open_vote,
        "entries": len(entries),
        "expected": Counter(picks),
        "jury": jury,
        "vote_entries": vote_entries,
        "tokens": tokens,
    }


def check_results(client: httpx.Client, base: str, db: Database, seeded: dict[str, Any]) -> None:
    """The results API must equal a brute-force SQL count, in ranking order."""
    done = seeded["done"]
    with db.session() as session:
        counted = dict(
            session.execute(
                text(
                    "SELECT submission_id, COUNT(*) FROM challenge_vote WHERE challenge_id = :c "
                    "GROUP BY submission_id"
                ),
                {"c": done},
            ).all()
        )
        submitted = session.scalar(
            select(func.count())
            .select_from(Submission)
            .where(Submission.challenge_id == done, Submission.status != SubmissionStatus.DRAFT)
        )
    assert counted == dict(seeded["expected"]), "SQL count differs from the seeded votes"
    url = f"{base}/api/v1/challenges/{done}/results"
    answer = client.get(url, params={"limit": 1000}).json()
    rows = answer["rows"]
    while len(rows) < answer["total"]:
        rows += client.get(url, params={"limit": 1000, "offset": len(rows)}).json()["rows"]
    assert answer["votes_visible"] and answer["jury_visible"]
    assert len(rows) == answer["total"] == submitted, (len(rows), submitted)
    assert answer["total_votes"] == sum(counted.values())
    assert {r["submission_id"]: r["votes"] for r in rows if r["votes"]} == counted
    assert [r["place"] for r in rows] == list(range(1, len(rows) + 1))
    assert {r["submission_id"]: r["jury_score"] for r in rows if r["jury_score"] is not None} == (
        seeded["jury"]
    ), "jury scores differ from the brute-force weighted means"
    scores = [r["jury_score"] for r in rows if r["jury_score"] is not None]
    assert all(a >= b for a, b in itertools.pairwise(scores)), "ranking not ordered"
    assert all(r["jury_score"] is None for r in rows[len(scores) :]), "unscored entries last"
    page = client.get(f"{base}/wettbewerbe/{done}")
    assert page.status_code == 200 and rows[0]["title"] in page.text
    print(
        f"  correct: {len(rows)} entries, {answer['total_votes']} votes as SQL counts", flush=True
    )


def cpu_ms(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far in ms (Linux /proc): on a shared
    machine the CPU a request costs says more than its wall time."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def tree_cpu_ms(pid: int) -> float:
    """CPU time so far of ``pid`` and its children (the workers of ``serve --workers``); the
    PostgreSQL backends are not in it."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return cpu_ms(pid) + sum(tree_cpu_ms(int(c)) for c in children)


def time_reads(
    client: httpx.Client, base: str, pid: int, done: int, entries: int, rounds: int
) -> dict[str, Any]:
    """Timings of the results API and the challenge page (wall time per request, and the
    server process's CPU time per request)."""
    out = {}
    for label, path in (
        ("results API", f"/api/v1/challenges/{done}/results"),
        ("challenge page", f"/wettbewerbe/{done}"),
        ("results API, last places", f"/api/v1/challenges/{done}/results?offset={entries - 100}"),
    ):
        samples = []
        cpu_before = 0.0
        for n in range(rounds + 2):
            if n == 2:
                cpu_before = cpu_ms(pid)
            began = time.perf_counter()
            response = client.get(base + path)
            elapsed = (time.perf_counter() - began) * 1000
            assert response.status_code == 200, response.text[:200]
            if n >= 2:
                samples.append(elapsed)
        out[label] = show(f"{label} {path}", samples)
        cpu = (cpu_ms(pid) - cpu_before) / rounds
        print(f"    server process CPU: {cpu:.1f} ms per request", flush=True)
    return out


def concurrent_votes(
    base: str, db: Database, seeded: dict[str, Any], voters: int, tokens: list[str]
) -> list[float]:
    """``voters`` threads vote back to back, each for its share of ``tokens``; every account
    twice in a row (the second must be 409)."""
    entries: list[int] = seeded["vote_entries"]
    challenge = seeded["open"]
    groups = [tokens[i::voters] for i in range(voters)]
    barrier = threading.Barrier(voters)
    lock = threading.Lock()
    samples: list[float] = []
    accepted: Counter[int] = Counter()
    refused = 0
    failures: list[str] = []
    broken: list[str] = []

    def voter(index: int) -> None:
        nonlocal refused
        rng = random.Random(index)
        with httpx.Client(timeout=30) as client:
            barrier.wait()
            for token in groups[index]:
                sid = rng.choice(entries)
                url = f"{base}/api/v1/challenges/{challenge}/votes"
                headers = {"Authorization": f"Bearer {token}"}
                for attempt in (0, 1):
                    began = time.perf_counter()
                    try:
                        r = client.post(url, json={"submission_id": sid}, headers=headers)
                    except httpx.HTTPError as exc:  # e.g. the worker was restarted
                        with lock:
                            broken.append(f"{attempt}: {type(exc).__name__}")
                        break
                    elapsed = (time.perf_counter() - began) * 1000
                    with lock:
                        samples.append(elapsed)
                        if r.status_code == 201 and attempt == 0:
                            accepted[sid] += 1
                        elif r.status_code == 409 and attempt == 1:
                            refused += 1
                        else:
                            failures.append(f"{attempt}: {r.status_code} {r.text[:120]}")

    threads = [threading.Thread(target=voter, args=(i,)) for i in range(voters)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    stored, votes, accounts = _stored(db, challenge)
    assert not failures, failures[:5]
    assert votes == accounts, (votes, accounts)  # no account counted twice
    _check_broken(stored, accepted, broken)
    assert votes + len(broken) >= len(tokens) >= refused, (votes, len(tokens), refused)
    print(
        f"  correct: {len(tokens)} accounts, {sum(stored.values())} votes stored, "
        f"{refused} second votes refused (409); {len(samples) / wall:.0f} requests/s",
        flush=True,
    )
    show(f"vote POST, {voters} concurrent voters", samples)
    return samples


def _stored(db: Database, challenge: int) -> tuple[dict[int, int], int, int]:
    """Per-entry vote totals of ``challenge`` counted in SQL, all its votes, distinct voters."""
    with db.session() as session:
        stored = dict(
            session.execute(
                select(Vote.submission_id, func.count())
                .where(Vote.challenge_id == challenge)
                .group_by(Vote.submission_id)
            ).all()
        )
        votes, accounts = session.execute(
            select(func.count(Vote.id), func.count(func.distinct(Vote.user_id))).where(
                Vote.challenge_id == challenge
            )
        ).one()
    return stored, votes, accounts


def _check_broken(stored: dict[int, int], accepted: Counter[int], broken: list[str]) -> None:
    """Stored totals equal the accepted answers; requests that broke off without an answer
    (connection closed) may have stored their vote or not, and are reported."""
    if not broken:
        assert stored == dict(accepted), (stored, accepted)
        return
    extra = sum(stored.values()) - sum(accepted.values())
    assert all(stored.get(k, 0) >= n for k, n in accepted.items()), (stored, accepted)
    assert 0 <= extra <= len(broken), (extra, broken)
    print(
        f"    {len(broken)} request(s) broke off without an answer ({Counter(broken)}); "
        f"{extra} of them had stored the vote (none twice)",
        flush=True,
    )


def burst_votes(base: str, db: Database, seeded: dict[str, Any], tokens: list[str]) -> list[float]:
    """One voter per token, all at the same moment, each casting ONE vote (a person clicking
    "abstimmen"); then all at once again with a second vote (must be 409). Each voter's
    connection is open before the moment (a browser that has the page loaded). The latencies
    of the first votes; checked first: every vote stored once, totals equal SQL counts."""
    entries: list[int] = seeded["vote_entries"]
    challenge = seeded["open"]
    url = f"{base}/api/v1/challenges/{challenge}/votes"
    barrier = threading.Barrier(len(tokens))
    lock = threading.Lock()
    samples: list[float] = []
    accepted: Counter[int] = Counter()
    answers: Counter[tuple[int, int]] = Counter()
    broken: list[str] = []

    def voter(index: int) -> None:
        sid = entries[index % len(entries)]
        headers = {"Authorization": f"Bearer {tokens[index]}"}
        with httpx.Client(timeout=30) as client:
            client.get(f"{base}/healthz")  # the connection is open, as in a loaded page
            for attempt in (0, 1):
                barrier.wait()
                began = time.perf_counter()
                try:
                    r = client.post(url, json={"submission_id": sid}, headers=headers)
                except httpx.HTTPError as exc:  # e.g. the worker was restarted
                    with lock:
                        answers[attempt, 0] += 1
                        broken.append(f"{attempt}: {type(exc).__name__}")
                    continue
                elapsed = (time.perf_counter() - began) * 1000
                with lock:
                    answers[attempt, r.status_code] += 1
                    if r.status_code == 201:
                        accepted[sid] += 1
                    if attempt == 0:
                        samples.append(elapsed)

    threads = [threading.Thread(target=voter, args=(i,)) for i in range(len(tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored, votes, accounts = _stored(db, challenge)
    n = len(tokens)
    assert answers[0, 201] + answers[0, 0] == n, answers
    assert answers[1, 409] + answers[1, 0] + answers[1, 201] == n, answers
    assert answers[1, 201] <= answers[0, 0], answers  # only a first vote that broke off
    assert votes == accounts, (votes, accounts)  # no account counted twice
    _check_broken(stored, accepted, broken)
    print(
        f"    burst correct: {n} voters, {votes} votes stored, {n} second votes refused (409)",
        flush=True,
    )
    show(f"vote POST, burst of {n} voters at once", samples)
    return samples


@contextmanager
def server(db: Database, folder: Path, workers: int = 1) -> Iterator[tuple[str, int]]:
    """``domstadt serve [--workers N]`` on a free port; the base URL and (supervisor) process
    id while it runs."""
    port = free_port()
    env = {
        **os.environ,
        "DOMSTADT_DATABASE_URL": db.url,
        "DOMSTADT_DATA_DIR": str(folder),
        "DOMSTADT_SECRET_KEY": SECRET,
        "DOMSTADT_LOG_LEVEL": os.environ.get("DOMSTADT_LOG_LEVEL", "WARNING"),
        "DOMSTADT_EMBEDDING_MODEL": "lexical",
        "DOMSTADT_MQTT_EMBEDDED": "false",
        "DOMSTADT_ENVIRONMENT": "test",
    }
    proc = subprocess.Popen(
        [str(BIN / "domstadt"), "serve", "--port", str(port)]
        + (["--workers", str(workers)] if workers > 1 else []),
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz", proc, seconds=600)
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextmanager
def scratch_postgres(admin_url: str) -> Iterator[Database]:
    """A fresh PostgreSQL database on the server of ``admin_url``, dropped afterwards."""
    name = f"domstadt_bench_participation_{os.getpid()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    db = Database(url)
    try:
        yield db
    finally:
        db.dispose()
        with admin.connect() as con:
            con.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def scratch_sqlite(folder: Path) -> Iterator[Database]:
    """A fresh SQLite file under ``folder``."""
    db = Database(f"sqlite:///{folder}/bench.sqlite3")
    try:
        yield db
    finally:
        db.dispose()


def run(engine: str, db: Database, folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Seed, check and time one engine."""
    print(f"{engine}:", flush=True)
    upgrade(db)
    runs = len(args.workers.split(",")) * (args.vote_rounds * args.bursts + 1)
    voters = args.voters * (args.votes_per_voter + runs) if engine == "PostgreSQL" else 0
    seeded = seed(db, args.submissions, args.votes, voters)
    figures: dict[str, Any] = {}
    with server(db, folder) as (base, pid), httpx.Client(timeout=60) as client:
        check_results(client, base, db, seeded)
        figures.update(
            time_reads(client, base, pid, seeded["done"], seeded["entries"], args.rounds)
        )
    if voters:
        figures["vote"] = vote_runs(db, folder, seeded, args)
    return figures


def reset_votes(db: Database, challenge: int) -> None:
    """Delete the open challenge's votes and forget the tokens' last use: a fresh start."""
    with db.session() as session:
        session.execute(delete(Vote).where(Vote.challenge_id == challenge))
        session.execute(update(ApiToken).values(last_used_at=None))


def vote_runs(
    db: Database, folder: Path, seeded: dict[str, Any], args: argparse.Namespace
) -> dict[str, dict[str, float]]:
    """The burst and closed-loop voter runs against one server per worker count, interleaved."""
    counts = [int(n) for n in args.workers.split(",")]
    samples: dict[int, list[float]] = {n: [] for n in counts}
    bursts: dict[int, list[float]] = {n: [] for n in counts}
    looped = seeded["tokens"][: args.voters * args.votes_per_voter]
    rest = seeded["tokens"][len(looped) :]
    fresh = iter(rest[i : i + args.voters] for i in itertools.count(0, args.voters))
    with ExitStack() as stack:
        running = {n: stack.enter_context(server(db, folder, n)) for n in counts}
        bases = {n: base for n, (base, _) in running.items()}
        cpu: dict[int, list[float]] = {n: [0.0, 0.0] for n in counts}  # ms, requests
        for n in counts:  # a production server is warm: imports, templates, pooled connections
            print(f"  warm-up burst (not counted), {n} worker(s):", flush=True)
            reset_votes(db, seeded["open"])
            burst_votes(bases[n], db, seeded, next(fresh))
        for round_no in range(args.vote_rounds):
            for n in counts:
                print(f"  round {round_no + 1}, {n} worker(s):", flush=True)
                for _ in range(args.bursts):
                    # accounts this server has not seen yet: nothing about them is cached
                    reset_votes(db, seeded["open"])
                    before = tree_cpu_ms(running[n][1])
                    bursts[n] += burst_votes(bases[n], db, seeded, next(fresh))
                    cpu[n][0] += tree_cpu_ms(running[n][1]) - before
                    cpu[n][1] += 2 * args.voters
                if args.closed_loop:
                    reset_votes(db, seeded["open"])
                    samples[n] += concurrent_votes(bases[n], db, seeded, args.voters, looped)
    figures = {}
    for n in counts:
        if cpu[n][1]:
            print(
                f"  server CPU (all worker processes, without PostgreSQL), bursts, {n} "
                f"worker(s): {cpu[n][0] / cpu[n][1]:.1f} ms per vote request",
                flush=True,
            )
        if bursts[n]:
            figures[f"burst {n}"] = show(
                f"vote POST, bursts of {args.voters} voters (one vote each), {n} worker(s), "
                "all rounds",
                bursts[n],
            )
        if samples[n]:
            figures[f"closed {n}"] = show(
                f"vote POST, {args.voters} voters back to back, {n} worker(s), all rounds",
                samples[n],
            )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--votes", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--voters", type=int, default=50)
    parser.add_argument("--votes-per-voter", type=int, default=20)
    parser.add_argument("--postgres", default="", help="URL of a PostgreSQL server's database")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--workers", default="1", help="worker counts for the vote runs: 1,2,3")
    parser.add_argument("--vote-rounds", type=int, default=1)
    parser.add_argument(
        "--bursts", type=int, default=4, help="bursts of --voters fresh voters per round"
    )
    parser.add_argument(
        "--no-closed-loop", dest="closed_loop", action="store_false", help="bursts only"
    )
    args = parser.parse_args()
    print(
        f"{args.submissions} submissions, {args.votes} votes, {args.rounds} timed rounds",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="domstadt-bench-") as tmp:
        folder = Path(tmp)
        if not args.skip_sqlite:
            with scratch_sqlite(folder) as db:
                run("SQLite", db, folder, args)
        if args.postgres:
            with scratch_postgres(args.postgres) as db:
                run("PostgreSQL", db, folder, args)


if __name__ == "__main__":
    main()
