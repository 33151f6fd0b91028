"""DCAT-AP.de 3.0 export with rdflib: the catalogue (Hydra-paged) and single datasets."""

from __future__ import annotations

import datetime as dt
import math

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from domstadt.catalog import relations, vocab
from domstadt.catalog.data_services import catalog_services
from domstadt.catalog.schemas import DataServicePublic, DatasetPublic, DistributionPublic
from domstadt.core.weburl import absolute

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA = "https://www.iana.org/assignments/media-types/"
FORMATS = {"turtle": "text/turtle", "xml": "application/rdf+xml", "json-ld": "application/ld+json"}
SUFFIXES = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}


def new_graph() -> Graph:
    """An empty graph with the usual DCAT-AP.de prefixes bound."""
    graph = Graph()
    for prefix, ns in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("dcatde", DCATDE),
        ("vcard", VCARD),
        ("hydra", HYDRA),
        ("spdx", SPDX),
        ("skos", SKOS),
    ):
        graph.bind(prefix, ns)
    return graph


def _typed(graph: Graph, node: URIRef, cls: URIRef) -> URIRef:
    graph.add((node, RDF.type, cls))
    return node


def _time(value: dt.datetime) -> Literal:
    return Literal(
        value.astimezone(dt.UTC).replace(microsecond=0).isoformat(), datatype=XSD.dateTime
    )


def _publisher(graph: Graph, base: str, ds: DatasetPublic) -> URIRef | None:
    if ds.publisher is None:
        return None
    node = URIRef(f"{base}/daten/herausgeber/{ds.publisher.name}")
    _typed(graph, node, FOAF.Agent)
    graph.add((node, FOAF.name, Literal(ds.publisher.title, lang="de")))
    return node


def _contact(graph: Graph, base: str, subject: URIRef, ds: DatasetPublic) -> None:
    """vcard contact point; DCAT-AP.de requires an e-mail, a URL or a telephone number, so a
    contact without e-mail gets the landing page, else the publisher's page, as its URL."""
    if not (ds.contact_email or ds.contact_name):
        return
    node = BNode()
    graph.add((subject, DCAT.contactPoint, node))
    graph.add((node, RDF.type, VCARD.Organization))
    graph.add((node, VCARD.fn, Literal(ds.contact_name or "Kontakt")))
    if ds.contact_email:
        graph.add((node, VCARD.hasEmail, URIRef(f"mailto:{ds.contact_email}")))
        return
    page = ds.landing_page or (
        f"{base}/daten/herausgeber/{ds.publisher.name}" if ds.publisher else str(subject)
    )
    graph.add((node, VCARD.hasURL, URIRef(page)))


