"""Precision and recall of the privacy gate on real German tables with and without personal
data (tests/catalog/data/privacy_eval, sources in SOURCES.md there). Only the held-out figures
are reported in docs/catalog.md; ``--part development`` shows the part rules were tuned on.
Run: .venv/bin/python benchmarks/privacy_eval.py [--part heldout|development]"""

from __future__ import annotations

import argparse
from pathlib import Path

from domstadt.catalog.privacy.evaluate import cases, figures, per_kind

DATA = Path(__file__).resolve().parents[1] / "tests/catalog/data/privacy_eval"


def _share(value: float | None) -> str:
    return "  —" if value is None else f"{value:.2f}"


def main() -> None:
    """Print the column-level figures and every case that went wrong."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", default="heldout", choices=["heldout", "development"])
    part = parser.parse_args().part
    items = cases(DATA, part)
    result = figures(items)
    print(
        f"{part}: {result.cases} columns, {result.positives} with personal data; "
        f"precision {result.precision:.2f} recall {result.recall:.2f}"
    )
    for kind in per_kind(items):
        print(
            f"  {kind.kind:15} labelled {kind.labelled:3} flagged {kind.flagged:3} "
            f"right {kind.hits:3}  precision {_share(kind.precision)} recall {_share(kind.recall)}"
        )
    for case in result.missed:
        print(f"  missed       {case.table} / {case.column}: {sorted(case.expected)}")
    for case in result.false_alarms:
        print(f"  false alarm  {case.table} / {case.column}: {sorted(case.found)}")


if __name__ == "__main__":
    main()
