"""Links of measures and websites of initiatives: only http(s) is stored, with a German 422
naming the field; a row stored before the rule never becomes a script link on a page. Measure
codes are stored normalised (``core.names``)."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from starlette.testclient import TestClient

from domstadt.core.db import Database
from domstadt.masterplan.models import Measure
from domstadt.masterplan.registry.models import Initiative
from tests.masterplan.conftest import add_measure
from tests.masterplan.registry.conftest import create
from tests.masterplan.test_measures_api import NEW, auth

HOSTILE = [
    "javascript:alert(document.cookie)",
    " JavaScript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "https://",
    "//evil.example/x",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_measure_links_accept_only_http_and_https(
    client: TestClient, editor_token: str, url: str
) -> None:
    link = {"title": "Klick mich", "url": url, "kind": "website"}
    refused = client.post(
        "/api/v1/measures", json={**NEW, "links": [link]}, headers=auth(editor_token)
    )
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["details"][0]["field"] == "links.0.url"
    assert "Nur Adressen mit http:// oder https://" in error["message"]
    assert client.get("/api/v1/measures").json()["total"] == 0


def test_measure_update_refuses_a_script_link_and_keeps_the_old(
    client: TestClient, editor_token: str
) -> None:
    made = client.post(
        "/api/v1/measures",
        json={**NEW, "links": [{"title": "Portal", "url": "https://www.stadt-koeln.de"}]},
        headers=auth(editor_token),
    ).json()
    changed = client.patch(
        f"/api/v1/measures/{made['id']}",
        json={"links": [{"title": "Portal", "url": "javascript:alert(1)"}]},
        headers=auth(editor_token),
    )
    assert changed.status_code == 422
    kept = client.get(f"/api/v1/measures/{made['id']}").json()["links"]
    assert kept == [{"title": "Portal", "url": "https://www.stadt-koeln.de", "kind": "dataset"}]


def test_old_script_links_are_not_rendered_as_links(client: TestClient, plan: Database) -> None:
    measure = add_measure(plan, code="SC-1", title="Parksensoren")
    stored = [
        {"title": "Böse", "url": "javascript:alert(1)", "kind": "website"},
        {"title": "Gut", "url": "https://offenedaten-koeln.de", "kind": "dataset"},
    ]
    with plan.session() as session:  # as written before http(s) was enforced
        session.execute(update(Measure).where(Measure.id == measure.id).values(links=stored))
    page = client.get(f"/massnahmen/{measure.id}").text
    assert "javascript:" not in page
    assert '<a href="#">Böse</a>' in page and 'href="https://offenedaten-koeln.de"' in page


def test_initiative_website_only_http_and_old_rows_are_safe(
    client: TestClient, plan: Database, editor_token: str
) -> None:
    editor = auth(editor_token)
    refused = client.post(
        "/api/v1/initiatives",
        json={"title": "Repair-Café", "description": "x", "website": "javascript:alert(1)"},
        headers=editor,
    )
    assert refused.status_code == 422 and "website" in refused.text
    made = create(client, editor, title="Repair-Café Nippes", description="Reparieren")
    with plan.session() as session:
        session.execute(
            update(Initiative).where(Initiative.id == made["id"]).values(website="javascript:x()")
        )
    page = client.get(f"/initiativen/{made['id']}").text
    assert 'href="javascript:' not in page and 'href="#"' in page


def test_measure_codes_differing_only_in_invisible_characters_clash(
    client: TestClient, editor_token: str
) -> None:
    first = client.post("/api/v1/measures", json=NEW, headers=auth(editor_token))
    assert first.status_code == 201 and first.json()["code"] == "DV-01"
    again = {**NEW, "code": "\u200bDV-01 ", "title": "Noch einmal"}
    clash = client.post("/api/v1/measures", json=again, headers=auth(editor_token))
    assert clash.status_code == 409, clash.text
