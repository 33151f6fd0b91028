"""Dataset addresses (landing page, download links) are http(s) only, named in the German 422;
a distribution stored with a script address before the rule is not a link on the page."""

from __future__ import annotations

from sqlalchemy import update
from starlette.testclient import TestClient

from domstadt.catalog import distribution_service
from domstadt.catalog.models import Distribution
from domstadt.catalog.schemas import DistributionCreate
from domstadt.core.auth.permissions import system_actor
from domstadt.core.config import Settings
from domstadt.core.db import Database
from tests.catalog.conftest import make_dataset


def test_landing_page_and_download_address_must_be_http(
    client: TestClient, editor_token: str
) -> None:
    headers = {"Authorization": editor_token}
    body = {"name": "parkhaeuser", "title": "Parkhäuser", "owner_org": "stadt-koeln-69"}
    refused = client.post(
        "/api/3/action/package_create", json={**body, "url": "javascript:x()"}, headers=headers
    )
    assert refused.status_code == 409  # CKAN's envelope for validation errors
    assert "Nur Adressen mit http://" in refused.json()["error"]["landing_page"][0]
    made = client.post("/api/3/action/package_create", json=body, headers=headers)
    assert made.status_code == 200, made.text
    link = {"package_id": "parkhaeuser", "name": "Liste", "url": "javascript:alert(1)"}
    refused = client.post("/api/3/action/resource_create", json=link, headers=headers)
    assert refused.status_code == 409 and "Nur Adressen mit http://" in refused.text


def test_an_old_script_download_address_is_not_a_link(
    client: TestClient, db: Database, settings: Settings, departments: None
) -> None:
    ds = make_dataset(db, name="parkhaeuser", title="Parkhäuser")
    with db.session() as session:
        distribution_service.distribution_create(
            session,
            actor=system_actor("tests"),
            dataset=ds.id,
            data=DistributionCreate(title="Liste", download_url="https://example.org/p.csv"),
            data_dir=settings.data_dir,
        )
        session.execute(update(Distribution).values(download_url="javascript:alert(1)"))
    page = client.get("/daten/parkhaeuser").text
    assert "javascript:" not in page and '<td><a href="#">' in page
