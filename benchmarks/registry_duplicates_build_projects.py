"""Add real initiative pairs to the duplicate evaluation set: two descriptions of one civic
project written by different hands (source ``codefor_projekte``, see SOURCES.md).

- side ``b`` (stored): the project's own page on codefor.de, written by the OK Lab that runs
  it (github.com/okfde/codefor.de, ``content/projekte/*.md``, content CC BY 4.0);
- side ``a`` (query): the Civic Data Lab's short description of the same project in its
  collection of public-interest data projects (github.com/Caritas-Deutschland-Digitallabor/
  datenprojekte, ``Vault/Projekt/*.md``, CC BY 4.0), which names the codefor.de page as its
  source (``## Quelle``).

Labelling rule (no reading needed for the label, only for the exclusions below):
``duplicate``: the Civic Data Lab entry and the codefor.de page it names as its source;
``same_place``: the entry against the most alike *other* page of the same OK Lab (same city);
``other_place``: against the most alike page of another lab (same topic, other city: the
"Trinkwasser" or "Feinstaub" project of another city is another project);
``unrelated``: a random page of another lab. "Most alike" is the e5 cosine (hardest first).
Pages with fewer than 80 characters of text are left out; ``NOT_DIFFERENT`` lists page pairs
that were read and found to describe one project (two pages of one project), left out.

The split is drawn ONCE, before anything was tuned, over projects (seed 15, 40 % held out):
every pair has both its projects in the same part, so no project of the held-out part is
seen while tuning. Pairs of this source already in the file are replaced; the others (and
their ids and split) are kept as they are.

    python benchmarks/registry_duplicates_build_projects.py CDL_VAULT_PROJEKT CODEFOR_PROJEKTE
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

from domstadt.core.text import select_embedder

OUT = Path(__file__).resolve().parents[1] / "tests/masterplan/registry/data/duplicate_eval.json"
SOURCE = "codefor_projekte"
SEED = 15
HELD_OUT = 0.4
MIN_CHARS = 80
MAX_CHARS = 1200
N_UNRELATED = 80
NOT_DIFFERENT = {
    frozenset(pair)
    for pair in (
        ("klimawatch", "le-klimawatch"),
        ("klimawatch", "le-klimawatch-leipzig"),
        ("le-klimawatch", "le-klimawatch-leipzig"),
        ("flaechentool", "flaechengerechtigkeit"),
        ("meine-stadt-transparent", "muenchen-transparent"),
    )
}
"""Page pairs read among the hard negatives and found to be one project, its successor or its
generalisation (not clearly another project): left out."""


def _markdown_text(body: str) -> str:
    """Plain text of a page body: shortcodes, HTML, images, link targets and markup removed."""
    text = re.sub(r"\{\{<.*?>\}\}", " ", body, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"^[#>*\-\s]+", "", text, flags=re.M)
    text = re.sub(r"[*_`]+", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _cut(text: str) -> str:
    """At most MAX_CHARS, ended at a sentence where possible."""
    if len(text) <= MAX_CHARS:
        return text
    head = text[:MAX_CHARS]
    end = max(head.rfind(". "), head.rfind("! "), head.rfind("? "))
    return head[: end + 1] if end > MAX_CHARS // 2 else head


def codefor_pages(folder: Path) -> dict[str, dict[str, str]]:
    """slug → {title, lab, text, ref} of every codefor.de project page."""
    pages = {}
    for path in sorted(folder.glob("*.md")):
        raw = path.read_text(encoding="utf-8")
        match = re.match(r"---\n(.*?)\n---\n(.*)", raw, re.S)
        if not match:
            continue
        head, body = match.groups()
        title = re.search(r"^title: *[\"']?(.*?)[\"']?\s*$", head, re.M)
        lab = re.search(r"^lab: *\[?\s*([\w-]+)", head, re.M)
        text = _markdown_text(body)
        if not title or len(text) < MIN_CHARS:
            continue
        slug = re.sub(r"^\d{4}-\d{1,2}-\d{1,2}-", "", path.stem).lower()
        name = re.sub(r"\s*#\w+", "", title.group(1)).strip()
        pages[slug] = {"title": name, "lab": lab.group(1) if lab else "", "text": _cut(text),
                       "ref": f"https://codefor.de/projekte/{slug}/"}  # fmt: skip
    return pages


def cdl_entries(folder: Path, pages: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """codefor slug → {title, text, ref} of the Civic Data Lab entry naming that page."""
    entries = {}
    for path in sorted(folder.glob("*.md")):
        raw = path.read_text(encoding="utf-8")
        source = re.search(r"## Quelle\n- https://codefor\.de/projekte/([^/\s]+)", raw)
        title = re.search(r"^title: (.*)$", raw, re.M)
        desc = re.search(r"## Kurzbeschreibung\n(.*?)\n\n## ", raw, re.S)
        if not (source and title and desc):
            continue
        slug = source.group(1).lower()
        if slug in pages and slug not in entries:
            entries[slug] = {"title": title.group(1).strip(), "text": desc.group(1).strip(),
                             "ref": f"datenprojekte.civic-data.de: {path.stem}"}  # fmt: skip
    return entries


def _doc(entry: dict[str, str]) -> str:
    return f"{entry['title']}. {entry['text']}"


def _pair(kind: str, entry: dict[str, str], page: dict[str, str], dup: bool) -> dict[str, object]:
    return {"source": SOURCE, "kind": kind, "a": _doc(entry), "b": _doc(page),
            "duplicate": dup, "refs": [entry["ref"], page["ref"]]}  # fmt: skip


def build(entries: dict[str, dict[str, str]], pages: dict[str, dict[str, str]]) -> list[dict]:
    """All pairs, each within one part of the project split."""
    rng = random.Random(SEED)
    slugs = sorted(entries)
    rng.shuffle(slugs)
    cut = round(len(slugs) * HELD_OUT)
    part = {s: ("held_out" if n < cut else "dev") for n, s in enumerate(slugs)}
    embedder = select_embedder("e5")
    q = embedder.embed([_doc(entries[s]) for s in slugs], kind="query")
    d = embedder.embed([_doc(pages[s]) for s in slugs], kind="passage")
    sims = q @ d.T
    out: list[dict] = []
    for i, s in enumerate(slugs):
        out.append(_pair("duplicate", entries[s], pages[s], True) | {"split": part[s]})
        lab = pages[s]["lab"]
        same = [
            j
            for j, t in enumerate(slugs)
            if t != s and part[t] == part[s] and frozenset((s, t)) not in NOT_DIFFERENT
        ]
        for kind, same_lab in (("same_place", True), ("other_place", False)):
            options = [j for j in same if (pages[slugs[j]]["lab"] == lab) == same_lab]
            if options and lab:
                j = max(options, key=lambda j: float(sims[i, j]))
                out.append(_pair(kind, entries[s], pages[slugs[j]], False) | {"split": part[s]})
    for name, count in (("held_out", round(N_UNRELATED * HELD_OUT)),
                        ("dev", N_UNRELATED - round(N_UNRELATED * HELD_OUT))):  # fmt: skip
        members = [s for s in slugs if part[s] == name]
        drawn = 0
        while drawn < count:
            s, t = rng.sample(members, 2)
            if pages[s]["lab"] != pages[t]["lab"]:
                out.append(_pair("unrelated", entries[s], pages[t], False) | {"split": name})
                drawn += 1
    return out


def main() -> None:
    """Replace this source's pairs in duplicate_eval.json, keeping every other pair."""
    pages = codefor_pages(Path(sys.argv[2]))
    entries = cdl_entries(Path(sys.argv[1]), pages)
    pairs = build(entries, pages)
    kept = [p for p in json.loads(OUT.read_text(encoding="utf-8")) if p["source"] != SOURCE]
    first = max(int(p["id"]) for p in kept) + 1
    for n, p in enumerate(pairs):
        p["id"] = first + n
    OUT.write_text(json.dumps(kept + pairs, ensure_ascii=False, indent=1) + "\n", "utf-8")
    counts = {(p["kind"], p["split"]): 0 for p in pairs}
    for p in pairs:
        counts[(p["kind"], p["split"])] += 1  # type: ignore[index]
    print(len(pairs), "pairs of", SOURCE, sorted(counts.items()))


if __name__ == "__main__":
    main()
