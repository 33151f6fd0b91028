"""Benchmark: the site search (issue 13) on the demo ×100, p50/p95 of /api/v1/search as the
header box asks it while someone types, and of the /suche page, through the in-process client.

    .venv/bin/python benchmarks/site_search.py [--copies 100] [--rounds 5]
        [--url postgresql://postgres@127.0.0.1:5432/SCRATCH]

The demo is loaded with `domstadt demo load` (through the services, so the index follows the
commits), then every indexed demo item is written `copies - 1` more times straight into the
index (`search.index.write`, new entity ids) with three extra compound words each, made of
two demo words ("Radwegesensor"), so the vocabulary grows as real data would. Timed: a full
`rebuild` of the demo's own entries, the as-you-type requests (every prefix of a few words
from 2 letters, typos, two-word queries), the page. Results go to docs/benchmarks.md by hand.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text
from starlette.testclient import TestClient

from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.search.index import rebuild, write
from domstadt.search.models import SiteSearchEntry, SiteSearchWord
from domstadt.search.sources import Document
from domstadt.search.terms import terms_of
from domstadt.web.app import create_app
from domstadt.web.domains import register_search_sources

TYPED = ["WLAN", "Radweg", "Luftqualität", "Stadtbibliothek", "Sensor", "Ehrenfeld"]
WHOLE = ["Bibliotek", "Radwgenetz", "Koeln Daten", "Parken Sensor", "netz", "Hotspots"]


def _load_demo(url: str, data_dir: Path) -> None:
    env = {**os.environ, "DOMSTADT_DATABASE_URL": url, "DOMSTADT_DATA_DIR": str(data_dir)}
    env["DOMSTADT_ENVIRONMENT"] = "test"
    for args in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run([sys.executable, "-m", "domstadt", *args], env=env, check=True)


def _multiply(db: Database, copies: int) -> int:
    rng = random.Random(13)
    with db.session() as session:
        rows = session.execute(SiteSearchEntry.__table__.select()).all()
    words = sorted({w for r in rows for w in terms_of(r.title) if len(w) >= 4})
    written = 0
    for copy in range(1, copies):
        by_kind: dict[str, list[Document]] = {}
        for r in rows:
            extra = " ".join(rng.choice(words) + rng.choice(words) for _ in range(3))
            doc = Document(
                entity_id=r.entity_id + copy * 1_000_000,
                title=f"{r.title} {extra.split()[0].capitalize()}",
                url=r.url,
                text=f"{r.summary} {extra}",
            )
            by_kind.setdefault(r.kind, []).append(doc)
        with db.session() as session:
            for kind, docs in by_kind.items():
                written += write(session, kind, docs, [d.entity_id for d in docs])
    return written


def _timed(client: TestClient, path: str, params: dict[str, str]) -> float:
    start = time.perf_counter()
    response = client.get(path, params=params)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.text
    return elapsed


def _report(name: str, times: list[float]) -> None:
    times = sorted(times)
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(f"{name:28} n={len(times):4}  p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms")


def main() -> None:
    """Load, multiply, time; print a table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--url", default="")
    parser.add_argument("--reuse", default="", help="data directory of an earlier run (SQLite)")
    args = parser.parse_args()
    data_dir = Path(args.reuse or tempfile.mkdtemp(prefix="site-search-bench-"))
    url = args.url or f"sqlite:///{data_dir}/bench.sqlite3"
    db = Database(url)
    register_search_sources()
    if not args.reuse:
        started = time.perf_counter()
        _load_demo(url, data_dir)
        print(f"demo loaded in {time.perf_counter() - started:.0f} s (data: {data_dir})")
    with db.session() as session:
        entries = len(session.execute(SiteSearchEntry.__table__.select()).all())
    if entries < 1000:
        started = time.perf_counter()
        with db.session() as session:
            counts = rebuild(session)
        elapsed = (time.perf_counter() - started) * 1000
        print(f"full rebuild from the sources ({sum(counts.values())} items): {elapsed:.0f} ms")
        started = time.perf_counter()
        written = _multiply(db, args.copies)
        print(f"{written} copies indexed in {time.perf_counter() - started:.1f} s")
        if url.startswith("postgresql"):  # what autovacuum does after a bulk change
            with db.session() as session:
                session.execute(text("ANALYZE"))
    with db.session() as session:
        entries = len(session.execute(SiteSearchEntry.__table__.select()).all())
        vocabulary = len(session.execute(SiteSearchWord.__table__.select()).all())
    print(f"{entries} entries, {vocabulary} words in the index")
    settings = Settings(database_url=url, data_dir=data_dir, environment="test")
    client = TestClient(create_app(settings, db))
    _timed(client, "/api/v1/search", {"q": "warm"})  # loads the vocabulary once
    typing, whole, page, empty = [], [], [], []
    for _ in range(args.rounds):
        for _ in range(10):  # the same request without words: the cost of the stack alone
            empty.append(_timed(client, "/api/v1/search", {"q": "", "per_kind": "3"}))
        for word in TYPED:
            for end in range(2, len(word) + 1):
                typing.append(_timed(client, "/api/v1/search", {"q": word[:end], "per_kind": "3"}))
        for q in WHOLE:
            whole.append(_timed(client, "/api/v1/search", {"q": q, "per_kind": "3"}))
            page.append(_timed(client, "/suche", {"q": q}))
    _report("empty query (stack only)", empty)
    _report("as you type (api, 3/kind)", typing)
    _report("whole words, typos (api)", whole)
    _report("/suche page", page)


if __name__ == "__main__":
    main()
