"""Benchmark: the public measure list (with filters and search), the Atom feeds and the full
status report snapshot with 5,000 measures and 20,000 initiatives, p50/p95 through the
in-process client, on a temporary SQLite file or an empty PostgreSQL scratch database.

    .venv/bin/python benchmarks/masterplan_list.py [--measures 5000] [--initiatives 20000]
        [--rounds 40] [--url postgresql://postgres@127.0.0.1:5432/SCRATCH]

Measures and initiatives are created through the service layer (with the model-free lexical
embedder, so creating them does not dominate the run); the initiatives fill the shared
full-text index the list's search runs on. The snapshot is timed on the `domstadt report
create` path (`report_service.report_create` in its own session, committed), twice: the
first report, then one that compares with it. Results go to docs/benchmarks.md by hand.
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
from domstadt.masterplan import measure_service, report_service
from domstadt.masterplan.registry import store
from domstadt.masterplan.registry.schemas import InitiativeCreate
from domstadt.masterplan.schemas import MeasureCreate, MeasureUpdate, RolloutStage, Status

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


def populate_initiatives(db: Database, count: int) -> None:
    """``count`` generated initiatives through the registry's insert (index and audit)."""
    rng, actor = random.Random(11), system_actor("benchmark")
    start = time.perf_counter()
    for batch in range(0, count, 1000):
        with db.session() as session:
            for i in range(batch, min(count, batch + 1000)):
                words = rng.sample(WORDS, 3)
                store.insert(
                    session,
                    actor,
                    InitiativeCreate(
                        title=f"{words[0]} {words[1]} Initiative {i}",
                        description=f"{words[2]} in Köln, Projekt {i} von {rng.choice(DEPTS)}.",
                    ),
                )
    print(f"created {count} initiatives in {time.perf_counter() - start:.0f} s")


def touch(db: Database, count: int, total: int) -> None:
    """Change the progress of ``count`` measures, so the next report has changes to list."""
    actor = system_actor("benchmark")
    with db.session() as session:
        for i in range(1, count + 1):
            measure_service.measure_update(
                session,
                actor=actor,
                measure_id=1 + (i * 7) % total,
                data=MeasureUpdate(progress=i % 100),
            )


def snapshot(db: Database) -> float:
    """Seconds for one committed report snapshot of all measures (the CLI's path)."""
    start = time.perf_counter()
    with db.session() as session:
        report = report_service.report_create(session, actor=system_actor(), title="Benchmark")
    elapsed = time.perf_counter() - start
    print(f"report {report.id}: {report.measure_count} measures, {report.change_count} changes")
    return elapsed


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
    "/masterplan/dashboard",
    "/api/v1/screening/coverage",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--measures", type=int, default=5000)
    parser.add_argument("--initiatives", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--url", default="", help="an empty scratch database (default: SQLite)")
    args = parser.parse_args()
    set_embedder(LexicalEmbedder(), "benchmark")
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(args.url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        upgrade(db)
        populate(db, args.measures)
        populate_initiatives(db, args.initiatives)
        first = snapshot(db)
        touch(db, 250, args.measures)
        second = snapshot(db)
        print(f"report snapshot: first {first:.2f} s, second (with changes) {second:.2f} s")
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
            p50, p95 = timings(client, "/berichte/2", max(5, args.rounds // 4))
            print(f"| `/berichte/2` | {p50:.0f} | {p95:.0f} |")
        db.dispose()


if __name__ == "__main__":
    main()
