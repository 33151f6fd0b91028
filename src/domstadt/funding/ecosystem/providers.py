"""Scores and reasons of the market exploration (S3.6): which organisations' competences and
CPV codes match what a measure asks for, regional ones first.

A shared competence concept counts 1; a CPV code of the organisation that is the measure's
code counts 1, one under or over it 0.75, one in the same group 0.5 (each measure code counts
once, at its best). Only organisations with at least one shared concept or related code are
listed. Order: regional rank (Köln with Stadtbezirk, Köln, region, elsewhere), then score,
then name."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from domstadt.core.text.lexical import lexical_similarity
from domstadt.funding.ecosystem import cpv, places
from domstadt.funding.ecosystem.schemas import EntryPublic, ProviderList

_CPV_WEIGHT = {"same": 1.0, "under": 0.75, "group": 0.5}
REGIONAL = {
    places.RANK_DISTRICT: ("koeln", "Köln, Stadtbezirk {district}"),
    places.RANK_CITY: ("koeln", "Köln"),
    places.RANK_REGION: ("region", "Region Köln/Bonn ({city})"),
    places.RANK_OTHER: ("other", "außerhalb der Region"),
}


@dataclass(frozen=True)
class Found:
    """One organisation's match: shared concept ids, CPV pairs and the score."""

    entry: EntryPublic
    rank: int
    concepts: list[str]
    cpv: list[str]
    score: float
    similarity: float = 0.0


def _cpv_pairs(measure_codes: list[str], org_codes: list[str]) -> tuple[float, list[str]]:
    score, pairs = 0.0, []
    for mine in measure_codes:
        best: tuple[float, str] | None = None
        for theirs in org_codes:
            how = cpv.related(mine, theirs)
            if how is not None and (best is None or _CPV_WEIGHT[how] > best[0]):
                best = (_CPV_WEIGHT[how], theirs)
        if best is not None:
            score += best[0]
            pairs.append(best[1] if best[1] == mine else f"{best[1]} ~ {mine}")
    return score, pairs


def rank(
    measure_concepts: list[str],
    measure_codes: list[str],
    entries: list[EntryPublic],
    measure_text: str = "",
) -> list[Found]:
    """The entries that match, regional first, then best score, then name. The text similarity
    of the measure and the organisation's description (``core.text`` trigrams) adds up to 0.5
    to an entry that already matches by competence or CPV code."""
    wanted = set(measure_concepts)
    found = []
    for entry in entries:
        shared = [c.id for c in entry.concepts if c.id in wanted]
        cpv_score, pairs = _cpv_pairs(measure_codes, [c.code for c in entry.cpv])
        if not shared and not pairs:
            continue
        similar = lexical_similarity(measure_text, entry.description) if measure_text else 0.0
        rank_ = places.regional_rank(entry.city, entry.district)
        score = round(len(shared) + cpv_score + 0.5 * similar, 2)
        found.append(Found(entry, rank_, shared, pairs, score, round(similar, 2)))
    found.sort(key=lambda f: (f.rank, -f.score, f.entry.name.casefold()))
    return found


def regional_label(found: Found) -> tuple[str, str]:
    """(``koeln``/``region``/``other``, the German place text)."""
    code, text = REGIONAL[found.rank]
    return code, text.format(district=found.entry.district, city=found.entry.city)


CSV_HEADER = (
    "Rang", "Organisation", "Art", "Ort", "Stadtbezirk", "Regional", "Passende Kompetenzen",
    "Passende CPV-Codes", "Punkte", "Website", "Profil",
)  # fmt: skip


def to_csv(result: ProviderList, base_url: str = "") -> str:
    """The market exploration as CSV (UTF-8, comma, the caveat in the first line)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f"# {result.caveat}"])
    writer.writerow([f"# Maßnahme {result.measure.code}: {result.measure.title}"])
    writer.writerow(CSV_HEADER)
    for number, item in enumerate(result.items, start=1):
        org = item.organisation
        writer.writerow([
            number, _cell(org.name), org.type, _cell(org.city), org.district, item.regional_label,
            "; ".join(c.label for c in item.competences), "; ".join(item.cpv), item.score,
            _cell(org.website), f"{base_url}{org.url}",
        ])  # fmt: skip
    return out.getvalue()


def _cell(value: str) -> str:
    """A text cell that a spreadsheet cannot run as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
