"""Catalogue fixtures: departments, an editor with a token, datasets made through the services,
and a live uvicorn server for real HTTP clients (ckanapi)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from domstadt.catalog import service
from domstadt.catalog.schemas import DatasetCreate, DatasetPublic
from domstadt.core.auth import directory_service as directory
from domstadt.core.auth.models import DepartmentKind, Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.auth.schemas import DepartmentCreate
from domstadt.core.config import Settings
from domstadt.core.db import Database
from tests.conftest import make_token, make_user
from tests.live import free_port, serving

EDITOR = "redaktion.verkehr@example.org"
OTHER_EDITOR = "redaktion.umwelt@example.org"
DATA_DIR = Path(__file__).resolve().parents[2] / "src" / "domstadt" / "catalog" / "data"


@pytest.fixture
def departments(db: Database) -> None:
    """Dezernat VIII with Amt 69 and Dezernat IX with Amt 57."""
    with db.session() as session:
        actor = system_actor("tests")
        for code, name, kind, parent in [
            ("VIII", "Dezernat VIII – Mobilität", DepartmentKind.DEZERNAT, None),
            ("69", "Amt für Verkehrsmanagement", DepartmentKind.AMT, "VIII"),
            ("IX", "Dezernat IX – Klima, Umwelt und Grün", DepartmentKind.DEZERNAT, None),
            ("57", "Amt für Umwelt- und Verbraucherschutz", DepartmentKind.AMT, "IX"),
        ]:
            directory.department_create(
                session,
                actor=actor,
                data=DepartmentCreate(code=code, name=name, kind=kind, parent_code=parent),
            )


@pytest.fixture
def editor_token(db: Database, departments: None) -> str:
    """An API token of an editor of Dezernat VIII (scope: VIII and Amt 69)."""
    make_user(db, EDITOR, Role.EDITOR, department_code="VIII", name="Vera Verkehr")
    return make_token(db, EDITOR)


def make_dataset(db: Database, **values: object) -> DatasetPublic:
    """Create a dataset through the service as the system actor."""
    data = {"title": "Radverkehrszählung", "department_code": "69", "license_id": "dl-by-de/2.0"}
    data.update(values)
    with db.session() as session:
        return service.dataset_create(
            session, actor=system_actor("tests"), data=DatasetCreate.model_validate(data)
        )


_free_port = free_port  # harvest_servers.py imports it from here


@pytest.fixture
def live_server(settings: Settings, db: Database) -> Iterator[str]:
    """The app served by uvicorn on a free local port; yields its base URL."""
    from domstadt.web.app import create_app

    port = free_port()
    live_settings = settings.model_copy(update={"base_url": f"http://127.0.0.1:{port}"})
    with serving(create_app(live_settings, db), port) as base:
        yield base
