"""Fixtures of the participation tests: the masterplan's departments and fields of action
(``plan``), people with roles, an organisation with an admin."""

from __future__ import annotations

import pytest

from domstadt.core.auth import directory_service as directory
from domstadt.core.auth.models import OrganisationKind, Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.auth.schemas import OrganisationCreate
from domstadt.core.db import Database
from tests.conftest import make_token, make_user
from tests.masterplan.conftest import plan  # noqa: F401  (fixture)


def bearer(db: Database, email: str) -> dict[str, str]:
    """Authorization header with a fresh API token of ``email``."""
    return {"Authorization": f"Bearer {make_token(db, email)}"}


@pytest.fixture
def people(plan: Database) -> dict[str, object]:  # noqa: F811
    """An editor of DIG, an editor of 69 (Verkehr), a moderator, three members, and an
    organisation whose admin is ``orga@``; returns the organisation id as ``org``."""
    make_user(plan, "erik@stadt.example", Role.EDITOR, department_code="DIG", name="Erik Editor")
    make_user(plan, "vera@stadt.example", Role.EDITOR, department_code="69", name="Vera Verkehr")
    make_user(plan, "mod@stadt.example", Role.MODERATOR, name="Moritz Moderator")
    for name in ("anna", "ben", "cem"):
        make_user(plan, f"{name}@example.org")
    make_user(plan, "orga@startup.example", name="Olga Orga")
    make_user(plan, "otto@startup.example", name="Otto Member")
    actor = system_actor("tests")
    with plan.session() as session:
        org = directory.organisation_create(
            session,
            actor=actor,
            data=OrganisationCreate(name="Rhein Start-up GmbH", kind=OrganisationKind.STARTUP),
        )
        directory.organisation_add_member(
            session,
            actor=actor,
            organisation_id=org.id,
            email="orga@startup.example",
            is_admin=True,
        )
        directory.organisation_add_member(
            session, actor=actor, organisation_id=org.id, email="otto@startup.example"
        )
    return {"org": org.id}
