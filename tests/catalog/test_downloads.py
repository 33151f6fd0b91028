"""Stored files never run as script or page of our origin (probe issue 14, High 1): every
download is an attachment with nosniff, a sandboxing CSP and an inert media type, whatever
media type the publisher declared; the metadata keeps the declared type."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from domstadt.core.db import Database
from domstadt.web.downloads import SANDBOX_POLICY, content_disposition, served_media_type
from tests.catalog.conftest import DATA_DIR, make_dataset

ACTIVE = [
    ("angriff.js", b"top.__xss = 1;", "application/javascript"),
    ("angriff.mjs", b"top.__xss = 1;", "text/javascript"),
    ("angriff.html", b"<script>top.__xss = 1</script>", "text/html"),
    ("angriff.htm", b"<script>top.__xss = 1</script>", "TEXT/HTML; charset=utf-8"),
    ("angriff.xhtml", b'<html xmlns="http://www.w3.org/1999/xhtml"/>', "application/xhtml+xml"),
    ("angriff.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>', "image/svg+xml"),
    ("angriff.xml", b"<a/>", "application/xml"),
    ("angriff.css", b"input[value^=a]{background:url(/x)}", "text/css"),
    ("angriff.bin", b"\x00\x01", ""),
]
"""Files a browser would run or render as a document of our origin, with declared types."""


def upload(client: TestClient, token: str, filename: str, content: bytes, declared: str) -> str:
    """Upload a file through the CKAN API as an editor; its download path."""
    response = client.post(
        "/api/3/action/resource_create",
        data={"package_id": "dateien", "name": filename, "mimetype": declared},
        files={"upload": (filename, content, declared or "application/octet-stream")},
        headers={"Authorization": token},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["result"]["url"]).removeprefix("http://testserver")


def assert_inert_attachment(response: object, filename: str) -> None:
    """Attachment, nosniff and the sandbox CSP alone (not the page policy beside it)."""
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["content-disposition"].startswith(f'attachment; filename="{filename}"')
    assert headers["x-content-type-options"] == "nosniff"
    assert headers.get_list("content-security-policy") == [SANDBOX_POLICY]


@pytest.mark.parametrize(("filename", "content", "declared"), ACTIVE)
def test_active_uploads_are_served_as_inert_attachments(
    client: TestClient,
    db: Database,
    editor_token: str,
    filename: str,
    content: bytes,
    declared: str,
) -> None:
    make_dataset(db, name="dateien", title="Dateien")
    path = upload(client, editor_token, filename, content, declared)
    response = client.get(path)
    assert response.status_code == 200 and response.content == content
    assert response.headers["content-type"] == "application/octet-stream"
    assert_inert_attachment(response, filename)
    shown = client.get("/api/3/action/package_show", params={"id": "dateien"}).json()
    assert shown["result"]["resources"][0]["mimetype"] == (declared or None)


def test_tables_and_geodata_keep_their_types_as_attachments(
    client: TestClient, db: Database, editor_token: str
) -> None:
    make_dataset(db, name="dateien", title="Dateien")
    upload(client, editor_token, "wahl.csv", (DATA_DIR / "result_stadtbezirk.csv").read_bytes(), "")
    geojson = b'{"type": "Point", "coordinates": [6.96, 50.94]}'
    upload(client, editor_token, "dom.geojson", geojson, "application/geo+json")
    upload(client, editor_token, "bericht.pdf", b"%PDF-1.4\n", "application/pdf")
    resources = client.get("/api/3/action/package_show", params={"id": "dateien"}).json()
    served = {}
    for res in resources["result"]["resources"]:
        response = client.get(res["url"].removeprefix("http://testserver"))
        filename = response.headers["content-disposition"].split('"')[1]
        assert_inert_attachment(response, filename)
        served[filename] = response.headers["content-type"]
    assert served["wahl.csv"] == "text/csv; charset=utf-8"
    assert served["data.parquet"] == "application/vnd.apache.parquet"
    assert served["data.geojson"] == "application/geo+json"
    assert served["bericht.pdf"] == "application/pdf"


def test_pages_keep_the_strict_policy_next_to_downloads(client: TestClient) -> None:
    policy = client.get("/").headers["content-security-policy"]
    assert "sandbox" not in policy and "'unsafe-inline'" not in policy


def test_download_name_is_quoted_safely() -> None:
    assert content_disposition('Straßen "Liste";.csv') == (
        'attachment; filename="Stra_en _Liste__.csv"; '
        "filename*=UTF-8''Stra%C3%9Fen%20%22Liste%22%3B.csv"
    )
    assert content_disposition("../../etc/passwd") == (
        "attachment; filename=\"passwd\"; filename*=UTF-8''passwd"
    )
    assert served_media_type(" Application/PDF ; x=1") == "application/pdf"
