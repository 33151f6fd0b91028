"""Which practices are most like a measure, with the reasons, in the funding matcher's way:
word stems from ``core.text`` (folded, stop words dropped, cut to six letters, English words
mapped to German stems; ``funding.matching.stems``), TF-IDF weights over the library, cosine
similarity.

score = 0.6 text similarity (cosine, scaled) + 0.25 shared technology (the share of the
practice's technology words the measure names) + 0.15 shared topic words; a practice needs
some text in common (cosine at least 0.05). Reasons name the technology when the measure names
at least half of its words, the shared topic words, the words contributing most, and the
similarity in %.
The library is small (hundreds), so the index is built per call.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from domstadt.core.text.normalize import words
from domstadt.funding.matching import stems

MIN_TEXT = 0.05
WEIGHTS = {"text": 0.6, "technology": 0.25, "topics": 0.15}


@dataclass
class Item:
    """What similarity needs of one practice."""

    id: int
    text: str
    technology: str
    topics: str


@dataclass
class Similar:
    """One similar practice with its score (0..1) and reasons in German."""

    practice_id: int
    score: float
    reasons: list[str]


def _vector(counted: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    vector = {s: (1 + math.log(n)) * idf[s] for s, n in counted.items() if s in idf}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {s: v / norm for s, v in vector.items()}


def most_similar(items: list[Item], text: str, topics: str, limit: int = 5) -> list[Similar]:
    """The ``limit`` practices most like the measure (``text``, its topic words ``topics``)."""
    counts = {i.id: Counter(stems(f"{i.text} {i.technology} {i.topics}"[:8000])) for i in items}
    frequency: Counter[str] = Counter()
    for counted in counts.values():
        frequency.update(counted.keys())
    total = max(len(items), 1)
    idf = {s: math.log(1 + total / df) for s, df in frequency.items()}
    query = _vector(Counter(stems(f"{text} {topics}"[:20000])), idf)
    topic_stems = set(stems(topics))
    found = []
    for item in items:
        weights = _vector(counts[item.id], idf)
        cosine = sum(v * weights.get(s, 0.0) for s, v in query.items())
        if cosine < MIN_TEXT:
            continue
        tech_stems = set(stems(item.technology))
        tech = len(tech_stems & query.keys()) / len(tech_stems) if tech_stems else 0.0
        shared_topics = topic_stems & weights.keys()
        score = (
            WEIGHTS["text"] * min(cosine * 1.5, 1.0)
            + WEIGHTS["technology"] * tech
            + WEIGHTS["topics"] * min(len(shared_topics) / 2, 1.0)
        )
        contributions = sorted(query, key=lambda s: -query[s] * weights.get(s, 0.0))
        top = [s for s in contributions if weights.get(s)][:4]
        reasons = _reasons(item, tech >= 0.5, shared_topics, top, cosine, f"{topics} {text}")
        found.append(Similar(item.id, round(score, 4), reasons))
    found.sort(key=lambda s: (-s.score, s.practice_id))
    return found[:limit]


def _reasons(
    item: Item, tech: bool, shared_topics: set[str], top: list[str], cosine: float,
    measure_text: str,
) -> list[str]:  # fmt: skip
    reasons = []
    if tech:
        reasons.append(f"Gleiche Technologie: {item.technology}")
    if shared_topics:
        reasons.append(f"Gemeinsame Themen: {', '.join(_originals(measure_text, shared_topics))}")
    if top:
        reasons.append(f"Gemeinsame Begriffe: {', '.join(_originals(measure_text, set(top)))}")
    reasons.append(f"Textähnlichkeit {round(cosine * 100)} %")
    return reasons


def _originals(text: str, wanted: set[str]) -> list[str]:
    """The measure's own words for the stems in ``wanted`` (first spelling of each)."""
    seen: dict[str, str] = {}
    for word in words(text):
        found = stems(word)
        if found and found[0] in wanted and found[0] not in seen:
            seen[found[0]] = word
    return sorted(seen.values(), key=str.casefold)[:5]
