"""Site search (issue 13): one index over every public item of every domain.

- ``sources``: ``register(Source(...))`` — each domain says how to list its public documents
  (title, text, url) and which of its model classes, when written, change which documents;
- ``terms``: pure German word handling: folding, the vocabulary with prefix, compound (infix)
  and typo (edit distance 1) expansion;
- ``models``: the index tables (migration 0021_site_search);
- ``index``: writes the index, kept in step by session events on every commit; ``rebuild``;
- ``query``: runs a query, best first, grouped by kind with exact counts.

The package imports no domain: domains register their sources (web/domains.py mounts them).
"""

from __future__ import annotations

from domstadt.search.sources import N_, Document, Source, register

__all__ = ["N_", "Document", "Source", "register"]
