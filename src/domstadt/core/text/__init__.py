"""Text services: full-text search and text similarity for every domain (German first).

Search: :func:`index_document` (:func:`index_documents` for many), :func:`remove_document`,
:func:`search`, :func:`ranked_ids`, :func:`matches` (every match as a subquery).
``tantivy_index``: the same documents of one kind in a tantivy index kept by each process and
fed from the database's change log (``search_change``); the catalogue's search matches there.
Similarity: :func:`upsert_text`, :func:`remove_text`, :func:`similar`, with the embedder chosen
once per process by :func:`select_embedder` and reported by :func:`active_embedder_info`.
"""

from domstadt.core.text.embedders import (
    Embedder,
    EmbedderUnavailable,
    active_embedder_info,
    get_embedder,
    select_embedder,
    set_embedder,
)
from domstadt.core.text.lexical import lexical_similarity
from domstadt.core.text.search import (
    SearchHit,
    SearchResult,
    index_document,
    index_documents,
    matches,
    ranked_ids,
    remove_document,
    search,
)
from domstadt.core.text.similarity import (
    Rerank,
    SimilarHit,
    Weights,
    backfill,
    remove_text,
    similar,
    upsert_text,
    upsert_texts,
)

__all__ = [
    "Embedder",
    "EmbedderUnavailable",
    "Rerank",
    "SearchHit",
    "SearchResult",
    "SimilarHit",
    "Weights",
    "active_embedder_info",
    "backfill",
    "get_embedder",
    "index_document",
    "index_documents",
    "lexical_similarity",
    "matches",
    "ranked_ids",
    "remove_document",
    "remove_text",
    "search",
    "select_embedder",
    "set_embedder",
    "similar",
    "upsert_text",
    "upsert_texts",
]
