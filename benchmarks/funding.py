"""Benchmark of the funding radar (issue 11): 10,000 programmes and 2,000 measures.

    .venv/bin/python benchmarks/funding.py [--programmes 10000] [--measures 2000]
        [--rounds 200] [--url postgresql://postgres@127.0.0.1:5432/SCRATCH]

Data: the 693 real demo programmes (Förderdatenbank, EU calls) repeated with a numbered
suffix in title and id up to ``--programmes`` rows, written as one CSV in the
Förderdatenbank layout plus one JSON (mapping) file; the 26 demo measures cloned (title,
summary, description, goals, fields) up to ``--measures``.

Checked first, then timed:
- import: every row added, and a re-import finds every row unchanged (count in the table);
- matches for one measure: the inverted-index result equals a brute-force scoring of every
  programme (``matching.score_one``) for 20 measures; then ``--rounds`` calls of
  ``measure_funding`` for random measures, interleaved with nothing else, min/median/p95/max;
- nightly re-match of all measures: ``rematch_measures`` (counts equal the measures).
Temporary files are removed at the end. Results go to docs/benchmarks.md by hand.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select, text

from domstadt import funding_match_service, funding_service
from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.core.migrate import upgrade
from domstadt.core.text import set_embedder
from domstadt.core.text.embedders import LexicalEmbedder
from domstadt.demo import core, masterplan
from domstadt.demo.funding import DATA, EU_DEFAULTS
from domstadt.funding import matching, store, targets
from domstadt.funding.models import FundingProgramme
from domstadt.masterplan import measure_read_service, measure_service
from domstadt.masterplan.schemas import MeasureCreate, MeasureFilter

ACTOR = system_actor("benchmark")


def _stats(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return (
        f"min {ordered[0]:.1f} / median {statistics.median(ordered):.1f} / p95 {p95:.1f} / "
        f"max {ordered[-1]:.1f} ms (n={len(ordered)})"
    )


def programme_files(count: int) -> tuple[bytes, bytes]:
    """The federal CSV and the EU JSON, repeated with numbered copies to ``count`` rows."""
    rows = list(csv.DictReader(io.StringIO((DATA / "foerderdatenbank_programmes.csv").read_text())))
    calls = json.loads((DATA / "eu_horizon_calls.json").read_text())["calls"]
    federal, eu, copy = [], [], 0
    while len(federal) + len(eu) < count:
        for row in rows:
            if len(federal) + len(eu) >= count:
                break
            title = f"{row['title']} {copy}" if copy else row["title"]
            federal.append({**row, "id_hash": f"{row['id_hash']}-{copy}", "title": title})
        for call in calls:
            if len(federal) + len(eu) >= count:
                break
            eu.append({**call, "code": f"{call['code']}-{copy}" if copy else call["code"],
                       "name": f"{call['name']} {copy}" if copy else call["name"]})  # fmt: skip
        copy += 1
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(federal)
    return out.getvalue().encode(), json.dumps({"calls": eu}).encode()


def import_all(db: Database, federal: bytes, eu: bytes) -> tuple[float, int, int]:
    """Import both files in one transaction; seconds, rows added, rows unchanged."""
    began = time.perf_counter()
    with db.session() as session:
        a = funding_service.import_file(
            session, actor=ACTOR, content=federal, filename="f.csv", source="foerderdatenbank"
        )
        b = funding_service.import_file(
            session, actor=ACTOR, content=eu, filename="eu.json", source="eu-horizon",
            mapping_text=(DATA / "eu_horizon_mapping.json").read_text(), defaults=EU_DEFAULTS,
        )  # fmt: skip
    return time.perf_counter() - began, a.added + b.added, a.unchanged + b.unchanged


def clone_measures(db: Database, count: int) -> None:
    """The demo masterplan, then clones of its measures up to ``count`` measures."""
    with db.session() as session:
        core.load(session, ACTOR)
        masterplan.load(session, ACTOR)
        demo = measure_read_service.measure_list(
            session, actor=ACTOR, filters=MeasureFilter(per_page=100)
        ).items
        full = [
            measure_read_service.measure_get(session, actor=ACTOR, measure_id=m.id) for m in demo
        ]
    made = len(full)
    for batch in range(made, count, 250):
        with db.session() as session:
            for i in range(batch, min(count, batch + 250)):
                m = full[i % len(full)]
                measure_service.measure_create(
                    session, actor=ACTOR,
                    data=MeasureCreate(
                        code=f"B-{i:05d}", title=f"{m.title} ({i})", summary=m.summary,
                        description=m.description, goals=m.goals,
                        lead_department=m.lead_department.id,
                        fields=[f.code for f in m.fields], sectors=[s.code for s in m.sectors],
                    ),
                )  # fmt: skip


def check_matches(db: Database, ids: list[int]) -> None:
    """The inverted index finds exactly what scoring every programme finds."""
    with db.session() as session:
        index = funding_match_service._index(session)
        day = store.today()
        for measure_id in ids:
            m = measure_read_service.measure_get(session, actor=ACTOR, measure_id=measure_id)
            target = targets.measure_target(m)
            fast = [(x.programme_id, x.score) for x in matching.match(index, target, day, limit=10)]
            vector = matching.query_vector(index, target)
            every = [matching.score_one(index, target, pid, day, vector) for pid in index.profiles]
            brute = sorted(
                ((x.programme_id, x.score) for x in every if x is not None),
                key=lambda pair: (-pair[1], pair[0]),
            )[:10]
            assert fast == brute, (measure_id, fast, brute)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--programmes", type=int, default=10_000)
    parser.add_argument("--measures", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    set_embedder(LexicalEmbedder())
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        db = Database(url)
        if args.url:
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public"))
        upgrade(db)
        print(f"backend {db.engine.dialect.name}")
        federal, eu = programme_files(args.programmes)
        seconds, added, _ = import_all(db, federal, eu)
        with db.session() as session:
            stored = session.scalar(select(func.count(FundingProgramme.id)))
        assert added == stored == args.programmes, (added, stored)
        print(f"import of {added} rows: {seconds:.1f} s")
        again, _, unchanged = import_all(db, federal, eu)
        assert unchanged == args.programmes
        print(f"re-import, all {unchanged} unchanged: {again:.1f} s")
        began = time.perf_counter()
        clone_measures(db, args.measures)
        print(f"created {args.measures} measures in {time.perf_counter() - began:.0f} s")
        with db.session() as session:
            ids = [m.id for m in measure_read_service.measure_list(
                session, actor=ACTOR, filters=MeasureFilter(per_page=100)).items]  # fmt: skip
            all_ids = list(range(1, args.measures + 1))
        rng = random.Random(11)
        check_matches(db, rng.sample(all_ids, 20))
        print("matches checked against brute force for 20 measures")
        samples = []
        with db.session() as session:
            funding_match_service.measure_funding(session, actor=ACTOR, measure_id=ids[0])
            for _ in range(args.rounds):
                measure_id = rng.choice(all_ids)
                began = time.perf_counter()
                funding_match_service.measure_funding(session, actor=ACTOR, measure_id=measure_id)
                samples.append((time.perf_counter() - began) * 1000)
        print(f"matches for one measure: {_stats(samples)}")
        began = time.perf_counter()
        with db.session() as session:
            counts = funding_match_service.rematch_measures(session, actor=ACTOR)
        assert counts["measures"] == args.measures, counts
        print(f"re-match of all {counts['measures']} measures: {time.perf_counter() - began:.1f} s "
              f"({counts['without_programme']} without programme)")  # fmt: skip
        db.dispose()


if __name__ == "__main__":
    main()
