"""Build the duplicate evaluation set (tests/masterplan/registry/data/duplicate_eval.json).

Sources (see tests/masterplan/registry/data/SOURCES.md):
- real citizens' reports of the Konstanz Mängelmelder (konstanz-mitgestalten.de/bms), as
  exported in github.com/Toby2906/Maengelmelder-Konstanz, data/raw/maengelmelder_konstanz.csv
  (commit 316fa6c); pass that CSV as the first argument;
- the 73 pairs written for the registry (duplicate_pairs.json), kept as the "house" source.

Real pairs: every two reports of the same category at most 60 m and 30 days apart, and in a
second pass those at most 120 m and 60 days apart, were read and labelled by hand (indices
below, into each candidate list in file order; unclear pairs left out):
``duplicate`` (the same defect reported by different people) or ``same_place`` (same place and
category, different object: another lamp number, another vehicle). Added without reading:
``other_place`` (same category, more than 800 m apart, both naming a street or place and no
name in common, the
most alike by trigram overlap: same topic, different spot) and ``unrelated`` (random pairs of
different categories). The split into development and held-out parts is drawn once, seeded,
stratified by source and kind. Run: python benchmarks/registry_duplicates_build.py CSV
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
import re
import sys
from datetime import date
from pathlib import Path

from domstadt.core.text import lexical_similarity

OUT = Path(__file__).resolve().parents[1] / "tests/masterplan/registry/data"
SEED = 15
HELD_OUT = 0.4
NEAR, WIDE, FAR_M = (60, 30), (120, 60), 800
N_OTHER_PLACE, N_UNRELATED = 100, 100
# fmt: off
DUPLICATE = [
    4, 5, 6, 7, 8, 10, 13, 16, 17, 27, 28, 34, 36, 37, 38, 43, 45, 49, 52, 66, 70, 71, 72, 73, 74,
    75, 76, 78, 80, 81, 82, 85, 86, 88, 89, 90, 93, 96, 97, 100, 110, 116, 117, 118, 119, 122,
    126, 131, 132, 140, 141, 147, 149, 154, 155, 156, 157, 160, 161, 165, 174, 177, 179, 187, 188,
    190,
]
SAME_PLACE = [
    12, 21, 22, 24, 26, 30, 33, 42, 44, 46, 47, 51, 55, 60, 62, 63, 64, 65, 68, 77, 83, 84, 91,
    99, 102, 103, 104, 105, 106, 112, 113, 123, 124, 125, 134, 137, 139, 152, 163, 166, 167, 170,
    171, 172, 175, 176, 178, 181, 182, 183, 184, 185, 186,
]
DUPLICATE_WIDE = [
    15, 16, 17, 25, 29, 30, 31, 40, 42, 63, 64, 65, 67, 77, 81, 83, 84, 85, 86, 90, 102, 103, 104,
    105, 106, 107, 111, 112, 114, 127, 130, 142, 148, 158, 159, 166, 168, 174, 183, 187, 195, 228,
    230, 281, 286, 291, 299,
]
SAME_PLACE_WIDE = [
    1, 2, 3, 4, 8, 22, 26, 28, 34, 39, 43, 45, 46, 54, 55, 59, 61, 62, 68, 71, 73, 74, 78, 79, 80,
    82, 91, 92, 93, 94, 95, 96, 100, 101, 108, 110, 115, 118, 119, 120, 121, 122, 125, 126, 128,
    131, 132, 133, 134, 135, 136, 137, 139, 140, 141, 144, 145, 146, 147, 149, 164, 167, 169, 171,
    175, 177, 184, 186, 194, 199, 200, 201, 206, 208, 209, 210, 213, 214, 220, 221, 222, 223, 226,
    227, 229, 231, 232, 233, 235, 236, 237, 238, 239, 240, 245, 247, 249, 251, 252, 253, 254, 257,
    259, 261, 262, 265, 267, 268, 269, 270, 273, 274, 275, 276, 280, 285, 290, 293, 297, 298, 300,
    301, 303, 304, 306, 308, 309, 310, 317, 318, 319, 320, 325, 326, 327, 328, 329, 330, 331, 332,
    333, 334, 338, 339,
]
# fmt: on
PLACE_NAME = re.compile(
    r"\b[A-ZÄÖÜ][\w-]*?(?:strasse|str\.|weg|gasse|platz|steig)\b"
    r"|\b[A-ZÄÖÜ][\w-]+ (?:Strasse|Str\.|Weg|Gasse)\b"
)
GENERIC = {
    "fahrradweg",
    "radweg",
    "fussweg",
    "gehweg",
    "waldweg",
    "wanderweg",
    "schulweg",
    "feldweg",
    "spielplatz",
    "parkplatz",
    "sportplatz",
    "grillplatz",
    "bolzplatz",
}


def _reports(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8").replace("\t\n", "\n")
    rows = csv.DictReader(io.StringIO(text))
    return [r for r in rows if len(r["text_raw"].split()) >= 4 and r["lat"] and r["lon"]]


def _places(text: str) -> set[str]:
    """Street and place names a report gives (generic ways like "Radweg" left out)."""
    found = {m.group(0).lower().replace("str.", "strasse") for m in PLACE_NAME.finditer(text)}
    return {f for f in found if f not in GENERIC}


def _metres(a: dict[str, str], b: dict[str, str]) -> float:
    dlat = (float(a["lat"]) - float(b["lat"])) * 111_000
    dlon = (float(a["lon"]) - float(b["lon"])) * 111_000 * math.cos(math.radians(47.67))
    return math.hypot(dlat, dlon)


def _days(a: dict[str, str], b: dict[str, str]) -> int:
    return abs((date.fromisoformat(a["date_created"]) - date.fromisoformat(b["date_created"])).days)


def _pair(
    kind: str, later: dict[str, str], earlier: dict[str, str], dup: bool
) -> dict[str, object]:
    return {
        "source": "maengelmelder_konstanz",
        "kind": kind,
        "a": later["text_raw"].strip(),
        "b": earlier["text_raw"].strip(),
        "duplicate": dup,
        "refs": [later["detail_url"], earlier["detail_url"]],
    }


def _near(rows: list[dict[str, str]], wide: bool) -> list[tuple[dict[str, str], dict[str, str]]]:
    """Pairs of one category within ``NEAR`` (or, if ``wide``, within ``WIDE`` but not NEAR)."""
    out = []
    for i, a in enumerate(rows):
        for b in rows[i + 1 :]:
            if a["category_child"] != b["category_child"]:
                continue
            metres, days = _metres(a, b), _days(a, b)
            near = metres < NEAR[0] and days <= NEAR[1]
            if (not wide and near) or (wide and not near and metres < WIDE[0] and days <= WIDE[1]):
                out.append((a, b))
    return out


def real_pairs(rows: list[dict[str, str]]) -> list[dict[str, object]]:
    """The hand-labelled near pairs plus the other-place and unrelated pairs."""
    out = []
    for wide, dup_idx, same_idx in (
        (False, DUPLICATE, SAME_PLACE),
        (True, DUPLICATE_WIDE, SAME_PLACE_WIDE),
    ):
        near = _near(rows, wide)
        out += [_pair("duplicate", *near[i], True) for i in dup_idx]
        out += [_pair("same_place", *near[i], False) for i in same_idx]
    named = {r["id"]: _places(r["text_raw"]) for r in rows}
    cued = [r for r in rows if named[r["id"]] and len(r["text_raw"]) < 400]
    far = [
        (lexical_similarity(a["text_raw"], b["text_raw"]), a, b)
        for i, a in enumerate(cued)
        for b in cued[i + 1 :]
        if a["category_child"] == b["category_child"]
        and _metres(a, b) > FAR_M
        and not named[a["id"]] & named[b["id"]]
    ]
    far.sort(key=lambda t: -t[0])
    used: set[str] = set()
    for _, a, b in far:
        if len([p for p in out if p["kind"] == "other_place"]) >= N_OTHER_PLACE:
            break
        if a["id"] in used or b["id"] in used:
            continue
        used.update((a["id"], b["id"]))
        out.append(_pair("other_place", a, b, False))
    rng = random.Random(SEED)
    while len([p for p in out if p["kind"] == "unrelated"]) < N_UNRELATED:
        a, b = rng.sample(rows, 2)
        if a["category_parent"] != b["category_parent"]:
            out.append(_pair("unrelated", a, b, False))
    return out


def house_pairs() -> list[dict[str, object]]:
    """The 73 pairs written for the registry (rules were written against them)."""
    data = json.loads((OUT / "duplicate_pairs.json").read_text(encoding="utf-8"))
    return [
        {"source": "domstadt", "kind": p["kind"], "a": p["a"], "b": p["b"],
         "duplicate": p["duplicate"], "refs": []}
        for p in data
    ]  # fmt: skip


def split(pairs: list[dict[str, object]]) -> None:
    """Mark each pair dev or held_out, once, seeded, stratified by source and kind."""
    rng = random.Random(SEED)
    groups: dict[tuple[object, object], list[dict[str, object]]] = {}
    for p in pairs:
        groups.setdefault((p["source"], p["kind"]), []).append(p)
    for key in sorted(groups, key=str):
        members = groups[key]
        rng.shuffle(members)
        cut = round(len(members) * HELD_OUT)
        for n, p in enumerate(members):
            p["split"] = "held_out" if n < cut else "dev"


def main() -> None:
    """Write duplicate_eval.json."""
    pairs = real_pairs(_reports(Path(sys.argv[1]))) + house_pairs()
    split(pairs)
    for n, p in enumerate(pairs, 1):
        p["id"] = n
    (OUT / "duplicate_eval.json").write_text(
        json.dumps(pairs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(len(pairs), "pairs")


if __name__ == "__main__":
    main()
