"""The checks and the latency table of the scale-out test (benchmarks/scale_out.py): what a
2xx answer or a PUBACK promised is in the database, failures only at the kill, the killed
processes back. Not a benchmark itself."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Any

import httpx
from _scale_cluster import Cluster
from _scale_load import HTTP_VALUE_BASE, Ledger, Publisher, Sample
from sqlalchemy import bindparam, text

from domstadt.core.db import Database


@dataclass
class Kill:
    """One SIGKILL: which process, when (monotonic clock of the load), when it served again."""

    role: str
    index: int
    pid: int
    at: float
    back: float = 0.0
    leftovers: str = ""


def mqtt_counts(db: Database, ds: list[int]) -> dict[float, int]:
    """How often each result below HTTP_VALUE_BASE is stored on the test's Datastreams."""
    query = text(
        "SELECT result_number, count(*) FROM sta_observation WHERE datastream_id IN :ds "
        "AND result_number < :top GROUP BY result_number"
    ).bindparams(bindparam("ds", expanding=True))
    with db.engine.connect() as conn:
        rows = conn.execute(query, {"ds": ds, "top": HTTP_VALUE_BASE}).all()
    return {float(value): int(count) for value, count in rows}


# --- checks -----------------------------------------------------------------------------------
def in_flight(sample: Sample, kills: list[Kill]) -> bool:
    """Whether the request was under way when a web process was killed."""
    return any(k.role == "web" and sample.start <= k.at <= sample.end for k in kills)


def check_writes(db: Database, ledger: Ledger) -> list[tuple[str, bool, str]]:
    """Every id a 2xx answer returned is in its table."""
    tables = {
        "measure_create": ("measure", "id"),
        "feedback_submit": ("measure_feedback", "id"),
        "package_create": ("catalog_dataset", "name"),
        "observation_post": ("sta_observation", "id"),
    }
    results = []
    with db.engine.connect() as conn:
        for kind, (table, column) in tables.items():
            wanted = set(ledger.acked.get(kind, []))
            found: set[Any] = set()
            if wanted:
                query = text(f"SELECT {column} FROM {table} WHERE {column} IN :ids").bindparams(
                    bindparam("ids", expanding=True)
                )
                found = set(conn.execute(query, {"ids": sorted(wanted)}).scalars())
            missing = wanted - found
            answers = len(ledger.acked.get(kind, []))
            detail = f"{answers} 2xx answers, {len(wanted)} distinct, {len(missing)} missing"
            if missing:
                detail += f" (e.g. {sorted(missing)[:5]})"
            results.append((f"writes stored: {kind}", not missing and bool(wanted), detail))
    return results


def check_feedback(db: Database, ledger: Ledger, member_ids: list[int]) -> tuple[str, bool, str]:
    """Per (member, measure) the stored comment is the last acknowledged one or one sent
    after it without an answer (it may have been committed before the answer was lost)."""
    query = text("SELECT user_id, measure_id, comment FROM measure_feedback")
    with db.engine.connect() as conn:
        stored = {(u, m): c for u, m, c in conn.execute(query).all()}
    wrong = []
    for (member, measure), sent in ledger.feedback.items():
        acked_at = max((i for i, (_, ok) in enumerate(sent) if ok), default=-1)
        allowed = {
            c for i, (c, ok) in enumerate(sent) if i == acked_at or (i > acked_at and not ok)
        }
        have = stored.get((member_ids[member], measure))
        if (have is None and acked_at >= 0) or (have is not None and have not in allowed):
            wrong.append((member, measure, have))
    detail = f"{len(ledger.feedback)} (person, measure) pairs, {len(wrong)} wrong"
    if wrong:
        detail += f" (member, measure, stored comment): {wrong[:3]}"
    return ("feedback holds the last acknowledged comment", not wrong, detail)


def check_mqtt(db: Database, ds: list[int], publisher: Publisher) -> list[tuple[str, bool, str]]:
    """Every PUBACKed result stored exactly once; nothing stored twice."""
    counts = mqtt_counts(db, ds)
    acked = publisher.acked
    missing = [v for v in acked if counts.get(v, 0) == 0]
    doubled = {v: c for v, c in counts.items() if c > 1}
    unknown = set(counts) - set(publisher.sent)
    return [
        (
            "MQTT QoS 1: every PUBACKed Observation stored",
            bool(acked) and not missing,
            f"{len(publisher.sent)} published, {len(acked)} PUBACKed, {len(missing)} missing"
            + (f" (e.g. {sorted(missing)[:5]})" if missing else ""),
        ),
        (
            "MQTT QoS 1: no Observation stored twice",
            not doubled and not unknown,
            f"{len(doubled)} stored more than once"
            + (f" (value: count {sorted(doubled.items())[:5]})" if doubled else "")
            + (f", {len(unknown)} unknown" if unknown else ""),
        ),
    ]