def _distribution(graph: Graph, base: str, ds: DatasetPublic, res: DistributionPublic) -> URIRef:
    node = _typed(graph, URIRef(f"{base}/daten/ressource/{res.id}"), DCAT.Distribution)
    url = absolute(base, res.download_url or res.access_url)
    graph.add((node, DCAT.accessURL, URIRef(url)))
    if res.download_url:
        graph.add((node, DCAT.downloadURL, URIRef(absolute(base, res.download_url))))
    if res.title:
        graph.add((node, DCTERMS.title, Literal(res.title, lang="de")))
    if res.description:
        graph.add((node, DCTERMS.description, Literal(res.description, lang="de")))
    license_id = res.license_id or ds.license_id
    license_node = _typed(graph, URIRef(vocab.license_uri(license_id)), DCTERMS.LicenseDocument)
    graph.add((node, DCTERMS.license, license_node))
    if res.format:
        fmt = _typed(graph, URIRef(FILE_TYPE + res.format.upper()), DCTERMS.MediaTypeOrExtent)
        graph.add((node, DCTERMS.format, fmt))
    if res.media_type:
        media = _typed(graph, URIRef(IANA + res.media_type), DCTERMS.MediaType)
        graph.add((node, DCAT.mediaType, media))
    if res.byte_size is not None:
        graph.add((node, DCAT.byteSize, Literal(res.byte_size, datatype=XSD.nonNegativeInteger)))
    if res.checksum:
        checksum = BNode()
        graph.add((node, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((checksum, SPDX.checksumValue, Literal(res.checksum, datatype=XSD.hexBinary)))
    graph.add((node, DCTERMS.modified, _time(res.modified)))
    return node


def _coverage(graph: Graph, node: URIRef, ds: DatasetPublic) -> None:
    if ds.contributor_id:
        graph.add((node, DCATDE.contributorID, URIRef(ds.contributor_id)))
    if ds.political_geocoding_uri.startswith(vocab.GEOCODING_MUNICIPALITY):
        level = URIRef(vocab.GEOCODING_LEVEL_MUNICIPALITY)
        graph.add((node, DCATDE.politicalGeocodingLevelURI, level))
    # DCAT-AP.de 3.0: the geocoding URI is a dct:spatial (dcatde:politicalGeocodingURI is
    # deprecated)
    for spatial in dict.fromkeys(u for u in (ds.political_geocoding_uri, ds.spatial_uri) if u):
        graph.add((node, DCTERMS.spatial, _typed(graph, URIRef(spatial), DCTERMS.Location)))
    if ds.temporal_start or ds.temporal_end:
        period = BNode()
        graph.add((node, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if ds.temporal_start:
            graph.add((period, DCAT.startDate, Literal(ds.temporal_start, datatype=XSD.date)))
        if ds.temporal_end:
            graph.add((period, DCAT.endDate, Literal(ds.temporal_end, datatype=XSD.date)))


def _classified(graph: Graph, node: URIRef, ds: DatasetPublic) -> None:
    for theme in ds.themes:
        graph.add((node, DCAT.theme, _typed(graph, URIRef(vocab.THEME_BASE + theme), SKOS.Concept)))
    for keyword in ds.keywords:
        graph.add((node, DCAT.keyword, Literal(keyword, lang="de")))
    if ds.frequency:
        freq = _typed(graph, URIRef(vocab.FREQUENCY_BASE + ds.frequency), DCTERMS.Frequency)
        graph.add((node, DCTERMS.accrualPeriodicity, freq))
    rights = URIRef(vocab.ACCESS_RIGHT_BASE + ds.access_rights)
    graph.add((node, DCTERMS.accessRights, _typed(graph, rights, DCTERMS.RightsStatement)))


def add_dataset(graph: Graph, base: str, ds: DatasetPublic) -> URIRef:
    """Add one dataset with its distributions; returns its node."""
    node = _typed(graph, URIRef(f"{base}/daten/{ds.name}"), DCAT.Dataset)
    graph.add((node, DCTERMS.title, Literal(ds.title, lang="de")))
    graph.add((node, DCTERMS.description, Literal(ds.description or ds.title, lang="de")))
    graph.add((node, DCTERMS.identifier, Literal(ds.identifier or ds.id)))
    publisher = _publisher(graph, base, ds)
    if publisher is not None:
        graph.add((node, DCTERMS.publisher, publisher))
    _contact(graph, base, node, ds)
    _classified(graph, node, ds)
    _coverage(graph, node, ds)
    if ds.landing_page:
        page = _typed(graph, URIRef(ds.landing_page), FOAF.Document)
        graph.add((node, DCAT.landingPage, page))
    if ds.issued:
        graph.add((node, DCTERMS.issued, _time(ds.issued)))
    graph.add((node, DCTERMS.modified, _time(ds.modified or ds.metadata_modified)))
    for res in ds.distributions:
        graph.add((node, DCAT.distribution, _distribution(graph, base, ds, res)))
    _related(graph, base, node, ds)
    return node


def _related(graph: Graph, base: str, node: URIRef, ds: DatasetPublic) -> None:
    """dct:relation to the masterplan measures and SensorThings Datastreams it belongs to."""
    urls = [relations.measure_url(base, i) for i in ds.measures]
    urls += [relations.datastream_url(base, i) for i in ds.datastreams]
    for url in urls:
        graph.add((node, DCTERMS.relation, URIRef(url)))


def add_catalog(graph: Graph, base: str, datasets: list[DatasetPublic]) -> URIRef:
    """The catalogue node: title, description, publisher (Stadt Köln), its datasets."""
    node = _typed(graph, URIRef(f"{base}/catalog"), DCAT.Catalog)
    graph.add((node, DCTERMS.title, Literal("Offene Daten Köln (Domstadt)", lang="de")))
    graph.add(
        (
            node,
            DCTERMS.description,
            Literal("Open-Data-Katalog der Stadt Köln auf der Plattform Domstadt.", lang="de"),
        )
    )
    publisher = _typed(graph, URIRef(f"{base}/daten/herausgeber/stadt-koeln"), FOAF.Agent)
    graph.add((publisher, FOAF.name, Literal("Stadt Köln", lang="de")))
    graph.add((node, DCTERMS.publisher, publisher))
    graph.add((node, FOAF.homepage, _typed(graph, URIRef(f"{base}/daten"), FOAF.Document)))
    for ds in datasets:
        graph.add((node, DCAT.dataset, add_dataset(graph, base, ds)))
    for service in catalog_services(base, datasets):
        graph.add((node, DCAT.service, add_data_service(graph, base, service, publisher)))
    return node


def add_data_service(
    graph: Graph, base: str, service: DataServicePublic, publisher: URIRef
) -> URIRef:
    """A dcat:DataService with its endpoint, description and the datasets it serves."""
    node = _typed(graph, URIRef(f"{base}/catalog/dienste/{service.id}"), DCAT.DataService)
    graph.add((node, DCTERMS.title, Literal(service.title, lang="de")))
    graph.add((node, DCTERMS.description, Literal(service.description, lang="de")))
    graph.add((node, DCTERMS.publisher, publisher))
    graph.add((node, DCAT.endpointURL, URIRef(service.endpoint_url)))
    graph.add((node, DCAT.endpointDescription, URIRef(service.endpoint_description)))
    if service.conforms_to:
        standard = _typed(graph, URIRef(service.conforms_to), DCTERMS.Standard)
        graph.add((node, DCTERMS.conformsTo, standard))
    for name in service.serves:
        graph.add((node, DCAT.servesDataset, URIRef(f"{base}/daten/{name}")))
    return node


def add_paging(graph: Graph, page_url: str, total: int, page: int, per_page: int) -> None:
    """Hydra PartialCollectionView: first, previous, next, last page and the total."""
    node = URIRef(f"{page_url}?page={page}")
    graph.add((node, RDF.type, HYDRA.PartialCollectionView))
    graph.add((node, HYDRA.totalItems, Literal(total, datatype=XSD.nonNegativeInteger)))
    last = max(1, math.ceil(total / per_page))
    graph.add((node, HYDRA.first, Literal(f"{page_url}?page=1")))
    graph.add((node, HYDRA.last, Literal(f"{page_url}?page={last}")))
    if page > 1:
        graph.add((node, HYDRA.previous, Literal(f"{page_url}?page={page - 1}")))
    if page < last:
        graph.add((node, HYDRA.next, Literal(f"{page_url}?page={page + 1}")))


def serialise(graph: Graph, fmt: str) -> str:
    """The graph as Turtle ('turtle'), RDF/XML ('xml') or JSON-LD ('json-ld')."""
    return graph.serialize(format=fmt)
