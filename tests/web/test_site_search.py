"""Site search (issue 13): one search over measures, initiatives, datasets, sensors and
organisations with German prefix, compound and typo matching, only public items, grouped by
type; the page /suche and its JSON twin /api/v1/search."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from domstadt.catalog import service as catalog
from domstadt.catalog.schemas import DatasetPatch
from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.masterplan import measure_service
from domstadt.masterplan.schemas import MeasureUpdate
from domstadt.search.index import rebuild
from domstadt.web.domains import register_search_sources
from tests.catalog.conftest import make_dataset
from tests.masterplan.conftest import add_measure, plan  # noqa: F401 (fixture)

register_search_sources()


def _search(client: TestClient, q: str, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return response.json()


def _titles(result: dict[str, Any], kind: str | None = None) -> list[str]:
    return [h["title"] for g in result["groups"] if kind in (None, g["kind"]) for h in g["hits"]]


@pytest.fixture
def city(client: TestClient, plan: Database) -> Database:  # noqa: F811
    """Two measures and two datasets, one of them restricted, written after the app started
    (so the index follows commits)."""
    add_measure(
        plan,
        code="DIG-10",
        title="Öffentliche WLAN-Hotspots in Bürgerämtern",
        summary="Freies Internet in allen Kundenzentren.",
    )
    add_measure(
        plan,
        code="MOB-3",
        title="Lückenschluss im Radwegenetz der Innenstadt",
        summary="Sichere Radwege zwischen den Ringen und dem Rhein.",
        lead_department="69",
        fields=["smart-city"],
    )
    make_dataset(plan, title="Radverkehr – Zählstellen", name="radverkehr-zaehlstellen")
    make_dataset(
        plan,
        title="Radwegenetz Personalakten",
        name="geheim",
        access_rights="RESTRICTED",
        restriction_reason="personal_data",
    )
    return plan


def test_prefix_of_a_hyphenated_compound_finds_the_measure(
    client: TestClient, city: Database
) -> None:
    result = _search(client, "WLAN")
    assert "Öffentliche WLAN-Hotspots in Bürgerämtern" in _titles(result, "measure")
    assert _search(client, "hotspot")["total"] == 1


def test_word_start_finds_the_compound(client: TestClient, city: Database) -> None:
    assert "Lückenschluss im Radwegenetz der Innenstadt" in _titles(_search(client, "Radweg"))


def test_compound_tail_umlauts_and_typos_match(client: TestClient, city: Database) -> None:
    assert _titles(_search(client, "wegenetz")) == ["Lückenschluss im Radwegenetz der Innenstadt"]
    assert _titles(_search(client, "luckenschluss")) == [
        "Lückenschluss im Radwegenetz der Innenstadt"
    ]
    assert "Lückenschluss im Radwegenetz der Innenstadt" in _titles(_search(client, "Radwgenetz"))
    assert "Öffentliche WLAN-Hotspots in Bürgerämtern" in _titles(_search(client, "Burgeramt"))


def test_restricted_dataset_is_never_found(client: TestClient, city: Database) -> None:
    everything = _search(client, "Radwegenetz", per_kind=50)
    assert "Radwegenetz Personalakten" not in _titles(everything)
    assert _search(client, "Personalakten")["total"] == 0
    page = client.get("/suche", params={"q": "Personalakten"}).text
    assert "Radwegenetz Personalakten" not in page
    with city.session() as session:  # a rebuild keeps it out too
        rebuild(session)
    assert _search(client, "Personalakten")["total"] == 0


def test_results_follow_writes(client: TestClient, city: Database) -> None:
    actor = system_actor("tests")
    with city.session() as session:
        catalog.dataset_patch(
            session,
            actor=actor,
            id_or_name="radverkehr-zaehlstellen",
            data=DatasetPatch(access_rights="NON_PUBLIC", restriction_reason="security"),
        )
    assert _search(client, "Zählstellen")["total"] == 0
    measure_id = _search(client, "WLAN")["groups"][0]["hits"][0]["id"]
    with city.session() as session:
        measure_service.measure_update(
            session,
            actor=actor,
            measure_id=measure_id,
            data=MeasureUpdate(title="Gastzugang Internet in Kundenzentren"),
        )
    assert _search(client, "Gastzugang")["total"] == 1
    assert "Öffentliche WLAN-Hotspots in Bürgerämtern" not in _titles(_search(client, "WLAN"))


def test_results_are_grouped_by_type_with_counts(client: TestClient, city: Database) -> None:
    result = _search(client, "Rad")
    groups = {g["kind"]: g for g in result["groups"]}
    assert groups["measure"]["total"] == 1 and groups["measure"]["label"] == "Maßnahmen"
    assert groups["dataset"]["total"] == 1
    assert result["total"] == 2
    hit = groups["measure"]["hits"][0]
    assert hit["url"] == f"/massnahmen/{hit['id']}"
    only = _search(client, "Rad", type="dataset")
    assert [g["kind"] for g in only["groups"]] == ["dataset"]


def test_search_page_groups_results_in_german(client: TestClient, city: Database) -> None:
    page = client.get("/suche", params={"q": "Rad"})
    assert page.status_code == 200
    text = page.text
    assert "2 Treffer für „Rad“." in text
    assert 'Maßnahmen <span class="count">(1)</span>' in text
    assert 'href="/daten/radverkehr-zaehlstellen"' in text
    empty = client.get("/suche", params={"q": "Quantencomputer"})
    assert "Nichts gefunden für „Quantencomputer“." in empty.text


def test_user_text_is_escaped_on_the_page(client: TestClient, city: Database) -> None:
    text = client.get("/suche", params={"q": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;" in text


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "x" * 10_000}, "q"),
        ({"q": "Rad", "type": "unbekannt"}, "type"),
        ({"q": "Rad", "per_kind": "0"}, "per_kind"),
    ],
)
def test_bad_input_is_a_german_422(
    client: TestClient, city: Database, params: dict[str, str], field: str
) -> None:
    response = client.get("/api/v1/search", params=params)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field
    if field != "per_kind":  # the page always shows 10 per kind
        assert client.get("/suche", params=params).status_code == 422


@pytest.mark.parametrize("q", ["", "   ", "***", "-", '"', "ß" * 64, "a b c d e f g h i j k"])
def test_odd_queries_never_fail(client: TestClient, city: Database, q: str) -> None:
    assert client.get("/api/v1/search", params={"q": q}).status_code == 200
    assert client.get("/suche", params={"q": q}).status_code == 200


def test_header_of_every_page_has_the_search_box(client: TestClient) -> None:
    for path in ("/", "/massnahmen", "/daten"):
        text = client.get(path).text
        assert '<form class="site-search" method="get" action="/suche" role="search">' in text
        assert 'role="combobox"' in text and 'aria-controls="site-search-list"' in text
        assert '<script src="/static/js/site-search.js" defer></script>' in text


def test_openapi_documents_the_search(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/search"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"q", "type", "per_kind"}
