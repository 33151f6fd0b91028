"""Duplicate judgement of the initiatives registry on the labelled pair set
(tests/masterplan/registry/data/duplicate_eval.json, see SOURCES.md there).

Figures are computed on the held-out part only: precision, recall, F1 and the share of hard
negatives judged duplicates, for the learned judgement and for the rule it replaced, beside
the best cut on the plain cosine (tuned on the held-out part itself, an optimistic baseline);
then the ranking check: for each held-out duplicate, the rank of its true original among all
held-out texts of its source, by the old score and by the platform's order now (the same
score: ordering by the model's probability ranked originals lower on the dev part).

    .venv/bin/python benchmarks/registry_duplicates_eval.py          # report (held-out)
    .venv/bin/python benchmarks/registry_duplicates_eval.py --fit    # refit on dev, write model

``--fit`` fits the weights and threshold on the development part only and writes
src/domstadt/masterplan/registry/duplicate_model.json. ``--cosine-cache FILE`` keeps the
pairs' cosines (JSON, sha1 of both texts → cosine of the semantic model) between runs: the
1,325 pairs take many minutes to embed on a busy machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from domstadt.core.text import Embedder, select_embedder
from domstadt.masterplan.registry import fit as fitting
from domstadt.masterplan.registry.evaluate import (
    POSITIVE_KINDS,
    PairScore,
    base_score,
    best_threshold,
    cosines,
    hard_negative_rate,
    inputs,
    legacy,
    load_pairs,
    metrics,
    original_rank,
    score_pairs,
    signal_matrix,
)
from domstadt.masterplan.registry.judgement import (
    BASE_MIN,
    FEATURES,
    MODEL_FILE,
    PairInput,
    assess,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests/masterplan/registry/data/duplicate_eval.json"
MODEL = ROOT / "src/domstadt/masterplan/registry" / MODEL_FILE


SOURCES = ("maengelmelder_konstanz", "domstadt", "codefor_projekte")


def cached_cosines(
    pairs: list[dict[str, Any]], embedder: Embedder, cache: Path | None
) -> list[float | None]:
    """:func:`cosines`, read from and added to ``cache`` when given (semantic model only)."""
    if cache is None or embedder.dim == 0:
        return cosines(pairs, embedder)
    known: dict[str, float] = json.loads(cache.read_text()) if cache.exists() else {}

    def key(p: dict[str, Any]) -> str:
        return hashlib.sha1(f"{p['a']}\x00{p['b']}".encode()).hexdigest()

    todo = [p for p in pairs if key(p) not in known]
    if todo:
        known |= {key(p): c for p, c in zip(todo, cosines(todo, embedder), strict=True)}
        cache.write_text(json.dumps(known))
    return [known[key(p)] for p in pairs]


def refit(embedder: Embedder, cache: Path | None) -> None:
    """Fit both models on the development part and write them as package data."""
    dev = load_pairs(DATA, "dev")
    raw = cached_cosines(dev, embedder, cache)
    labels = np.array([bool(p["duplicate"]) for p in dev])
    models = {}
    for name, cos in (("semantic", raw), ("lexical", [None] * len(dev))):
        items = inputs(dev, cos, embedder.cosine_floor)
        allowed = np.array([not i.conflicts and base_score(i) >= BASE_MIN for i in items])
        model = fitting.fit(signal_matrix(items), labels, allowed)
        models[name] = {"weights": list(model.weights), "bias": model.bias,
                        "threshold": model.threshold}  # fmt: skip
    doc = {
        "about": "Logistic duplicate judgement (judgement.py), fitted by "
        "benchmarks/registry_duplicates_eval.py --fit on the dev part of duplicate_eval.json",
        "embedder": embedder.name,
        "dev_pairs": len(dev),
        "features": list(FEATURES),
        "models": models,
    }
    MODEL.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {MODEL.relative_to(ROOT)} from {len(dev)} dev pairs")


def _line(name: str, pairs: list[dict[str, Any]], predicted: list[bool]) -> None:
    m = metrics([bool(p["duplicate"]) for p in pairs], predicted)
    rate = hard_negative_rate(pairs, predicted)
    print(f"  {name:<44} P {m.precision:.2f}  R {m.recall:.2f}  F1 {m.f1:.2f}  "
          f"hard-neg FP {rate:.1%}")  # fmt: skip


def report_verdicts(pairs: list[dict[str, Any]], items: list[PairInput]) -> list[PairScore]:
    """Precision/recall/hard-negative rate on the held-out part, overall and per source."""
    scored = score_pairs(pairs, items)
    old = [legacy(item)[1] for item in items]
    for source in (None, *SOURCES):
        idx = [i for i, p in enumerate(pairs) if source is None or p["source"] == source]
        part = [pairs[i] for i in idx]
        print(f"{source or 'all held-out pairs'} ({len(part)}):")
        _line("learned judgement", part, [scored[i].duplicate for i in idx])
        _line("rule before (base ≥ 0.42, no conflict)", part, [old[i] for i in idx])
        if scored[0].cosine is not None:
            cut, _ = best_threshold([scored[i].cosine or 0.0 for i in idx],
                                    [scored[i].label for i in idx])  # fmt: skip
            _line(f"plain cosine ≥ {cut:.3f} (tuned on held-out)", part,
                  [(scored[i].cosine or 0.0) >= cut for i in idx])  # fmt: skip
    return scored


def report_ranking(pairs: list[dict[str, Any]], embedder: Embedder) -> None:
    """Rank of the true original for each held-out duplicate, old score against new, for
    each source and overall."""
    old_ranks: list[int] = []
    new_ranks: list[int] = []
    for source in sorted({p["source"] for p in pairs}):
        start = len(old_ranks)
        group = [p for p in pairs if p["source"] == source]
        stored = sorted({p["b"] for p in group})
        probes = [p for p in group if p["kind"] in POSITIVE_KINDS]
        if embedder.dim:
            q = embedder.embed([p["a"] for p in probes], kind="query")
            d = embedder.embed(stored, kind="passage")
            matrix: list[list[float | None]] = (q @ d.T).tolist()
        else:
            matrix = [[None] * len(stored) for _ in probes]
        for probe, row in zip(probes, matrix, strict=True):
            batch = [{"a": probe["a"], "b": text} for text in stored]
            items = inputs(batch, row, embedder.cosine_floor)
            original = stored.index(probe["b"])
            old_ranks.append(original_rank([legacy(i)[0] for i in items], original))
            new = [assess(i.left, i.right, base_score(i), cosine=i.cosine, floor=i.floor).score
                   for i in items]  # fmt: skip
            new_ranks.append(original_rank(new, original))
        _ranks(f"{source} ({len(stored)} stored texts)", old_ranks[start:], new_ranks[start:])
    _ranks("all held-out duplicates", old_ranks, new_ranks)


def _ranks(title: str, old: list[int], new: list[int]) -> None:
    print(f" {title}:")
    for name, ranks in (("rule before", old), ("learned judgement", new)):
        r = np.array(ranks)
        print(f"  {name:<20} original first {int(np.sum(r == 1))}/{len(r)}, in top 3 "
              f"{int(np.sum(r <= 3))}/{len(r)}, mean rank {r.mean():.2f}")  # fmt: skip


def main() -> None:
    """Refit (``--fit``) or print the held-out figures recorded in docs/duplicates.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="refit on the dev part")
    parser.add_argument("--lexical", action="store_true", help="judge without the model")
    parser.add_argument("--cosine-cache", type=Path, help="JSON file keeping the cosines")
    args = parser.parse_args()
    embedder = select_embedder("lexical" if args.lexical else "auto")
    if args.fit:
        refit(embedder, args.cosine_cache)
        return
    held = load_pairs(DATA, "held_out")
    kinds = dict(Counter(p["kind"] for p in held))
    print(f"model: {embedder.name}; held-out pairs: {len(held)} {kinds}")
    items = inputs(held, cached_cosines(held, embedder, args.cosine_cache), embedder.cosine_floor)
    report_verdicts(held, items)
    print("ranking (true original among all held-out texts of its source):")
    report_ranking(held, embedder)


if __name__ == "__main__":
    main()
