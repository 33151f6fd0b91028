"""Fixtures of the masterplan tests: departments and taxonomy created through the services,
and a helper that creates measures the way the API does."""

from __future__ import annotations

from typing import Any

import pytest

from domstadt.core.auth import directory_service as directory
from domstadt.core.auth.models import DepartmentKind, Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.auth.schemas import DepartmentCreate
from domstadt.core.db import Database
from domstadt.demo import masterplan as demo
from domstadt.masterplan import measure_service, service
from domstadt.masterplan.schemas import MeasureCreate, MeasurePublic, TaxonUpsert
from tests.conftest import make_token, make_user

DEPARTMENTS = [
    ("I", "Dezernat I – Allgemeine Verwaltung", DepartmentKind.DEZERNAT, None),
    ("DIG", "Stabsstelle Digitalisierung", DepartmentKind.STABSSTELLE, "I"),
    ("12", "Amt für Informationsverarbeitung", DepartmentKind.AMT, "I"),
    ("VIII", "Dezernat VIII – Mobilität", DepartmentKind.DEZERNAT, None),
    ("69", "Amt für Verkehrsmanagement", DepartmentKind.AMT, "VIII"),
]


@pytest.fixture
def plan(db: Database) -> Database:
    """A database with departments, fields of action and sectors."""
    actor = system_actor("tests")
    with db.session() as session:
        for code, name, kind, parent in DEPARTMENTS:
            directory.department_create(
                session,
                actor=actor,
                data=DepartmentCreate(code=code, name=name, kind=kind, parent_code=parent),
            )
        for pos, (slug, name, name_en, text) in enumerate(demo.FIELDS):
            service.taxon_upsert(
                session,
                actor=actor,
                kind="field_of_action",
                data=TaxonUpsert(
                    slug=slug, name=name, name_en=name_en, description=text, position=pos
                ),
            )
        for pos, (slug, name, name_en) in enumerate(demo.SECTORS):
            service.taxon_upsert(
                session,
                actor=actor,
                kind="sector",
                data=TaxonUpsert(slug=slug, name=name, name_en=name_en, position=pos),
            )
    return db


def add_measure(db: Database, **values: Any) -> MeasurePublic:
    """Create a measure as the system (defaults: lead DIG, field digitale-verwaltung)."""
    data = {"lead_department": "DIG", "fields": ["digitale-verwaltung"], **values}
    with db.session() as session:
        return measure_service.measure_create(
            session, actor=system_actor("tests"), data=MeasureCreate(**data)
        )


@pytest.fixture
def editor_token(plan: Database) -> str:
    """API token of an editor of the Stabsstelle Digitalisierung (DIG)."""
    make_user(plan, "erik@stadt-koeln.example", Role.EDITOR, department_code="DIG")
    return make_token(plan, "erik@stadt-koeln.example")
