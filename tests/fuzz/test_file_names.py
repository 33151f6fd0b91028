"""Uploaded file names are never paths: ``..``, ``x.csv/..``, ``../../etc/passwd`` or 300
characters are stored as a safe name inside the resource's folder (issue 14: each was a 500)."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from domstadt.core.config import Settings
from tests.conftest import csrf_of, login
from tests.fuzz.seed import ADMIN, TABLE, Seeded

HOSTILE_NAMES = [
    "..",
    "x.csv/..",
    "../../etc/passwd.csv",
    "..\\..\\boot.ini.csv",
    "a" * 300 + ".csv",
    "ü" * 200 + "." + "x" * 100,
    ".htaccess",
]


def _stored_files(settings: Settings) -> list[Path]:
    return [p for p in (settings.data_dir / "catalog" / "files").rglob("*") if p.is_file()]


def test_ckan_resource_create_with_hostile_file_names(
    client: TestClient, seeded: Seeded, settings: Settings
) -> None:
    """CKAN's multipart upload: 200, the file lies in its resource's folder, downloadable."""
    for name in HOSTILE_NAMES:
        before = set(_stored_files(settings))
        response = client.post(
            "/api/3/action/resource_create",
            data={"package_id": seeded.dataset_name, "name": "Hochgeladen"},
            files={"upload": (name, TABLE, "text/csv")},
            headers={"Authorization": seeded.admin_token},
        )
        assert response.status_code == 200, f"{name!r}: {response.text}"
        resource = response.json()["result"]
        new = set(_stored_files(settings)) - before
        folder = settings.data_dir / "catalog" / "files" / resource["id"]
        assert new and all(folder in p.parents for p in new), new
        assert all(len(p.name) <= 120 and not p.name.startswith(".") for p in new)
        download = client.get(f"/daten/ressource/{resource['id']}/download")
        assert download.status_code == 200 and download.content == TABLE


def test_upload_form_with_hostile_file_names(client: TestClient, seeded: Seeded) -> None:
    """The dataset page's upload form: every hostile name ends as a listed resource."""
    login(client, ADMIN)
    path = f"/daten/{seeded.dataset_name}"
    for name in HOSTILE_NAMES:
        response = client.post(
            f"{path}/dateien",
            data={"csrf_token": csrf_of(client, path)},
            files={"file": (name, TABLE, "text/csv")},
            follow_redirects=False,
        )
        assert response.status_code == 303, f"{name!r}: {response.status_code} {response.text}"
