"""Near-duplicate judgement: the similarity score plus what differs between two texts.

A plain embedding cosine scores "Bäume pflanzen in Kalk" and "Bäume fällen in Kalk" as high as
a true paraphrase. So, after core similarity has proposed candidates, both texts are cut into
sentences, each sentence of the shorter text is aligned with its lexically closest sentence of
the other, and the facets of aligned sentences (and of the whole texts) are compared:

- action (pflanzen/fällen, eröffnen/schließen …), compared by family, see ``lexicon.ACTIONS``;
- place: Cologne's Stadtbezirke and Stadtteile (a Stadtteil lies inside its Bezirk);
- target group (Senioren, Schüler, Unternehmen …);
- years and other numbers;
- object: when at least half of each aligned sentence's words recur on the other side but each
  names a noun the other lacks ("Fragen zum Wohngeld" / "Fragen zur Müllabfuhr").

A facet conflicts when both sides name it and share nothing. The conflicts are one signal of
the learned verdict in :mod:`judgement` (docs/duplicates.md); they are also the reasons shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from domstadt.core.text.lexical import Signature, overlap, signature
from domstadt.core.text.normalize import STOPWORDS, content_words, fold
from domstadt.masterplan.registry import lexicon
from domstadt.masterplan.registry.places import (
    is_place,
    place_label,
    places_compatible,
    places_in,
)

ALIGN_MIN = 0.2
"""Sentences aligned with less trigram overlap than this are not compared facet by facet."""

FRAME_MIN = 0.5
"""Share of each side's content words that must recur on the other side for a swapped slot."""

MAX_SWAPPED = 2
"""More words than this only on one side means a rephrasing, not a swapped slot."""

NOUN_MATCH = 0.6
"""Share of a noun's trigrams found in a noun on the other side for the two to count as one."""

_NOUN = re.compile(r"(?<![\w-])[A-ZÄÖÜ][^\W\d_]{2,}")
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n+")


@dataclass(frozen=True)
class Facets:
    """What a text (or sentence) names: actions, places, target groups, years, numbers."""

    actions: frozenset[str]
    places: frozenset[str]
    groups: frozenset[str]
    years: frozenset[str]
    numbers: frozenset[str]


@dataclass(frozen=True)
class Conflict:
    """One facet on which the two texts differ, with the values seen on each side."""

    facet: str
    left: tuple[str, ...]
    right: tuple[str, ...]

    def describe(self) -> str:
        """German one-liner, e.g. 'Ort: Kalk ≠ Porz'."""
        return f"{FACET_LABELS[self.facet]}: {', '.join(self.left)} ≠ {', '.join(self.right)}"


FACET_LABELS = {
    "action": "Handlung",
    "place": "Ort",
    "group": "Zielgruppe",
    "year": "Jahr",
    "number": "Zahl",
    "object": "Gegenstand",
}


@lru_cache(maxsize=8192)
def facets(text: str) -> Facets:
    """Extract the facets of ``text``."""
    folded = fold(text.lower())
    return Facets(
        actions=lexicon.actions_in(folded),
        places=places_in(text),
        groups=lexicon.groups_in(folded),
        years=lexicon.years_in(folded),
        numbers=lexicon.numbers_in(folded),
    )


@lru_cache(maxsize=4096)
def sentences(text: str) -> tuple[str, ...]:
    """The sentences of ``text`` (title lines count as sentences)."""
    return tuple(s.strip() for s in _SENTENCE.split(text) if len(s.strip()) > 2)


@lru_cache(maxsize=8192)
def _signature(text: str) -> Signature:
    return signature(text)


def _alike(a: str, b: str) -> float:
    return overlap(_signature(a), _signature(b))


def _action_conflict(a: frozenset[str], b: frozenset[str]) -> Conflict | None:
    if not a or not b:
        return None
    fam_a = {lexicon.family(x) for x in a}
    fam_b = {lexicon.family(x) for x in b}
    if fam_a & fam_b and not any(frozenset((x, y)) in lexicon.OPPOSITES for x in a for y in b):
        return None
    return Conflict("action", tuple(sorted(a - b)) or tuple(sorted(a)), tuple(sorted(b - a)))


def _set_conflict(facet: str, a: frozenset[str], b: frozenset[str]) -> Conflict | None:
    if a and b and not a & b:
        return Conflict(facet, tuple(sorted(a)), tuple(sorted(b)))
    return None


