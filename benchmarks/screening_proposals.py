"""Screening proposals for every measure: the 26 demo measures through the service (measure
read, reference-case similarity with the real text model, rules) and 2,000 synthetic measures
(title and summary from the demo measures, description one demo sentence plus one real US
agency use case's purpose, about 600 characters in all) through the same
proposal code without the database read. Side by side, interleaved: the page's existing call
``screening_get`` (similar reference cases only), the peer a proposal adds to.

Usage: .venv/bin/python benchmarks/screening_proposals.py [--url DATABASE_URL] [--synthetic 2000]
       [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.core.migrate import upgrade
from domstadt.core.text import select_embedder, set_embedder
from domstadt.demo import core, masterplan
from domstadt.masterplan import measure_read_service
from domstadt.masterplan.schemas import MeasureFilter
from domstadt.masterplan.screening import service

EVAL = (
    Path(__file__).resolve().parents[1]
    / "tests/masterplan/screening/data/us_ai_inventory_2024.json"
)


def _stats(name: str, ms: list[float]) -> str:
    p95 = statistics.quantiles(ms, n=20)[-1] if len(ms) >= 20 else max(ms)
    return (f"{name:44} n={len(ms):5}  min {min(ms):7.1f}  median {statistics.median(ms):7.1f}  "
            f"p95 {p95:7.1f}  max {max(ms):7.1f} ms")  # fmt: skip


def _timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    service._similar_cached.cache_clear()  # every call embeds its text: no cached similarity
    began = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, (time.perf_counter() - began) * 1000


def demo_measures(db: Database, rounds: int) -> None:
    """Every demo measure, proposal and peer interleaved, ``rounds`` times."""
    actor = system_actor("benchmark")
    with db.session() as session:
        core.load(session, actor)
        masterplan.load(session, actor)
    with db.session() as session:
        ids = [m.id for m in measure_read_service.measure_list(
            session, actor=actor, filters=MeasureFilter(per_page=100)).items]  # fmt: skip
        service.screening_proposal(session, actor=actor, measure_id=ids[0])  # warm the model
        proposal_ms, peer_ms, answered = [], [], 0
        for _ in range(rounds):
            for measure_id in ids:
                made, ms = _timed(service.screening_proposal, session, actor=actor,
                                  measure_id=measure_id)  # fmt: skip
                assert made.result.risk_level in ("I", "II", "III", "IV")
                answered += bool(made.answers)
                proposal_ms.append(ms)
                peer_ms.append(_timed(service.screening_get, session, actor=actor,
                                      measure_id=measure_id)[1])  # fmt: skip
        template = measure_read_service.measure_get(session, actor=actor, measure_id=ids[1])
    print(f"demo: {len(ids)} measures, {answered // rounds} with at least one proposed answer")
    print(_stats("proposal (service, with measure read)", proposal_ms))
    print(_stats("peer: screening_get (similar cases only)", peer_ms))
    return template  # type: ignore[return-value]


def synthetic(template, count: int) -> None:  # type: ignore[no-untyped-def]
    """``count`` measures whose texts are random real sentences."""
    rng = random.Random(7)
    sentences = []
    for m in masterplan.MEASURES:
        sentences += [s for s in (m.get("summary"), m.get("description")) if s]
    agencies = [c["purpose"] for c in json.loads(EVAL.read_text(encoding="utf-8"))["cases"]]
    times = []
    began = time.perf_counter()
    for n in range(count):
        measure = template.model_copy(update={
            "id": 100_000 + n, "title": f"Maßnahme {n}: {rng.choice(masterplan.MEASURES)['title']}",
            "summary": rng.choice(sentences),
            "description": f"{rng.choice(sentences)} {rng.choice(agencies)}",
            "links": []})  # fmt: skip
        made, ms = _timed(service._proposal, measure, False)
        assert made.inputs is not None
        times.append(ms)
    total = time.perf_counter() - began
    print(f"synthetic: {count} measures in {total:.1f} s")
    print(_stats("proposal (similarity + rules, no DB read)", times))


def main() -> None:
    """Load the demo, time proposals and the peer, then the synthetic measures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="")
    parser.add_argument("--synthetic", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(args.url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        upgrade(db)
        model = select_embedder("auto")
        set_embedder(model, "benchmark")
        print(f"database {db.dialect}, model {model.name}")
        template = demo_measures(db, args.rounds)
        synthetic(template, args.synthetic)
        db.dispose()


if __name__ == "__main__":
    main()
