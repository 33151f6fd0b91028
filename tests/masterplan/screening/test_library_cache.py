"""The screening's similar-case lookup keeps each library text's vector: warming embeds the
library once, and a practice added later costs one embedding, with the same answers."""

from __future__ import annotations

import numpy as np

from domstadt.core.text import get_embedder
from domstadt.masterplan.screening import library


def _case(title: str, description: str) -> library.ReferenceCase:
    base = library.cases()[0]
    return base.model_copy(update={"title": title, "description": description})


def test_warm_embeds_each_text_once_and_answers_stay_the_same() -> None:
    embedder = get_embedder()
    pool = list(library.cases()[:12])
    library._pool_cache.clear()
    library.warm(pool)
    if not embedder.dim:  # no semantic model: nothing to keep
        assert library._pool_cache == {}
        return
    assert len(library._pool_cache) == len(pool)
    added = _case("Drohnen zählen Brutvögel am Rheinufer", "Eine Drohne zählt Vogelnester.")
    matches = library.most_similar("Drohnen zählen Brutvögel am Rhein", pool=[*pool, added])
    assert len(library._pool_cache) == len(pool) + 1
    texts = [f"{c.title}. {c.description}" for c in [*pool, added]]
    fresh = embedder.embed(texts, kind="passage")
    kept = library._pool_vectors(embedder.name, tuple(texts))
    assert np.allclose(fresh, kept, atol=1e-5)
    assert matches[0].case.title == added.title
