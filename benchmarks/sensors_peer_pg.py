"""PostgreSQL run of ``sensors_peer.py --postgres``: both servers up at once, each filled with
SQL to the same layout, answers compared between the two (and with the row counts) before any
timing, then the reads timed interleaved (one request to each in turn). Not a benchmark on
its own."""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import sensors_peer as peer_bench


def _when(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _answers(target: Any, middle: int) -> tuple[list[dt.datetime], list[dt.datetime], Any]:
    """Latest 100, the 1,000-row range and the datastream's $count as ``target`` answers."""
    url = f"{target.base}/Datastreams({target.ds})/Observations"
    latest = target.client.get(url, params={"$orderby": "phenomenonTime desc", "$top": "100"})
    lo, hi = (
        peer_bench.START + peer_bench.STEP * middle,
        peer_bench.START + peer_bench.STEP * (middle + 1000),
    )
    flt = f"phenomenonTime ge {peer_bench._z(lo)} and phenomenonTime lt {peer_bench._z(hi)}"
    ranged = target.client.get(
        url, params={"$filter": flt, "$top": "1000", "$orderby": "phenomenonTime"}
    )
    count = target.client.get(url, params={"$count": "true", "$top": "1"})
    return (
        [_when(o["phenomenonTime"]) for o in latest.json().get("value", [])],
        [_when(o["phenomenonTime"]) for o in ranged.json().get("value", [])],
        count.json().get("@iot.count") if count.status_code == 200 else f"HTTP {count.status_code}",
    )


def _count(target: Any) -> None:
    url = f"{target.base}/Datastreams({target.ds})/Observations"
    response = target.client.get(url, params={"$count": "true", "$top": "1"})
    assert response.status_code == 200


def _interleaved(calls: dict[str, Any], repeat: int) -> dict[str, tuple[float, ...]]:
    """min / median / p95 / max in ms per name, the calls taken in turn."""
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeat):
        for name, fn in calls.items():
            began = time.perf_counter()
            fn()
            samples[name].append((time.perf_counter() - began) * 1000)
    out = {}
    for name, values in samples.items():
        values.sort()
        p95 = values[max(0, int(len(values) * 0.95) - 1)]
        out[name] = (values[0], statistics.median(values), p95, values[-1])
    return out


def main_postgres(args: argparse.Namespace, work: Path) -> None:
    """Run both on PostgreSQL and print the Markdown tables."""
    args.wrk_seconds = 0  # the read datastream must hold the same rows in both
    dom, dom_proc = peer_bench.start_domstadt(work, args.postgres)
    dom.fill = lambda ds, a: peer_bench.fill_domstadt(args.postgres, ds, a)
    peer, peer_proc = peer_bench.start_peer(work, args.peer_postgres, args.peer_venv)
    peer.fill = lambda ds, a: peer_bench.fill_peer(args.peer_postgres, ds, a)
    try:
        results = {}
        for t in (dom, peer):
            results[t.name] = peer_bench.run(t, args)
            print(f"{t.name}: ingested and filled: {results[t.name]}", file=sys.stderr)
        middle = args.rows // 4
        answers = {t.name: _answers(t, middle) for t in (dom, peer)}
        ours = answers[dom.name]
        assert len(ours[0]) == 100 and len(ours[1]) == 1000, "Domstadt's answers are short"
        assert ours[0] == sorted(ours[0], reverse=True) and ours[2] == args.rows + args.posts
        notes = []
        for name, theirs in answers.items():
            for label, i in (("latest 100", 0), ("1,000-row range", 1), ("$count", 2)):
                if theirs[i] != ours[i]:
                    shown = theirs[i] if i == 2 else f"{len(theirs[i])} rows, other times"
                    notes.append(f"{name}: {label} answers differently ({shown})")
        calls: dict[str, Any] = {}
        for t in (dom, peer):
            calls[f"{t.name}|latest"] = lambda t=t: t.latest(ordered=True)
            calls[f"{t.name}|range"] = lambda t=t: t.time_range(middle, ordered=True)
            calls[f"{t.name}|count"] = lambda t=t: _count(t)
        for t in (dom, peer):  # a query the server refuses: timed without $orderby, marked *
            for what, fn in (
                ("latest", t.latest),
                ("range", lambda o, t=t: t.time_range(middle, o)),
            ):
                if not _works(calls[f"{t.name}|{what}"]):
                    notes.append(f"{t.name}: {what} with $orderby fails; timed without it (*)")
                    calls[f"{t.name}|{what}"] = lambda fn=fn: fn(False)
                    calls[f"{t.name}|{what}*"] = None
        starred = {k[:-1] for k, v in calls.items() if v is None}
        calls = {k: v for k, v in calls.items() if v is not None}
        broken = {k for k in calls if not _works(calls[k])}
        print(f"answers checked; broken: {sorted(broken)}; timing", file=sys.stderr)
        timings = _interleaved({k: v for k, v in calls.items() if k not in broken}, args.repeat)
    finally:
        for proc in (dom_proc, peer_proc):
            proc.terminate()
            proc.wait(timeout=30)
    _print(results, timings, broken | {k + "*" for k in starred}, notes, args)


def _works(fn: Any) -> bool:
    try:
        fn()
    except (AssertionError, KeyError, ValueError):
        return False
    return True


def _print(
    results: dict[str, Any],
    timings: dict[str, tuple[float, ...]],
    broken: set[str],
    notes: list[str],
    args: argparse.Namespace,
) -> None:
    any_total = next(iter(results.values()))["total"]
    print(
        f"\nPostgreSQL; {args.datastreams} datastreams, {any_total:,} observations; reads on one "
        f"datastream of {args.rows + args.posts:,}; times in ms, min / median / p95 / max\n"
    )
    print("| | fill (SQL) s | CreateObservations obs/s | latest 100 | 1,000-row range | $count |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        cells = []
        for what in ("latest", "range", "count"):
            key = f"{name}|{what}"
            cells.append("fails" if key in broken else " / ".join(f"{v:.1f}" for v in timings[key]))
        print(
            f"| {name} | {r.get('fill_seconds', 0):,.0f} | {r['bulk']:,.0f} | "
            + " | ".join(cells)
            + " |"
        )
    for note in notes:
        print(f"\n- {note}")
