"""Harvest DCAT catalogues (RDF/XML, Turtle, JSON-LD) with Hydra paging. Namespaces of
DCAT-AP.de 1.x/2.x and common misspellings (https instead of http, dc elements) are mapped
to the current ones before reading, so one reader serves every version. Remote JSON-LD
contexts are fetched through the guarded fetcher, never by rdflib itself."""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urljoin

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF
from rdflib.term import Node

from domstadt.catalog import vocab
from domstadt.catalog.harvest import records as r
from domstadt.catalog.harvest.fetch import Answer, Fetcher, FetchError
from domstadt.catalog.harvest.jsonld import inline_contexts

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
MAX_PAGES = 1000
GEOCODING_BASE = "http://dcat-ap.de/def/politicalGeocoding/"
NAMESPACE_FIXES = {
    "http://dcat-ap.de/def/dcatde/1.0.1/": str(DCATDE),
    "http://dcat-ap.de/def/dcatde/1_0/": str(DCATDE),
    "http://dcat-ap.de/def/dcatde/1.0/": str(DCATDE),
    "https://dcat-ap.de/def/dcatde/": str(DCATDE),
    "https://www.w3.org/ns/dcat#": str(DCAT),
    "http://www.w3.org/ns/dcat/": str(DCAT),
    "https://purl.org/dc/terms/": str(DCTERMS),
    "http://purl.org/dc/elements/1.1/": str(DCTERMS),
    "https://xmlns.com/foaf/0.1/": str(FOAF),
    "https://www.w3.org/2006/vcard/ns#": str(VCARD),
    "https://www.w3.org/ns/hydra/core#": str(HYDRA),
}
FORMATS = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
}


def _fix(term: Node) -> Node:
    if isinstance(term, URIRef):
        text = str(term)
        for wrong, right in NAMESPACE_FIXES.items():
            if text.startswith(wrong):
                return URIRef(right + text[len(wrong) :])
    return term


def _json_ld(answer: Answer, fetcher: Fetcher) -> str:
    """The JSON-LD document with its remote contexts inlined (fetched through ``fetcher``)."""
    try:
        document = json.loads(answer.content)
    except ValueError:
        raise FetchError(
            f"{answer.url}: kein lesbares RDF (json-ld): kein gültiges JSON."
        ) from None
    return json.dumps(inline_contexts(document, answer.url, fetcher.get_json))


_XML_LANG = re.compile(rb'xml:lang=(["\'])([^"\'<>]{0,100})\1')
_TURTLE_LANG = re.compile(rb'(["\'])@([A-Za-z]{1,8})_([A-Za-z0-9]{1,8})\b')
_VALID_LANG = re.compile(rb"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")


def _xml_lang(match: re.Match[bytes]) -> bytes:
    tag = match.group(2).strip().replace(b"_", b"-")
    return b'xml:lang="' + (tag if _VALID_LANG.match(tag) else b"") + b'"'


def repaired_language_tags(data: bytes, fmt: str) -> bytes:
    """Language tags rdflib would refuse for the whole page: ``de_DE`` is read as
    ``de-DE``; an RDF/XML tag that is still no tag (``de DE``) is dropped (untagged text)."""
    if fmt == "xml":
        return _XML_LANG.sub(_xml_lang, data)
    if fmt == "turtle":
        return _TURTLE_LANG.sub(rb"\1@\2-\3", data)
    return data


def parse(answer: Answer, fetcher: Fetcher) -> Graph:
    """The document as a graph with namespaces fixed; HTML or broken RDF fail with a reason."""
    head = answer.content.lstrip()[:200].lower()
    if answer.content_type == "text/html" or head.startswith((b"<!doctype html", b"<html")):
        raise FetchError(f"{answer.url}: Die Quelle lieferte HTML statt RDF.")
    guessed = FORMATS.get(answer.content_type)
    if guessed is None:
        suffix = answer.url.rsplit(".", 1)[-1].lower()
        guessed = {"ttl": "turtle", "jsonld": "json-ld", "json": "json-ld"}.get(suffix, "xml")
    data: str | bytes = (
        _json_ld(answer, fetcher)
        if guessed == "json-ld"
        else repaired_language_tags(answer.content, guessed)
    )
    raw = Graph()
    try:
        with warnings.catch_warnings():  # rdflib's JSON-LD parser uses its own deprecated API
            warnings.simplefilter("ignore", DeprecationWarning)
            raw.parse(data=data, format=guessed, publicID=answer.url)
    except Exception as exc:
        first = (str(exc).splitlines() or [""])[0]
        raise FetchError(f"{answer.url}: kein lesbares RDF ({guessed}): {first}"[:500]) from None
    graph = Graph()
    for s, p, o in raw:
        graph.add((_fix(s), _fix(p), _fix(o)))
    return graph


