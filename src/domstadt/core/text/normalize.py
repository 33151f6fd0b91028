"""German-aware text normalisation shared by full-text search and lexical similarity.

Pure functions without database access, so search, similarity and domains agree on what a
"word" is and how umlauts, ß and transliterations (ae/oe/ue) are folded.
"""

from __future__ import annotations

import re
import unicodedata

MAX_QUERY_TERMS = 12
"""Search queries are cut to this many terms; longer ones add cost, not precision."""

MAX_TERM_LENGTH = 64
"""Longer "words" (hashes, pasted garbage) are cut to this many characters."""

_WORD = re.compile(r"[^\W_]+")
_UMLAUT_TO_DIGRAPH = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})
_DIGRAPH = re.compile(r"(?<![aeiouq])(ae|oe|ue)")
_DIGRAPH_TO_UMLAUT = {"ae": "ä", "oe": "ö", "ue": "ü"}

_STOPWORD_LIST = """
    aber alle allem allen aller alles als also am an andere anderen auch auf aus bei beim bin bis
    bist da damit dann das dass dein deine dem den der des dessen die dies diese diesem diesen
    dieser dieses doch dort du durch ein eine einem einen einer eines er es etwa euch euer für
    hat hatte hier ich ihr ihre im in ist ja jede jedem jeden jeder jedes kann man
    mein mit muss nach noch nun nur ob oder sehr sein seine sich sie sind so soll sollen
    sollte sowie über um und uns unser unter vom von vor war waren was weil wenn wer werden wie
    wir wird wo zu zum zur zwischen
    a an and are as at be by for from in is it of on or the to with
"""

STOPWORDS = frozenset(_STOPWORD_LIST.split())
"""Frequent German (and a few English) function words, ignored where they only add noise.

Negations and quantities (nicht, kein, ohne, mehr) are kept: they change what a text asks for.
"""


def words(text: str) -> list[str]:
    """The lower-cased words of ``text`` (letters and digits; punctuation separates words)."""
    normal = unicodedata.normalize("NFC", text)
    return [w[:MAX_TERM_LENGTH] for w in _WORD.findall(normal.lower())]


def fold(word: str) -> str:
    """Fold a lower-cased word for comparison: ä→ae, ö→oe, ü→ue, ß→ss, other accents dropped.

    'Bäume' and 'Baeume' both fold to 'baeume'; 'café' folds to 'cafe'.
    """
    if word.isascii():
        return word.lower()
    digraphs = word.translate(_UMLAUT_TO_DIGRAPH)
    decomposed = unicodedata.normalize("NFKD", digraphs)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def content_words(text: str) -> list[str]:
    """Folded words without stop words; all words when the text consists of stop words only."""
    all_words = words(text)
    kept = [w for w in all_words if w not in STOPWORDS]
    return [fold(w) for w in (kept or all_words)]


def query_terms(query: str) -> list[str]:
    """Search terms of a user query: words without stop words, deduplicated, at most a dozen."""
    seen: dict[str, None] = {}
    all_words = words(query)
    for word in [w for w in all_words if w not in STOPWORDS] or all_words:
        seen.setdefault(word, None)
    return list(seen)[:MAX_QUERY_TERMS]


def spelling_variants(term: str) -> list[str]:
    """The term plus its common German respellings: ß↔ss and ae/oe/ue↔ä/ö/ü.

    Lets 'Strasse' find 'Straße' and 'Koeln' find 'Köln' in indexes that do not fold them.
    """
    variants = [term]
    if "ß" in term:
        variants.append(term.replace("ß", "ss"))
    elif "ss" in term:
        variants.append(term.replace("ss", "ß"))
    umlauted = _DIGRAPH.sub(lambda m: _DIGRAPH_TO_UMLAUT[m.group(1)], term)
    if umlauted != term:
        variants.append(umlauted)
    return list(dict.fromkeys(variants))
