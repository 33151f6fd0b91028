"""Words of the site search, without database: folding and the vocabulary's expansion of a
query word into the index terms it matches (exact, prefix, inside a compound, one typo)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

from domstadt.core.text.normalize import MAX_TERM_LENGTH, STOPWORDS, fold, words

MAX_QUERY_WORDS = 8
MAX_EXPANSION = 150
"""At most this many index terms per query word (the shortest, i.e. closest, first)."""
MIN_INFIX = 4
"""Words this long also match inside compounds ("netz" finds "Radwegenetz")."""
MIN_TYPO = 5
"""Words this long that match nothing try one edit ("Radwgenetz" finds "Radwegenetz")."""

EXACT, PREFIX, INFIX, TYPO = 1.0, 0.8, 0.5, 0.45
"""How well a term matches a query word."""


_DIGRAPH = re.compile(r"(?<![aeiouq])([aou])e")


def plain(word: str) -> str:
    """A lower-cased word without umlaut marks in any spelling: "Köln", "Koeln" and "Koln"
    all become "koln", "Bürgerämter" and "Buergeraemter" "burgeramter" (ß → ss)."""
    return _DIGRAPH.sub(r"\1", fold(word))


def terms_of(text: str) -> set[str]:
    """The plain index terms of ``text`` (hyphens split: "WLAN-Hotspots" → wlan, hotspots)."""
    return {plain(w)[:MAX_TERM_LENGTH] for w in words(text)}


def query_words(q: str) -> list[str]:
    """The plain words of a query, stop words dropped unless only those were typed."""
    found = words(q)
    kept = [w for w in found if w not in STOPWORDS] or found
    unique = list(dict.fromkeys(plain(w) for w in kept))
    return unique[:MAX_QUERY_WORDS]


def _edits(word: str, alphabet: str) -> set[str]:
    """Every string one letter changed, added, dropped or two neighbours swapped away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    dropped = {a + b[1:] for a, b in splits if b}
    swapped = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    changed = {a + c + b[1:] for a, b in splits if b for c in alphabet}
    added = {a + c + b for a, b in splits for c in alphabet}
    return (dropped | swapped | changed | added) - {word}


@dataclass
class Vocabulary:
    """Every index term, sorted (prefixes are a range), and the letters they use."""

    terms: list[str]
    alphabet: str
    blob: str
    """All terms joined by newlines: compounds are found by one C-level scan."""
    starts: list[int]

    @classmethod
    def of(cls, terms: Iterable[str]) -> Vocabulary:
        """Build from the index's terms."""
        ordered = sorted(set(terms))
        letters = "".join(sorted({ch for term in ordered for ch in term}))
        starts, position = [], 0
        for term in ordered:
            starts.append(position)
            position += len(term) + 1
        return cls(ordered, letters, "\n".join(ordered), starts)

    def _containing(self, word: str) -> set[str]:
        found: set[str] = set()
        at = self.blob.find(word)
        while at != -1 and len(found) < 4 * MAX_EXPANSION:
            index = bisect.bisect_right(self.starts, at) - 1
            found.add(self.terms[index])
            at = self.blob.find(
                word, self.starts[index + 1] if index + 1 < len(self.starts) else len(self.blob)
            )
        return found

    def _prefixed(self, word: str, limit: int = MAX_EXPANSION * 4) -> list[str]:
        start = bisect.bisect_left(self.terms, word)
        end = bisect.bisect_left(self.terms, word + "\U0010ffff", lo=start)
        return self.terms[start : min(end, start + limit)]

    def _typos(self, word: str) -> set[str]:
        """Terms starting with ``word`` after one edit ("bibliotek" → "bibliotheken")."""
        found: set[str] = set()
        for variant in _edits(word, self.alphabet):
            if len(variant) >= MIN_TYPO - 1:
                found.update(self._prefixed(variant, 20))
            if len(found) >= MAX_EXPANSION:
                break
        return found

    def expand(self, word: str) -> dict[str, float]:
        """The terms ``word`` matches, with how well (exact > prefix > compound); only when
        none does, the terms one edit away (typos are tried last, so they add no noise)."""
        matches: dict[str, float] = {}
        for term in sorted(self._prefixed(word), key=len)[:MAX_EXPANSION]:
            matches[term] = EXACT if term == word else PREFIX
        if len(word) >= MIN_INFIX:
            inside = sorted(self._containing(word) - matches.keys(), key=len)
            for term in inside[: MAX_EXPANSION - len(matches)]:
                matches[term] = INFIX
        if not matches and len(word) >= MIN_TYPO:
            matches = dict.fromkeys(self._typos(word), TYPO)
        return matches