def _text(graph: Graph, node: Node, prop: URIRef) -> str:
    """The German (or untagged) value first; any language tag spelling (``DE``, ``de-DE``)."""
    values = sorted(graph.objects(node, prop), key=str)
    for value in values:
        lang = (value.language or "") if isinstance(value, Literal) else ""
        if isinstance(value, Literal) and lang.lower().split("-")[0] in ("de", ""):
            return str(value)
    return str(values[0]) if values else ""


def _first(graph: Graph, node: Node, prop: URIRef) -> Node | None:
    """One value of ``prop``, the same on every parse: the smallest by text, since a graph's
    order follows its (random) blank node ids."""
    return min(graph.objects(node, prop), key=str, default=None)


def _contact(graph: Graph, node: Node) -> tuple[str, str]:
    point = _first(graph, node, DCAT.contactPoint)
    if point is None:
        return "", ""
    email = r.email_of(_first(graph, point, VCARD.hasEmail))
    return _text(graph, point, VCARD.fn), email


def _temporal(graph: Graph, node: Node) -> tuple[Any, Any]:
    period = _first(graph, node, DCTERMS.temporal)
    if period is None:
        return None, None
    schema = Namespace("http://schema.org/")
    start = _first(graph, period, DCAT.startDate) or _first(graph, period, schema.startDate)
    end = _first(graph, period, DCAT.endDate) or _first(graph, period, schema.endDate)
    return r.parse_date(start), r.parse_date(end)


def _checksum(graph: Graph, node: Node) -> str:
    checksum = _first(graph, node, SPDX.checksum)
    return _text(graph, checksum, SPDX.checksumValue) if checksum is not None else ""


def _distributions(graph: Graph, node: Node, license_id: str) -> list[dict[str, Any]]:
    out = []
    for dist in list(graph.objects(node, DCAT.distribution))[: r.MAX_DISTRIBUTIONS]:
        item = r.distribution(
            title=_text(graph, dist, DCTERMS.title),
            description=_text(graph, dist, DCTERMS.description),
            download_url=_first(graph, dist, DCAT.downloadURL),
            access_url=_first(graph, dist, DCAT.accessURL),
            format=_first(graph, dist, DCTERMS.format),
            media_type=_first(graph, dist, DCAT.mediaType),
            license_id=r.license_of(_first(graph, dist, DCTERMS.license)) or license_id,
            byte_size=_first(graph, dist, DCAT.byteSize),
            checksum=_checksum(graph, dist),
        )
        if item:
            out.append(item)
    return sorted(out, key=lambda d: json.dumps(d, sort_keys=True, default=str))


def _license(graph: Graph, node: Node, default: str) -> tuple[str, str]:
    """The dataset's licence (or the first readable one of its distributions) and a warning
    when none could be read."""
    candidates = [_first(graph, node, DCTERMS.license)]
    candidates += sorted(
        (_first(graph, d, DCTERMS.license) for d in graph.objects(node, DCAT.distribution)),
        key=str,
    )
    named = [str(c) for c in candidates if c is not None]
    for value in named:
        found = r.license_of(value)
        if found:
            return found, ""
    return r.resolve_license(named[0] if named else "", default)


def _guid(graph: Graph, node: Node, title: str) -> str:
    """dct:identifier, else the dataset URI, else a stable hash of the title."""
    guid = _text(graph, node, DCTERMS.identifier).strip()
    if guid:
        return guid
    if isinstance(node, URIRef):
        return str(node)
    if title:
        return "title:" + hashlib.sha1(title.encode()).hexdigest()
    return ""


class _Reader:
    """Reads fields one by one: a field that raises is left empty and becomes a warning."""

    def __init__(self) -> None:
        self.warnings: list[tuple[str, str]] = []

    def read(self, name: str, read: Callable[[], Any], default: Any) -> Any:
        try:
            return read()
        except Exception as exc:  # one unreadable field never costs the record
            self.warnings.append((name, f"Feld nicht lesbar ({type(exc).__name__}); leer."))
            return default

    def date(self, name: str, value: Node | None, parse: Callable[[Any], Any]) -> Any:
        parsed = self.read(name, lambda: parse(value), None)
        if value is not None and str(value).strip() and parsed is None:
            self.warnings.append((name, f"Datum '{str(value)[:80]}' nicht lesbar; leer."))
        return parsed


