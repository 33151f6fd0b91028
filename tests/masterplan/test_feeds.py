"""Atom feeds validate against RFC 4287's required elements and carry the changes."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from starlette.testclient import TestClient

from domstadt.core.db import Database
from tests.masterplan.conftest import add_measure

A = "{http://www.w3.org/2005/Atom}"


def check_atom(text: str) -> ET.Element:
    """Parse and check what RFC 4287 requires of a feed and its entries."""
    feed = ET.fromstring(text.encode())
    assert feed.tag == f"{A}feed"
    for name in ("id", "title", "updated"):
        assert (feed.findtext(f"{A}{name}") or "").strip(), name
    assert feed.find(f"{A}author/{A}name") is not None
    assert any(link.get("rel") == "self" for link in feed.findall(f"{A}link"))
    ids = [e.findtext(f"{A}id") for e in feed.findall(f"{A}entry")]
    assert len(ids) == len(set(ids))
    for entry in feed.findall(f"{A}entry"):
        for name in ("id", "title", "updated", "summary"):
            assert (entry.findtext(f"{A}{name}") or "").strip(), name
        assert entry.find(f"{A}link").get("href", "").startswith("http")  # type: ignore[union-attr]
        assert "T" in (entry.findtext(f"{A}updated") or "")
    return feed


def test_feeds_of_all_of_a_field_and_of_a_measure(client: TestClient, plan: Database) -> None:
    a = add_measure(plan, code="DV-1", title="E-Akte & Scanstelle", summary="Papierlos <bald>.")
    add_measure(plan, code="SC-1", title="Parksensoren", fields=["smart-city"])
    response = client.get("/feeds/measures.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = check_atom(response.text)
    titles = [e.findtext(f"{A}title") for e in feed.findall(f"{A}entry")]
    assert any("E-Akte & Scanstelle" in (t or "") for t in titles)
    field = check_atom(client.get("/feeds/fields/smart-city.atom").text)
    assert len(field.findall(f"{A}entry")) == 1
    one = check_atom(client.get(f"/feeds/measures/{a.id}.atom").text)
    assert f"/massnahmen/{a.id}" in (one.find(f"{A}entry/{A}link").get("href") or "")  # type: ignore[union-attr]
    assert client.get("/feeds/fields/gibt-es-nicht.atom").status_code == 404
    check_atom(client.get("/feeds/fields/datenoekonomie.atom").text)
