"""Cut the labelled evaluation set for the screening proposal from the US federal agencies' 2024
AI use case inventory (public domain, U.S. government work), split ONCE into development and
held-out parts with a fixed seed. Run once; the result is committed as
tests/masterplan/screening/data/us_ai_inventory_2024.json (see docs/data-sources.md).

Source: github.com/triphora/2025-Federal-Agency-AI-Use-Case-Inventory,
data/clean/2024_consolidated_ai_inventory_raw_v2.csv at commit 79cefbb.
Run: python scripts/screening_eval_set.py INVENTORY.csv OUT.json"""

from __future__ import annotations

import csv
import json
import random
import sys

SEED = 11
SIZE = 600
HELD_OUT_SHARE = 0.5
TEXT_LIMIT = 700


def _column(row: dict[str, str], start: str) -> str:
    key = next(k for k in row if k.startswith(start))
    return (row[key] or "").strip()


def _yes_no(value: str) -> bool | None:
    value = value.strip().lower()
    if value in ("yes", "no"):
        return value == "yes"
    return None


def _impact(value: str) -> tuple[bool, bool] | None:
    value = value.strip().lower()
    if value == "neither":
        return False, False
    if value == "both":
        return True, True
    if value.startswith("rights"):
        return True, False
    if value.startswith("safety"):
        return False, True
    return None


def _case(row: dict[str, str]) -> dict[str, object] | None:
    impact = _impact(_column(row, "Is the AI use case rights-impacting"))
    pii = _yes_no(_column(row, "Does this AI use case involve personally"))
    public = _yes_no(_column(row, "Does this AI use case disseminate"))
    if impact is None or pii is None:
        return None
    text = [_column(row, "Use Case Name"), _column(row, "What is the intended purpose"),
            _column(row, "Describe the AI system")]  # fmt: skip
    return {
        "agency": _column(row, "Agency Abbreviation"),
        "title": text[0][:200],
        "purpose": text[1][:TEXT_LIMIT],
        "outputs": text[2][:TEXT_LIMIT],
        "topic": _column(row, "Use Case Topic Area"),
        "labels": {"rights_impacting": impact[0], "safety_impacting": impact[1],
                   "personal_data": pii, "public_dissemination": public},
    }  # fmt: skip


def main(source: str, target: str) -> None:
    """Read the inventory, keep labelled rows, sample, split, write."""
    with open(source, encoding="utf-8", errors="replace", newline="") as handle:
        cases = [c for c in map(_case, csv.DictReader(handle)) if c is not None]
    rng = random.Random(SEED)
    chosen = rng.sample(cases, min(SIZE, len(cases)))
    cut = int(len(chosen) * (1 - HELD_OUT_SHARE))
    for index, case in enumerate(chosen):
        case["part"] = "development" if index < cut else "heldout"
    meta = {"source": "US federal agencies' AI use case inventory 2024 (consolidated)",
            "url": "https://github.com/triphora/2025-Federal-Agency-AI-Use-Case-Inventory/blob/79cefbb/data/clean/2024_consolidated_ai_inventory_raw_v2.csv",
            "licence": "public domain (U.S. government work, 17 U.S.C. § 105)",
            "seed": SEED, "labelled_rows_in_source": len(cases)}  # fmt: skip
    with open(target, "w", encoding="utf-8") as handle:
        json.dump({"meta": meta, "cases": chosen}, handle, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
