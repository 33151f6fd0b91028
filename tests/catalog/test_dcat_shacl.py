"""Our DCAT export against the official DCAT-AP.de 3.0 shapes (pyshacl): no violation and no
deprecated property, also for a contact given by name only and a dataset without e-mail; the
harvester reads the geocoding back from dct:spatial."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import SH
from starlette.testclient import TestClient

from domstadt.catalog import vocab
from domstadt.core.db import Database
from tests.catalog.conftest import make_dataset

SHAPES = Path("/work/shared/standards/dcat-ap-de")
DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")


def _validate(data: Graph) -> Graph:
    shapes = Graph()
    for path in [
        SHAPES / "semic-dcat-ap-3.0.0" / "dcat-ap-SHACL.ttl",
        SHAPES / "v3.0" / "dcat-ap-SHACL-DE.ttl",
        SHAPES / "v3.0" / "dcat-ap-de-deprecated.ttl",
        SHAPES / "v3.0" / "dcat-ap-spec-german-additions.ttl",
    ]:
        shapes.parse(path, format="turtle")
    ontology = Graph()
    for path in (SHAPES / "mirror").iterdir():
        ontology.parse(path, format="xml" if path.suffix == ".rdf" else "turtle")
    _conforms, report, _text = validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs", allow_warnings=True
    )
    assert isinstance(report, Graph)
    return report


@pytest.mark.skipif(not SHAPES.is_dir(), reason="shared/standards/dcat-ap-de not present")
def test_export_has_no_violation_and_no_deprecated_property(
    client: TestClient, db: Database, departments: None
) -> None:
    make_dataset(
        db, name="nur-name", title="Nur Name", contact_name="Amt für Statistik", contact_email=""
    )
    make_dataset(
        db,
        name="mit-mail",
        title="Mit Mail",
        contact_email="statistik@example.org",
        spatial_uri="https://sws.geonames.org/2886242/",
    )
    data = Graph().parse(data=client.get("/catalog.ttl").text, format="turtle")
    assert not list(data.subject_objects(DCATDE.politicalGeocodingURI))
    report = _validate(data)
    severities = [str(s).rsplit("#", 1)[-1] for s in report.objects(None, SH.resultSeverity)]
    messages = [str(m) for m in report.objects(None, SH.resultMessage)]
    assert "Violation" not in severities, messages
    assert not [m for m in messages if "Deprecated" in m], messages
    geocoding = list(data.objects(None, Namespace("http://purl.org/dc/terms/").spatial))
    assert Literal(vocab.KOELN_GEOCODING_URI) not in geocoding
    assert {str(g) for g in geocoding} >= {
        vocab.KOELN_GEOCODING_URI,
        "https://sws.geonames.org/2886242/",
    }
