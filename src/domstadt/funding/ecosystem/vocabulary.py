"""The controlled competence vocabulary (``data/competences.json``): concepts from ESCO's
digital skills collection with German and English labels and synonyms, in groups.

A free tag maps onto a concept when it equals one of the concept's labels or synonyms after
folding (case, umlauts, hyphens and spaces do not matter: "ki", "KI", "Künstliche
Intelligenz" and "artificial intelligence" are one concept). A text names a concept when it
contains a label or synonym as a phrase of whole words; a label word may carry a German or
English ending ("Sensoren" names "Sensor"). Tags that map nowhere stay free tags."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from domstadt.core.text.normalize import fold, words

_ENDINGS = ("", "s", "e", "en", "n", "er", "es", "ern")
_SHORT = 3
"""Labels of at most this many letters (KI, ML, GIS, IoT, UX) match only exactly, uppercase."""


@dataclass(frozen=True)
class Concept:
    """One competence of the vocabulary."""

    id: str
    group: str
    label_de: str
    label_en: str
    esco_uri: str
    synonyms_de: tuple[str, ...]
    synonyms_en: tuple[str, ...]

    def label(self, language: str = "de") -> str:
        """The concept's label in ``language`` (German unless ``en``)."""
        return self.label_en if language == "en" else self.label_de

    @property
    def terms(self) -> tuple[str, ...]:
        """Every label and synonym."""
        return (self.label_de, self.label_en, *self.synonyms_de, *self.synonyms_en)


@dataclass(frozen=True)
class Vocabulary:
    """The concepts, their groups and the lookup tables built from them."""

    concepts: dict[str, Concept]
    groups: dict[str, dict[str, str]]
    source: str
    by_key: dict[str, str]
    phrases: tuple[tuple[tuple[str, ...], str, bool], ...]


def key(text: str) -> str:
    """The folded comparison key of a tag or label: words only, folded, joined by spaces."""
    return " ".join(fold(w) for w in words(text.replace("-", " ")))


def _phrase(term: str) -> tuple[tuple[str, ...], bool]:
    parts = tuple(fold(w) for w in words(term.replace("-", " ")))
    strict = len(parts) == 1 and len(parts[0]) <= _SHORT
    return parts, strict


@cache
def vocabulary() -> Vocabulary:
    """The shipped vocabulary (read once)."""
    raw = json.loads(
        resources.files("domstadt.funding.ecosystem")
        .joinpath("data/competences.json")
        .read_text(encoding="utf-8")
    )
    concepts: dict[str, Concept] = {}
    by_key: dict[str, str] = {}
    phrases: list[tuple[tuple[str, ...], str, bool]] = []
    for item in raw["concepts"]:
        concept = Concept(
            id=item["id"], group=item["group"], label_de=item["label_de"],
            label_en=item["label_en"], esco_uri=item["esco_uri"],
            synonyms_de=tuple(item["synonyms_de"]), synonyms_en=tuple(item["synonyms_en"]),
        )  # fmt: skip
        concepts[concept.id] = concept
        for term in concept.terms:
            by_key.setdefault(key(term), concept.id)
            parts, strict = _phrase(term)
            if parts:
                phrases.append((parts, concept.id, strict))
    phrases.sort(key=lambda p: -len(p[0]))
    return Vocabulary(concepts, raw["groups"], raw["source"], by_key, tuple(phrases))


def concept(concept_id: str) -> Concept | None:
    """The concept with this id, or None."""
    return vocabulary().concepts.get(concept_id)


def map_tag(tag: str) -> Concept | None:
    """The concept a free tag names: a label or synonym (folded), or a tag whose words name
    exactly one concept ("Barrierefreiheit (BITV)"); else None."""
    found = vocabulary().by_key.get(key(tag))
    if found is None:
        named = set(concepts_in_text(tag))
        found = named.pop() if len(named) == 1 else None
    return vocabulary().concepts[found] if found else None


def map_tags(tags: list[str]) -> tuple[list[Concept], list[str]]:
    """Concepts the tags name (each once, in tag order) and the tags that name none."""
    found: dict[str, Concept] = {}
    free: list[str] = []
    for tag in tags:
        hit = map_tag(tag)
        if hit is None:
            free.append(tag)
        else:
            found.setdefault(hit.id, hit)
    return list(found.values()), free


def _word_matches(label_word: str, text_word: str, last: bool = False) -> bool:
    """Same word, the word with an ending ("sensor" → "sensoren"), or, for the last word of a
    label of at least six letters, a German compound ending in it ("verkehrssensoren")."""
    if text_word == label_word:
        return True
    if len(label_word) < 5:
        return False
    if text_word.startswith(label_word) and text_word[len(label_word) :] in _ENDINGS:
        return True
    return (
        last
        and len(label_word) >= 6
        and any(text_word.endswith(label_word + ending) for ending in _ENDINGS)
    )


_UPPER = re.compile(r"[A-Za-zÄÖÜäöüß0-9]+")


def concepts_in_text(text: str) -> dict[str, str]:
    """Concept id → the phrase of ``text`` that names it: labels and synonyms as whole words,
    with endings, or as the end of a German compound; labels of up to three letters such as
    "KI" or "IoT" only where the text writes them with a capital letter (so "ki" inside a URL
    does not count)."""
    spans = [(m.start(), m.end()) for m in _UPPER.finditer(text)]
    raw_words = [text[a:b] for a, b in spans]
    folded = [fold(w.lower()) for w in raw_words]
    found: dict[str, str] = {}
    for parts, concept_id, strict in vocabulary().phrases:
        if concept_id in found:
            continue
        size = len(parts)
        for start in range(len(folded) - size + 1):
            window = folded[start : start + size]
            if strict:
                if window[0] != parts[0] or not raw_words[start][:1].isupper():
                    continue
            elif not all(
                _word_matches(p, w, last=i == size - 1)
                for i, (p, w) in enumerate(zip(parts, window, strict=True))
            ):
                continue
            found[concept_id] = text[spans[start][0] : spans[start + size - 1][1]]
            break
    return found


def search(query: str) -> list[Concept]:
    """Concepts whose label or synonym contains the query (folded); a query of up to three
    letters ("KI", "GIS") must equal a label or synonym."""
    needle = key(query)
    if not needle:
        return []
    short = len(needle) <= _SHORT
    hits = []
    for c in vocabulary().concepts.values():
        keys = [key(t) for t in c.terms]
        if any(needle == k or (not short and needle in k) for k in keys):
            hits.append(c)
    return hits
