"""Fixtures of the challenge tests: departments (from the masterplan fixture), an editor of
the Stabsstelle Digitalisierung, people, an organisation, and challenges in a chosen phase."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from starlette.testclient import TestClient

from domstadt.core.auth import directory_service as directory
from domstadt.core.auth.models import OrganisationKind, Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.auth.schemas import OrganisationCreate
from domstadt.core.db import Database
from tests.conftest import make_token, make_user
from tests.masterplan.conftest import plan  # noqa: F401  (fixture)

PHASES = ("announcement", "submission", "review", "vote", "results")


def phase_dates(phase: str) -> dict[str, str]:
    """Phase dates (ISO, UTC) that put now into ``phase``."""
    now = dt.datetime.now(dt.UTC)
    start = PHASES.index(phase)
    moments = [now + dt.timedelta(days=10 * (i - start) + 5) for i in range(4)]
    keys = ("submission_opens", "review_opens", "vote_opens", "results_at")
    return {k: m.isoformat() for k, m in zip(keys, moments, strict=True)}


def bearer(token: str) -> dict[str, str]:
    """Authorization header of an API token."""
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def people(plan: Database) -> dict[str, Any]:  # noqa: F811
    """Tokens of an editor (DIG), an editor of another department, a moderator, four members
    (one a juror who belongs to the start-up of another member) and the start-up's id."""
    make_user(plan, "erik@stadt.example", Role.EDITOR, department_code="DIG", name="Erik")
    make_user(plan, "vera@stadt.example", Role.EDITOR, department_code="69", name="Vera")
    make_user(plan, "mod@stadt.example", Role.MODERATOR, name="Moritz")
    for email, name in (
        ("lena@startup.example", "Lena"),
        ("jan@startup.example", "Jan Juror"),
        ("ayse@example.org", "Ayşe"),
        ("tom@example.org", "Tom"),
        ("jula@example.org", "Jula Jurorin"),
    ):
        make_user(plan, email, name=name)
    actor = system_actor("tests")
    with plan.session() as session:
        org = directory.organisation_create(
            session,
            actor=actor,
            data=OrganisationCreate(name="Domblick UG", kind=OrganisationKind.STARTUP),
        )
        for email in ("lena@startup.example", "jan@startup.example"):
            directory.organisation_add_member(
                session, actor=actor, organisation_id=org.id, email=email
            )
    names = {
        "editor": "erik@stadt.example",
        "other_editor": "vera@stadt.example",
        "moderator": "mod@stadt.example",
        "lena": "lena@startup.example",
        "jan": "jan@startup.example",
        "ayse": "ayse@example.org",
        "tom": "tom@example.org",
        "jula": "jula@example.org",
    }
    tokens: dict[str, Any] = {k: make_token(plan, v) for k, v in names.items()}
    tokens["org_id"] = org.id
    return tokens


def challenge_body(phase: str, **extra: Any) -> dict[str, Any]:
    """A valid challenge of the Stabsstelle Digitalisierung in ``phase``."""
    return {
        "title": "Ideen für ein digitales Rathaus",
        "question": "Wie erledigen Kölnerinnen und Kölner Behördengänge ohne Warteschlange?",
        "department": "DIG",
        "rules": "Beiträge auf Deutsch oder Englisch.",
        "prizes": "1. Preis: Pilot mit der Stadt",
        "criteria": [{"name": "Wirkung", "weight": 2}, {"name": "Machbarkeit", "weight": 1}],
        "scale_min": 0,
        "scale_max": 10,
        **phase_dates(phase),
        **extra,
    }


def new_challenge(client: TestClient, editor: str, phase: str, **extra: Any) -> int:
    """Create a challenge through the API and return its id."""
    r = client.post(
        "/api/v1/challenges", json=challenge_body(phase, **extra), headers=bearer(editor)
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def move_to(client: TestClient, editor: str, challenge_id: int, phase: str) -> None:
    """Move a challenge into ``phase`` by editing its dates (as an organiser would)."""
    r = client.patch(
        f"/api/v1/challenges/{challenge_id}", json=phase_dates(phase), headers=bearer(editor)
    )
    assert r.status_code == 200, r.text
    assert r.json()["phase"] == phase


def submit(client: TestClient, token: str, challenge_id: int, title: str, **extra: Any) -> int:
    """Hand in a submission through the API; returns its id."""
    r = client.post(
        f"/api/v1/challenges/{challenge_id}/submissions",
        json={"title": title, "summary": f"{title}: Beschreibung", "submit": True, **extra},
        headers=bearer(token),
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])