def compare(a: Facets, b: Facets) -> list[Conflict]:
    """The facets on which ``a`` and ``b`` contradict each other."""
    found: list[Conflict | None] = [_action_conflict(a.actions, b.actions)]
    if a.places and b.places and not places_compatible(a.places, b.places):
        left = tuple(sorted(place_label(p) for p in a.places))
        found.append(Conflict("place", left, tuple(sorted(place_label(p) for p in b.places))))
    found.append(_set_conflict("group", a.groups, b.groups))
    found.append(_set_conflict("year", a.years, b.years))
    found.append(_set_conflict("number", a.numbers, b.numbers))
    return [c for c in found if c is not None]


@lru_cache(maxsize=16384)
def _noun_key(word: str) -> str | None:
    """The folded noun, or None for places, target groups and generic words."""
    folded = fold(word.lower())
    if folded in STOPWORDS or folded in lexicon.GENERIC_NOUNS or is_place(word):
        return None
    return None if lexicon.groups_in(folded) else folded


def nouns(text: str) -> frozenset[str]:
    """Folded capitalised words that are not places, groups or generic words."""
    return frozenset(k for k in map(_noun_key, _NOUN.findall(text)) if k is not None)


def _grams(word: str) -> set[str]:
    padded = f" {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


@lru_cache(maxsize=8192)
def _words(text: str) -> frozenset[str]:
    return frozenset(content_words(text))


@lru_cache(maxsize=65536)
def same_word(a: str, b: str) -> bool:
    """Folded words that are inflections or compounds of one another ('stadtbaeume',
    'strassenbaeumen' share the head; 'termine' lies in 'terminvergabe')."""
    stem_a, stem_b = a.rstrip("ns"), b.rstrip("ns")
    if len(stem_a) >= 5 and len(stem_b) >= 5 and stem_a[-5:] == stem_b[-5:]:
        return True
    mine, theirs = _grams(a), _grams(b)
    shorter = min(len(mine), len(theirs))
    return bool(shorter) and len(mine & theirs) / shorter >= NOUN_MATCH


def object_conflict(left: str, right: str) -> Conflict | None:
    """A swapped slot: most words of each side recur on the other, but each side has a noun
    the other lacks ("Fragen zum Wohngeld" / "Fragen zur Müllabfuhr")."""
    words_a, words_b = _words(left), _words(right)
    only_a = {w for w in words_a if not any(same_word(w, o) for o in words_b)}
    only_b = {w for w in words_b if not any(same_word(w, o) for o in words_a)}
    if not words_a or not words_b:
        return None
    shared_a = 1 - len(only_a) / len(words_a)
    shared_b = 1 - len(only_b) / len(words_b)
    if min(shared_a, shared_b) < FRAME_MIN or max(len(only_a), len(only_b)) > MAX_SWAPPED:
        return None
    nouns_a, nouns_b = only_a & nouns(left), only_b & nouns(right)
    if nouns_a and nouns_b:
        return Conflict("object", tuple(sorted(nouns_a)), tuple(sorted(nouns_b)))
    return None


def aligned_pairs(left: str, right: str) -> list[tuple[str, str]]:
    """Each sentence of the shorter text with its closest sentence of the other."""
    a, b = sentences(left) or (left,), sentences(right) or (right,)
    swap = len(a) > len(b)
    short, long_ = (b, a) if swap else (a, b)
    pairs = []
    for sentence in short:
        best = max(long_, key=lambda other: _alike(sentence, other))
        if len(short) == 1 or _alike(sentence, best) >= ALIGN_MIN:
            pairs.append((best, sentence) if swap else (sentence, best))
    return pairs


@lru_cache(maxsize=8192)
def conflicts_between(left: str, right: str) -> tuple[Conflict, ...]:
    """Conflicts of the whole texts and of their aligned sentences, one per facet."""
    by_facet: dict[str, Conflict] = {}
    for conflict in compare(facets(left), facets(right)):
        by_facet.setdefault(conflict.facet, conflict)
    for a, b in aligned_pairs(left, right):
        for conflict in compare(facets(a), facets(b)):
            by_facet.setdefault(conflict.facet, conflict)
        swapped = object_conflict(a, b)
        if swapped is not None:
            by_facet.setdefault("object", swapped)
    return tuple(by_facet[f] for f in FACET_LABELS if f in by_facet)
