"""Agreement of the screening proposal with real labels: 600 cases of the US federal agencies'
AI use case inventory 2024 (tests/masterplan/screening/data/us_ai_inventory_2024.json, split
once with seed 11 before any rule was written). Only held-out figures are reported in
docs/screening.md; ``--part development`` shows the part the cues were tuned on.
Run: .venv/bin/python benchmarks/screening_eval.py [--part heldout|development] [--misses N]"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from domstadt.masterplan.screening.proposal import Proposal, Source, propose
from domstadt.masterplan.screening.rubric import ai_act_tier

DATA = (
    Path(__file__).resolve().parents[1]
    / "tests/masterplan/screening/data/us_ai_inventory_2024.json"
)


def _risk(p: Proposal, key: str) -> str:
    return p.inputs.risk.get(key, "")


Label = Callable[[dict[str, Any]], bool | None]
QUESTIONS: dict[str, tuple[str, Callable[[Proposal], bool], Label]] = {
    "personal_data": ("risk.personal_data = ja  ⇔  'involves PII maintained by the agency'",
                      lambda p: _risk(p, "personal_data") == "yes",
                      lambda lab: lab["personal_data"]),
    "rights": ("risk.rights hoch/sehr hoch  ⇔  rights-impacting (or both)",
               lambda p: _risk(p, "rights") in ("high", "very_high"),
               lambda lab: lab["rights_impacting"]),
    "health": ("risk.health hoch/sehr hoch  ⇔  safety-impacting (or both)",
               lambda p: _risk(p, "health") in ("high", "very_high"),
               lambda lab: lab["safety_impacting"]),
    "ai_act_high": ("AI Act tier 'hohes Risiko'/'verboten'  ⇔  rights- or safety-impacting",
                    lambda p: ai_act_tier(p.inputs)[0] in ("hohes Risiko", "verboten"),
                    lambda lab: lab["rights_impacting"] or lab["safety_impacting"]),
    "interacts": ("interacts_with_people or generates_content  ⇔  'disseminates information "
                  "to the public'", lambda p: p.inputs.interacts_with_people
                  or p.inputs.generates_content, lambda lab: lab["public_dissemination"]),
}  # fmt: skip


def kappa(pairs: list[tuple[bool, bool]]) -> float:
    """Cohen's kappa of (proposed, labelled) pairs."""
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    p_yes = sum(a for a, _ in pairs) / n
    l_yes = sum(b for _, b in pairs) / n
    expected = p_yes * l_yes + (1 - p_yes) * (1 - l_yes)
    return 0.0 if expected == 1 else (observed - expected) / (1 - expected)


def evaluate(part: str) -> dict[str, dict[str, Any]]:
    """Per question: cases, agreement, kappa, majority baseline, precision/recall of 'yes'."""
    cases = [c for c in json.loads(DATA.read_text(encoding="utf-8"))["cases"] if c["part"] == part]
    proposals = [propose([Source("title", c["title"]), Source("purpose", c["purpose"]),
                          Source("outputs", c["outputs"])]) for c in cases]  # fmt: skip
    out = {}
    for key, (_, proposed, label) in QUESTIONS.items():
        rows = [(proposed(p), label(c["labels"]), c["title"])
                for p, c in zip(proposals, cases, strict=True)]  # fmt: skip
        rows = [r for r in rows if r[1] is not None]
        pairs: list[tuple[bool, bool]] = [(a, bool(b)) for a, b, _ in rows]
        majority = Counter(b for _, b in pairs).most_common(1)[0]
        tp = sum(a and b for a, b in pairs)
        out[key] = {
            "cases": len(pairs), "agreement": sum(a == b for a, b in pairs) / len(pairs),
            "kappa": kappa(pairs), "majority": majority[1] / len(pairs),
            "majority_answer": "ja" if majority[0] else "nein",
            "precision": tp / max(1, sum(a for a, _ in pairs)),
            "recall": tp / max(1, sum(b for _, b in pairs)),
            "misses": [(title, a, b) for a, b, title in rows if a != b],
        }  # fmt: skip
    return out


def main() -> None:
    """Print one line per question (and, with --misses, the first wrong cases)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", default="heldout", choices=["heldout", "development"])
    parser.add_argument("--misses", type=int, default=0)
    args = parser.parse_args()
    print(f"{args.part}: question | cases | agreement | kappa | majority baseline | P | R")
    for key, row in evaluate(args.part).items():
        print(f"{key:14} {row['cases']:4} {row['agreement']:.2f} κ={row['kappa']:.2f} "
              f"majority({row['majority_answer']})={row['majority']:.2f} "
              f"P={row['precision']:.2f} R={row['recall']:.2f}   {QUESTIONS[key][0]}")  # fmt: skip
        for title, proposed, labelled in row["misses"][: args.misses]:
            print(f"    proposed {proposed!s:5} labelled {labelled!s:5} {title[:90]}")


if __name__ == "__main__":
    main()
