"""Remote JSON-LD contexts of a harvested catalogue, fetched through the harvest's guarded
fetcher and put inline before rdflib reads the document: rdflib would otherwise load them
itself with urllib, past the outbound guard (to any address a catalogue names)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

from domstadt.catalog.harvest.fetch import FetchError

MAX_CONTEXTS = 20
"""Distinct remote contexts one document may name (directly or through other contexts)."""

Load = Callable[[str], Any]
"""URL → parsed JSON (the fetcher's get_json)."""


class Inliner:
    """Replaces every remote ``@context`` (text or list item) and ``@import`` of a document
    by the context it names; each URL is fetched once."""

    def __init__(self, load: Load) -> None:
        self.load = load
        self.done: dict[str, Any] = {}
        self.active: set[str] = set()

    def document(self, node: Any, base: str) -> Any:
        """``node`` with its contexts and those of every nested object inlined."""
        if isinstance(node, list):
            return [self.document(item, base) for item in node]
        if not isinstance(node, dict):
            return node
        out = {k: v if k == "@context" else self.document(v, base) for k, v in node.items()}
        if "@context" in out:
            out["@context"] = self.context(out["@context"], base)
        return out

    def context(self, value: Any, base: str) -> Any:
        """A context value with its remote references replaced."""
        if isinstance(value, str):
            return self.remote(urljoin(base, value))
        if isinstance(value, list):
            return [self.context(item, base) for item in value]
        if not isinstance(value, dict):
            return value
        out = self.document({k: v for k, v in value.items() if k != "@import"}, base)
        imported = value.get("@import")
        if isinstance(imported, str):
            remote = self.remote(urljoin(base, imported))
            if not isinstance(remote, dict):
                raise FetchError(f"{imported}: @import nennt keinen einzelnen JSON-LD-Kontext.")
            out = {**remote, **out}
        return out

    def remote(self, url: str) -> Any:
        """The inlined ``@context`` of the document at ``url`` (fetched at most once)."""
        if url in self.done:
            return self.done[url]
        if url in self.active:
            raise FetchError(f"{url}: Der JSON-LD-Kontext verweist auf sich selbst.")
        if len(self.done) + len(self.active) >= MAX_CONTEXTS:
            raise FetchError(f"{url}: mehr als {MAX_CONTEXTS} entfernte JSON-LD-Kontexte.")
        self.active.add(url)
        payload = self.load(url)
        if not isinstance(payload, dict) or "@context" not in payload:
            raise FetchError(f"{url}: kein JSON-LD-Kontext (Schlüssel @context fehlt).")
        self.done[url] = self.context(payload["@context"], url)
        self.active.discard(url)
        return self.done[url]


def inline_contexts(document: Any, base: str, load: Load) -> Any:
    """``document`` (parsed JSON-LD read from ``base``) with every remote context inlined."""
    return Inliner(load).document(document, base)
