"""Benchmark: the public measure list (with filters and search) and the Atom feed with 5,000
measures, p50/p95 through the in-process client on a temporary SQLite database.

    .venv/bin/python benchmarks/masterplan_list.py [--measures 5000] [--rounds 40]

Measures are created through the service layer (with the model-free lexical embedder, so
creating them does not dominate the run); results go to docs/benchmarks.md by hand.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from starlette.testclient import TestClient

from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.core.migrate import upgrade
from domstadt.core.text import set_embedder
from domstadt.core.text.embedders import LexicalEmbedder
from domstadt.demo import core, masterplan
from domstadt.masterplan import measure_service
from domstadt.masterplan.schemas import MeasureCreate, RolloutStage, Status

WORDS = [
    "Sensor",
    "Antrag",
    "Portal",
    "Daten",
    "Verkehr",
    "Schule",
    "Energie",
    "Wärme",
    "Parken",
    "Bürgerbüro",
    "Plattform",
]
DEPTS = ["DIG", "12", "33", "63", "69", "66", "57", "67", "80", "10"]
FIELDS = ["digitale-verwaltung", "smart-city", "datenoekonomie"]
SECTORS = ["verwaltung", "energie-umwelt", "it-kommunikation", "mobilitaet", "gesellschaft-bildung"]


def populate(db: Database, count: int) -> None:
    """Demo departments and taxonomy, then ``count`` generated measures."""
    rng = random.Random(7)
    actor = system_actor("benchmark")
    with db.session() as session:
        core.load(session, actor)
        masterplan.load(session, actor)
    start = time.perf_counter()
    for batch in range(0, count, 250):
        with db.session() as session:
            for i in range(batch, min(count, batch + 250)):
                words = rng.sample(WORDS, 3)
                measure_service.measure_create(
                    session,
                    actor=actor,
                    data=MeasureCreate(
                        code=f"B-{i:05d}",
                        title=f"{words[0]} {words[1]} Maßnahme {i}",
                        summary=f"{words[2]} und {words[0]} für Köln, Vorhaben {i}.",
                        lead_department=rng.choice(DEPTS),
                        fields=[rng.choice(FIELDS)],
                        sectors=[rng.choice(SECTORS)],
                        status=rng.choice(list(Status)),
                        rollout_stage=rng.choice(list(RolloutStage)),
                        planned_start="2024-01-01",
                        planned_end=f"202{rng.randint(4, 8)}-06-30",
                    ),
                )
    print(f"created {count} measures in {time.perf_counter() - start:.0f} s")


def timings(client: TestClient, path: str, rounds: int) -> tuple[float, float]:
    """p50 and p95 in milliseconds of ``rounds`` GETs (after one warm-up)."""
    assert client.get(path).status_code == 200, path
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


PATHS = [
    "/massnahmen",
    "/massnahmen?field=smart-city&status=in_implementation",
    "/massnahmen?department=I&rollout_stage=pilot&page=2",
    "/massnahmen?sector=mobilitaet&stalled=true",
    "/massnahmen?q=Sensor+Parken",
    "/massnahmen?q=Sensor+Parken&field=smart-city",
    "/api/v1/measures?field=datenoekonomie&per_page=50",
    "/feeds/measures.atom",
    "/feeds/fields/smart-city.atom",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--measures", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    set_embedder(LexicalEmbedder(), "benchmark")
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        upgrade(db)
        populate(db, args.measures)
        settings = Settings(
            environment="test",
            data_dir=Path(tmp),
            database_url=db.url,
            secret_key="benchmark-secret-key-that-is-long-enough-0123",
        )  # type: ignore[arg-type]
        from domstadt.web.app import create_app

        with TestClient(create_app(settings, db)) as client:
            print("| request | p50 ms | p95 ms |\n|---|---:|---:|")
            for path in PATHS:
                p50, p95 = timings(client, path, args.rounds)
                print(f"| `{path}` | {p50:.0f} | {p95:.0f} |")
        db.dispose()


if __name__ == "__main__":
    main()