def to_record(graph: Graph, node: Node, default_license: str) -> r.Record | r.BadRecord:
    """One dcat:Dataset as a harvest record; only a dataset without identifier, URI and
    title is refused, every other unreadable field becomes a warning on the record."""
    title = _text(graph, node, DCTERMS.title).strip()
    guid = _guid(graph, node, title)
    if not guid:
        return r.BadRecord(str(node)[:200], "Datensatz ohne Kennung (dct:identifier) und Titel.")
    f = _Reader()
    license_id, license_warning = _license(graph, node, default_license)
    if license_warning:
        f.warnings.append(("dct:license", license_warning))
    contact_name, email = f.read("dcat:contactPoint", lambda: _contact(graph, node), ("", ""))
    start, end = f.read("dct:temporal", lambda: _temporal(graph, node), (None, None))
    spatial = sorted(str(s) for s in graph.objects(node, DCTERMS.spatial) if isinstance(s, URIRef))
    geocoded = [s for s in spatial if s.startswith(GEOCODING_BASE)]  # DCAT-AP.de 3.0 form
    spatial = [s for s in spatial if not s.startswith(GEOCODING_BASE)]
    values = {
        "title": title or guid,
        "description": _text(graph, node, DCTERMS.description),
        "identifier": guid,
        "landing_page": r.http_url(_first(graph, node, DCAT.landingPage)),
        "contact_name": contact_name,
        "contact_email": email,
        "license_id": license_id,
        "keywords": sorted(str(k) for k in graph.objects(node, DCAT.keyword)),
        "themes": sorted(
            {
                code
                for t in graph.objects(node, DCAT.theme)
                if (code := r.vocab_code(t, vocab.THEME_BASE, vocab.THEMES))
            }
        ),
        "political_geocoding_uri": r.http_url(
            _first(graph, node, DCATDE.politicalGeocodingURI) or (geocoded[0] if geocoded else "")
        ),
        "contributor_id": r.http_url(_first(graph, node, DCATDE.contributorID)),
        "spatial_uri": r.http_url(spatial[0]) if spatial else "",
        "temporal_start": start,
        "temporal_end": end,
        "frequency": r.vocab_code(
            _first(graph, node, DCTERMS.accrualPeriodicity), vocab.FREQUENCY_BASE, vocab.FREQUENCIES
        ),
        "issued": f.date("dct:issued", _first(graph, node, DCTERMS.issued), r.parse_datetime),
        "modified": f.date("dct:modified", _first(graph, node, DCTERMS.modified), r.parse_datetime),
    }
    dists = f.read("dcat:distribution", lambda: _distributions(graph, node, license_id), [])
    return r.Record(guid, r.trimmed_values(values), dists, f.warnings)


NEXT_TERMS = (HYDRA.next, HYDRA.nextPage)
_PAGE_PARAM = re.compile(r"([?&](?:page|p)=)(\d+)")


def _links(graph: Graph, terms: tuple[URIRef, ...]) -> list[str]:
    return sorted(
        str(value)
        for term in terms
        for value in graph.objects(None, term)
        if not isinstance(value, BNode) and str(value).strip()
    )


def next_page(graph: Graph, current: str = "") -> str:
    """The next page of a paged catalogue, or "": ``hydra:next`` (PartialCollectionView),
    the older ``hydra:nextPage`` (PagedCollection); failing both, when ``hydra:lastPage``
    names a later page, ``page=N+1`` of the current address."""
    links = _links(graph, NEXT_TERMS)
    if links:
        return links[0]
    last = _links(graph, (HYDRA.lastPage, HYDRA.last))
    here = _PAGE_PARAM.search(current)
    there = _PAGE_PARAM.search(last[0]) if last else None
    if here and there and int(here.group(2)) < int(there.group(2)):
        number = int(here.group(2)) + 1
        return current[: here.start(2)] + str(number) + current[here.end(2) :]
    return ""


class DcatHarvester:
    """Every dcat:Dataset of a catalogue, following Hydra ``next`` links."""

    def __init__(self, fetcher: Fetcher, url: str, license_id: str):
        self.fetcher = fetcher
        self.url = url
        self.license_id = license_id

    def records(self) -> Iterator[r.Record | r.BadRecord]:
        """Page by page; a page that cannot be read fails the job (nothing is withdrawn)."""
        url, visited = self.url, set[str]()
        while url and url not in visited and len(visited) < MAX_PAGES:
            visited.add(url)
            graph = parse(self.fetcher.get(url), self.fetcher)
            for node in sorted(graph.subjects(RDF.type, DCAT.Dataset), key=str):
                try:
                    yield to_record(graph, node, self.license_id)
                except Exception as exc:  # one unreadable record never stops the job
                    first = (str(exc).splitlines() or [""])[0]
                    reason = f"Unlesbar ({type(exc).__name__}): {first}"
                    yield r.BadRecord(str(node)[:200], reason[:300])
            following = next_page(graph, url)
            url = urljoin(url, following) if following else ""

    def present_guids(self, seen: set[str]) -> set[str]:
        """A DCAT catalogue is read whole on every run."""
        return seen
