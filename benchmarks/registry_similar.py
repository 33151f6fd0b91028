"""Duplicate check for a new initiative over 20,000 initiatives and 5,000 measures.

Usage: .venv/bin/python benchmarks/registry_similar.py [--url DATABASE_URL]
       [--initiatives 20000] [--measures 5000] [--queries 100]

Stored texts are indexed like the services do (full-text document and similarity row), but
their vectors are random unit vectors under the real model's name (embedding 25,000 texts
takes many minutes); each check embeds the new entry with the real model, so the timing
covers query embedding, the cache check, matrix product, lexical scores, reading the
candidates' texts, the facet comparison of the pool and the titles: everything
``GET /api/v1/similar`` and the typing check do.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.core.migrate import upgrade
from domstadt.core.text import index_document, select_embedder, set_embedder, upsert_texts
from domstadt.masterplan.registry import review_service, store
from domstadt.masterplan.registry.schemas import InitiativeCreate

sys.path.insert(0, str(Path(__file__).resolve().parent))
from similarity_10k import DISTRICTS, REASONS, TOPICS, RandomVectors

GROUPS = ["für Senioren", "für Schüler", "für Familien", "für Unternehmen", ""]


def text(rng: random.Random, number: int) -> tuple[str, str]:
    """A title and description in the registry's style; the number keeps them distinct."""
    district, topic, group = rng.choice(DISTRICTS), rng.choice(TOPICS), rng.choice(GROUPS)
    title = f"{topic.capitalize()} in {district} {group}".strip()
    return title, f"Projekt {number}: {topic} {group} in {district}, {rng.choice(REASONS)}."


def seed(db: Database, initiatives: int, measures: int) -> float:
    """Store the initiatives through the service and the measures' texts through core."""
    rng, actor = random.Random(42), system_actor("benchmark")
    started = time.perf_counter()
    for start in range(0, initiatives, 1000):
        with db.session() as session:
            for n in range(start, min(start + 1000, initiatives)):
                title, body = text(rng, n)
                store.insert(session, actor, InitiativeCreate(title=title, description=body))
    for start in range(0, measures, 1000):
        with db.session() as session:
            items = []
            for n in range(start, min(start + 1000, measures)):
                title, body = text(rng, n)
                index_document(session, kind="measure", entity_id=n + 1, title=title, body=body)
                items.append(("measure", n + 1, f"{title}\n{body}"))
            upsert_texts(session, items)
    return time.perf_counter() - started


def timed_checks(db: Database, queries: int) -> list[float]:
    """Milliseconds per duplicate check of a new entry."""
    rng, times = random.Random(1), []
    for n in range(queries):
        title, body = text(rng, 10_000_000 + n)
        with db.session() as session:
            started = time.perf_counter()
            review_service.similar_entries(
                session, actor=system_actor("benchmark"), text=f"{title}\n{body}", limit=10
            )
            times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    """Seed, then print p50/p95 of the duplicate check."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="")
    parser.add_argument("--initiatives", type=int, default=20_000)
    parser.add_argument("--measures", type=int, default=5_000)
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(args.url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        upgrade(db)
        model = select_embedder("auto")
        set_embedder(RandomVectors(model), "benchmark seeding")
        seconds = seed(db, args.initiatives, args.measures)
        set_embedder(model, "benchmark queries")
        print(f"database {db.dialect}, model {model.name}")
        print(
            f"seeded {args.initiatives} initiatives + {args.measures} measures in {seconds:.0f} s"
        )
        cold = timed_checks(db, 1)[0]
        warm = timed_checks(db, args.queries)
        p50, p95 = statistics.median(warm), statistics.quantiles(warm, n=20)[-1]
        print(f"first check (loads the vector cache): {cold:.0f} ms")
        print(f"duplicate check of a new entry: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        db.dispose()


if __name__ == "__main__":
    main()
