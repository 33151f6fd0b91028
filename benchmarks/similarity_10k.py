"""Measure ``similar()`` over 10,000 stored texts and print p50/p95 latency in milliseconds.

Usage: .venv/bin/python benchmarks/similarity_10k.py [--embedder auto|e5|use|lexical]
       [--url DATABASE_URL] [--count 10000] [--queries 200] [--real]

By default the 10,000 stored vectors are random unit vectors under the chosen model's name
(seeding with the real model takes minutes); queries always use the real model, so the timing
covers query embedding, the cache check, the matrix product and lexical scoring. ``--real``
embeds the stored texts with the model too.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import delete

from domstadt.core.db import Database
from domstadt.core.migrate import upgrade
from domstadt.core.text import select_embedder, similar, upsert_text, upsert_texts
from domstadt.core.text.embedders import Embedder, EmbedKind, Vectors
from domstadt.core.text.models import TextEmbedding

DISTRICTS = ["Kalk", "Ehrenfeld", "Nippes", "Porz", "Chorweiler", "Mülheim", "Lindenthal", "Sülz"]
TOPICS = [
    "mehr Bäume pflanzen",
    "den Radweg ausbauen",
    "das Schwimmbad sanieren",
    "kostenloses WLAN anbieten",
    "die Öffnungszeiten des Bürgeramts verlängern",
    "Sensoren für Luftqualität aufstellen",
    "Schulen mit Glasfaser anbinden",
    "einen Spielplatz erneuern",
    "Parkgebühren erhöhen",
    "Carsharing-Stationen einrichten",
]
REASONS = [
    "damit es im Sommer kühler wird",
    "weil Kinder sicher zur Schule kommen sollen",
    "um die Verwaltung digitaler zu machen",
    "damit alle Bürgerinnen und Bürger profitieren",
    "weil die Anlage seit Jahren verfällt",
]


KIND = "benchmark"


class RandomVectors:
    """Stands in for a model while seeding: same name and size, random unit vectors."""

    def __init__(self, like: Embedder, seed: int = 7) -> None:
        self.name, self.dim, self.cosine_floor = like.name, like.dim, like.cosine_floor
        self._rng = np.random.default_rng(seed)

    def embed(self, texts: list[str], *, kind: EmbedKind) -> Vectors:
        rows = self._rng.standard_normal((len(texts), self.dim)).astype(np.float32)
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)


def make_text(rng: random.Random, number: int) -> str:
    """A plausible proposal sentence; the number keeps every text distinct."""
    district, topic, reason = rng.choice(DISTRICTS), rng.choice(TOPICS), rng.choice(REASONS)
    return f"In {district} {topic}, {reason} (Vorschlag {number})"


def seed(db: Database, embedder: Embedder, count: int, real: bool) -> float:
    """Store ``count`` texts; returns the seconds it took."""
    rng = random.Random(42)
    with db.session() as session:  # a reused database keeps no rows of an earlier run
        session.execute(delete(TextEmbedding).where(TextEmbedding.kind == KIND))
    writer: Embedder = embedder if real else RandomVectors(embedder)
    started = time.perf_counter()
    for start in range(0, count, 1000):
        items = [(KIND, n, make_text(rng, n)) for n in range(start, min(start + 1000, count))]
        with db.session() as session:
            upsert_texts(session, items, embedder=writer)
    return time.perf_counter() - started


def timed_queries(db: Database, embedder: Embedder, queries: int) -> list[float]:
    rng = random.Random(1)
    times = []
    for _ in range(queries):
        query = f"{rng.choice(TOPICS)} in {rng.choice(DISTRICTS)}"
        with db.session() as session:
            started = time.perf_counter()
            similar(session, query, embedder=embedder, limit=10)
            times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--embedder", default="auto", choices=["auto", "e5", "use", "lexical"])
    parser.add_argument("--url", default="")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--real", action="store_true", help="embed stored texts with the model")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        db = Database(url)
        upgrade(db)
        embedder = select_embedder(args.embedder)
        cores = os.cpu_count()
        print(f"database {db.dialect}, embedder {embedder.name} (dim {embedder.dim}), {cores} CPUs")
        print(f"seeded {args.count} texts in {seed(db, embedder, args.count, args.real):.1f} s")

        cold = timed_queries(db, embedder, 1)[0]
        warm = timed_queries(db, embedder, args.queries)
        with db.session() as session:  # one write: the next query refreshes incrementally
            upsert_text(session, kind=KIND, entity_id=-1, text="Neu", embedder=embedder)
        refresh = timed_queries(db, embedder, 1)[0]
        started = time.perf_counter()
        for _ in range(20):
            embedder.embed(["mehr Bäume pflanzen in Kalk"], kind="query")
        embed_ms = (time.perf_counter() - started) / 20 * 1000

        p50 = statistics.median(warm)
        p95 = statistics.quantiles(warm, n=20)[-1]
        print(f"first query (loads the cache): {cold:.1f} ms")
        print(f"query after one write (incremental refresh): {refresh:.1f} ms")
        print(f"query over {args.count} texts: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        print(f"  of which embedding the query text: ~{embed_ms:.1f} ms")
        db.dispose()


if __name__ == "__main__":
    main()
