"""Precision and recall of the initiatives registry's duplicate detection on the labelled
German pair set (tests/masterplan/registry/data/duplicate_pairs.json), beside the plain
cosine baseline. Run: .venv/bin/python benchmarks/registry_duplicates_eval.py"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from domstadt.core.text import select_embedder
from domstadt.masterplan.registry.evaluate import best_threshold, load_pairs, metrics, score_pairs

DATA = Path(__file__).resolve().parents[1] / "tests/masterplan/registry/data/duplicate_pairs.json"


def main() -> None:
    """Print the figures recorded in docs/duplicates.md."""
    embedder = select_embedder("auto")
    pairs = load_pairs(DATA)
    scored = score_pairs(pairs, embedder)
    labels = [s.label for s in scored]
    print(f"model: {embedder.name}; pairs: {len(pairs)} {dict(Counter(p['kind'] for p in pairs))}")
    ours = metrics(labels, [s.duplicate for s in scored])
    print(f"platform:  precision {ours.precision:.2f} recall {ours.recall:.2f} f1 {ours.f1:.2f}")
    if scored[0].cosine is not None:
        cut, base = best_threshold([s.cosine or 0.0 for s in scored], labels)
        print(
            f"cosine ≥ {cut:.3f} (best F1 on this set): precision {base.precision:.2f} "
            f"recall {base.recall:.2f} f1 {base.f1:.2f}"
        )
    cut, combined = best_threshold([s.base for s in scored], labels)
    print(
        f"core score ≥ {cut:.3f} (best F1): precision {combined.precision:.2f} "
        f"recall {combined.recall:.2f} f1 {combined.f1:.2f}"
    )
    for kind in sorted({s.kind for s in scored}):
        group = [s for s in scored if s.kind == kind]
        wrong = sum(1 for s in group if s.duplicate != s.label)
        print(f"  {kind:<12} {len(group):>3} pairs, {wrong} judged wrongly")


if __name__ == "__main__":
    main()