def check_http_observations_once(db: Database, ledger: Ledger) -> tuple[str, bool, str]:
    """No Observation POST stored twice."""
    query = text(
        "SELECT result_number, count(*) FROM sta_observation WHERE result_number >= :base "
        "GROUP BY result_number HAVING count(*) > 1"
    )
    with db.engine.connect() as conn:
        doubled = conn.execute(query, {"base": HTTP_VALUE_BASE}).all()
    return ("Observation POSTs stored at most once", not doubled, f"{len(doubled)} doubled")


def check_failures(samples: list[Sample], kills: list[Kill]) -> tuple[str, bool, str]:
    """No failed request except those in flight at the web kill."""
    failed = [s for s in samples if not s.ok]
    excused = [s for s in failed if in_flight(s, kills)]
    outside = [s for s in failed if not in_flight(s, kills)]
    detail = f"{len(samples)} requests, {len(failed)} failed, {len(excused)} in flight at a kill"
    for s in outside[:5]:
        detail += f"\n      {s.kind} {s.status} at {s.start:.2f}-{s.end:.2f}: {s.error[:120]!r}"
    return ("no failure outside the kill windows", not outside, detail)


def check_restarts(
    cluster: Cluster, kills: list[Kill], samples: list[Sample]
) -> list[tuple[str, bool, str]]:
    """The restarted processes work again; the killed ones left nothing behind; all alive."""
    results = []
    for k in kills:
        if k.role == "web":
            served = sum(1 for s in samples if s.server == f"web{k.index}" and s.start > k.back)
            served = served or probe_proxy(cluster, f"web{k.index}")
            ok, what = served > 0 and k.back > 0, f"{served} answers through the proxy after"
        else:
            outcomes = ingest_outcomes(cluster, k.index)
            stored = outcomes.get("created", 0.0)
            ok, what = stored > 0, f"{stored:.0f} messages stored by the new process"
            repeats = sum(ingest_outcomes(cluster, i).get("duplicate", 0.0) for i in (0, 1))
            what += f", {repeats:.0f} redelivered repeats absorbed"
        took = f"back after {k.back - k.at:.1f} s" if k.back else "never came back"
        results.append((f"{k.role} {k.index} works again after SIGKILL", ok, f"{took}, {what}"))
        results.append(
            (f"{k.role} {k.index}: no process left behind", not k.leftovers, k.leftovers or "none")
        )
    alive = cluster.alive()
    dead = [f"{r} {i}" for r, states in alive.items() for i, up in enumerate(states) if not up]
    results.append(("every process alive at the end", not dead, ", ".join(dead) or "all"))
    return results


def probe_proxy(cluster: Cluster, server: str, tries: int = 60) -> int:
    """1 when one of ``tries`` requests through the proxy is answered by ``server``."""
    for _ in range(tries):
        try:
            answer = httpx.get(f"{cluster.base}/livez", timeout=5)
        except httpx.HTTPError:
            continue
        if answer.headers.get("x-served-by") == server:
            return 1
        time.sleep(0.2)
    return 0


def ingest_outcomes(cluster: Cluster, index: int) -> dict[str, float]:
    """``domstadt_mqtt_messages_total`` of an ingest worker by outcome (created, duplicate…)."""
    try:
        metrics = httpx.get(f"http://127.0.0.1:{cluster.ingest_metrics[index]}/metrics", timeout=5)
    except httpx.HTTPError:
        return {}
    outcomes = {}
    for line in metrics.text.splitlines():
        if line.startswith('domstadt_mqtt_messages_total{outcome="'):
            name = line.split('"', 2)[1]
            outcomes[name] = float(line.split()[-1])
    return outcomes


# --- report -----------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100), linear between closest ranks (like numpy's default)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def latency_table(samples: list[Sample], seconds: float) -> str:
    """Markdown rows: type, count, rate, failures, min/median/p95/max in ms (2xx only)."""
    rows = [
        "| request type | requests | per s | failed | min ms | median ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    kinds = sorted({s.kind for s in samples})
    for kind in [*kinds, "all"]:
        mine = [s for s in samples if kind in ("all", s.kind)]
        ms = [(s.end - s.start) * 1000 for s in mine if s.ok]
        failed = sum(1 for s in mine if not s.ok)
        if not ms:
            rows.append(f"| {kind} | {len(mine)} | | {failed} | | | | |")
            continue
        rows.append(
            f"| {kind} | {len(mine)} | {len(mine) / seconds:.1f} | {failed} | {min(ms):.0f} | "
            f"{statistics.median(ms):.0f} | {percentile(ms, 95):.0f} | {max(ms):.0f} |"
        )
    return "\n".join(rows)
