"""Issue 16: harvest runs are visible to monitoring: ``/metrics`` counts each source's runs
by outcome and says when the last one ended, read from the database (so every web process
answers the same)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from domstadt.catalog import harvest_service
from domstadt.catalog.harvest.runner import Limits
from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from tests.catalog.harvest_servers import LOOPBACK, Routes, add_source, static_server

CATALOG = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
<{base}/katalog> a dcat:Catalog .
<https://example.org/ds/a> a dcat:Dataset ; dct:identifier "a" ; dct:title "Radwege" ;
  dct:license <http://dcat-ap.de/def/licenses/dl-by-de/2.0> .
"""


@pytest.fixture
def routes() -> Iterator[Routes]:
    with static_server() as served:
        yield served


def test_metrics_count_harvest_runs_by_outcome(
    client: TestClient, db: Database, departments: None, routes: Routes
) -> None:
    url = routes.set("/katalog", "text/turtle", CATALOG.replace("{base}", routes.base))
    add_source(db, "stadtdaten", url, "dcat")
    add_source(db, "weg", routes.base + "/gibt-es-nicht", "dcat")
    limits = Limits(job_seconds=30, request_seconds=5)
    for name in ("stadtdaten", "stadtdaten", "weg"):
        harvest_service.harvest_run(
            db, actor=system_actor("tests"), name=name, limits=limits, outbound=LOOPBACK
        )
    metrics = client.get("/metrics").text
    runs = dict(
        re.findall(r'domstadt_harvest_runs\{(source="[^"]+",status="[^"]+")\} (\S+)', metrics)
    )
    assert runs.pop('source="stadtdaten",status="finished"') == "2.0", metrics
    assert runs == {'source="weg",status="failed"': "1.0"}
    last = re.search(
        r'domstadt_harvest_last_finished_timestamp_seconds\{source="weg",status="failed"\} (\S+)',
        metrics,
    )
    assert last and float(last.group(1)) > 1.7e9
