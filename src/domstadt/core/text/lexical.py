"""Lexical similarity: character trigrams of folded German words, scored with numpy.

Trigrams of padded words catch inflection and compounds ('Bäume' in 'Straßenbäume') without a
stemmer. A text's signature is a sorted array of hashed trigram ids, computed once at write time.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from domstadt.core.text.normalize import content_words

LEXICAL_VERSION = 1
"""Bumped whenever signatures change meaning; it is part of the stored text hash."""

HASH_BITS = 20
"""Trigram ids live in [0, 2**20): a collision on a 60-trigram query is a one-in-17,000 event."""

_MASK = (1 << HASH_BITS) - 1

Signature = npt.NDArray[np.uint32]


MAX_LEXICAL_CHARS = 20_000
"""Only this much of a text is turned into trigrams; longer texts add noise, not signal."""


def trigrams(text: str) -> set[str]:
    """Character trigrams of the folded content words, each word padded with spaces."""
    grams: set[str] = set()
    for word in content_words(text[:MAX_LEXICAL_CHARS]):
        padded = f" {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def signature(text: str) -> Signature:
    """Sorted unique hashed trigram ids of ``text`` (stable across processes and versions)."""
    ids = {zlib.crc32(gram.encode("utf-8")) & _MASK for gram in trigrams(text)}
    return np.array(sorted(ids), dtype=np.uint32)


def signature_to_bytes(sig: Signature) -> bytes:
    """Little-endian bytes of a signature, for the ``lexical`` column."""
    return sig.astype("<u4").tobytes()


def signature_from_bytes(data: bytes) -> Signature:
    """Inverse of :func:`signature_to_bytes`."""
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)


def overlap(a: Signature, b: Signature) -> float:
    """Ochiai (cosine of binary sets) overlap of two signatures, in [0, 1]."""
    if a.size == 0 or b.size == 0:
        return 0.0
    shared = np.intersect1d(a, b, assume_unique=True).size
    return float(shared / np.sqrt(a.size * b.size))


def lexical_similarity(a: str, b: str) -> float:
    """Trigram overlap of two texts in [0, 1]; 1.0 means the same folded content words."""
    return overlap(signature(a), signature(b))


class LexicalMatrix:
    """Signatures of many texts flattened into two arrays, scored against one query at once."""

    def __init__(self, signatures: Sequence[Signature]) -> None:
        sizes = np.fromiter((s.size for s in signatures), dtype=np.int64, count=len(signatures))
        self.sizes = sizes.astype(np.float32)
        self.flat = np.concatenate(signatures) if len(signatures) else np.zeros(0, dtype=np.uint32)
        self.owner = np.repeat(np.arange(len(signatures), dtype=np.int64), sizes)

    def __len__(self) -> int:
        return int(self.sizes.size)

    def scores(self, query: Signature) -> npt.NDArray[np.float32]:
        """Overlap of ``query`` with every stored signature, as one float32 array."""
        n = len(self)
        if query.size == 0 or n == 0:
            return np.zeros(n, dtype=np.float32)
        lookup = np.zeros(1 << HASH_BITS, dtype=bool)
        lookup[query] = True
        shared = np.bincount(self.owner[lookup[self.flat]], minlength=n).astype(np.float32)
        denom = np.sqrt(self.sizes * np.float32(query.size))
        return np.divide(shared, denom, out=np.zeros(n, dtype=np.float32), where=denom > 0)
