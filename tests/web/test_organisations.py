"""Organisations: one name however it is spaced, hidden-charactered or cased; concurrent
registrations of one name give one 201 and otherwise 409, never 500; websites only http(s)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import insert, text, update
from starlette.testclient import TestClient

from domstadt.core.auth.models import Organisation, Role
from domstadt.core.db import Database
from tests.conftest import make_token, make_user
from tests.lock_waits import until_waiting

VARIANTS = [
    "Veedel Mobil e. V.",
    "Veedel Mobil e. V. ",
    " Veedel  Mobil e. V.",
    "Veedel\u00a0Mobil e. V.",
    "Veedel\u200b Mobil e. V.",
    "Vee\u00addel Mobil e. V.",
    "\ufeffVeedel Mobil e. V.",
    "VEEDEL MOBIL E. V.",
]


@pytest.fixture
def member(db: Database) -> dict[str, str]:
    """Authorization header of a member (anyone signed in may register an organisation)."""
    make_user(db, "lena@example.org")
    headers = {"Authorization": f"Bearer {make_token(db, 'lena@example.org')}"}
    return headers


def _register(client: TestClient, headers: dict[str, str], name: str, **more: str) -> int:
    body = {"name": name, "kind": "association", **more}
    return client.post("/api/v1/organisations", json=body, headers=headers).status_code


def _at_once(client: TestClient, headers: dict[str, str], names: list[str]) -> list[int]:
    """Register all ``names`` from parallel threads released together."""
    client.get("/api/v1/me", headers=headers)  # the token's first use writes last_used_at
    start = threading.Barrier(len(names))

    def one(name: str) -> int:
        start.wait()
        return _register(client, headers, name)

    with ThreadPoolExecutor(len(names)) as pool:
        return list(pool.map(one, names))


def test_names_differing_in_spaces_invisibles_or_case_are_one(
    client: TestClient, member: dict[str, str]
) -> None:
    assert _register(client, member, VARIANTS[1]) == 201
    for name in VARIANTS:
        answer = client.post(
            "/api/v1/organisations", json={"name": name, "kind": "association"}, headers=member
        )
        assert answer.status_code == 409, name
        assert "ist bereits registriert" in answer.json()["error"]["message"]
    listed = client.get("/api/v1/organisations").json()
    assert [o["name"] for o in listed] == ["Veedel Mobil e. V."]


def test_eight_concurrent_registrations_give_one_organisation(
    client: TestClient, member: dict[str, str]
) -> None:
    answers = _at_once(client, member, VARIANTS)
    assert sorted(answers) == [201] + [409] * 7
    assert len(client.get("/api/v1/organisations").json()) == 1


def test_eight_concurrent_registrations_of_the_same_name(
    client: TestClient, member: dict[str, str]
) -> None:
    answers = _at_once(client, member, ["Rheinland Digital GmbH"] * 8)
    assert sorted(answers) == [201] + [409] * 7


def test_a_registration_losing_the_race_at_the_unique_key_is_409(
    client: TestClient, db: Database, member: dict[str, str]
) -> None:
    """PostgreSQL: another transaction holds the same name uncommitted; the request's check
    cannot see it, its insert waits (seen in pg_stat_activity), then hits the unique key: 409,
    not 500."""
    if db.dialect != "postgresql":
        pytest.skip("needs lock waits a test can observe (pg_stat_activity)")
    client.get("/api/v1/me", headers=member)
    with db.engine.connect() as other:
        other.execute(
            insert(Organisation.__table__).values(
                name="Domblick Analytics UG", name_key="domblick analytics ug", kind="startup",
                verified=False, website="", city="", description="",
                created_at=text("now()"),
            )
        )  # fmt: skip
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(_register, client, member, "Domblick  Analytics UG")
            until_waiting(db, pending)
            other.commit()
            assert pending.result() == 409


def test_website_must_be_http_and_old_rows_never_link_to_script(
    client: TestClient, db: Database, member: dict[str, str]
) -> None:
    refused = client.post(
        "/api/v1/organisations",
        json={"name": "Evil GmbH", "kind": "company", "website": "javascript:alert(1)"},
        headers=member,
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["field"] == "website"
    assert "Nur Adressen mit http:// oder https://" in refused.json()["error"]["message"]
    assert _register(client, member, "Good GmbH", website="https://good.example") == 201
    with db.session() as session:  # as stored before the rule
        session.execute(update(Organisation).values(website="javascript:alert(1)"))
    org = client.get("/api/v1/organisations").json()[0]
    page = client.get(f"/beteiligung/organisationen/{org['id']}").text
    assert 'href="javascript:' not in page and 'href="#"' in page


def test_department_codes_and_names_are_stored_normalised(client: TestClient, db: Database) -> None:
    make_user(db, "admin@example.org", Role.ADMIN)
    admin = {"Authorization": f"Bearer {make_token(db, 'admin@example.org')}"}
    body = {"code": " 69\u200b", "name": "Amt für\u00a0 Verkehrsmanagement ", "kind": "amt"}
    made = client.post("/api/v1/departments", json=body, headers=admin)
    assert made.status_code == 201, made.text
    assert (made.json()["code"], made.json()["name"]) == ("69", "Amt für Verkehrsmanagement")
    again = client.post("/api/v1/departments", json={**body, "code": "69\ufeff"}, headers=admin)
    assert again.status_code == 409 and "bereits vergeben" in again.text
    blank = client.post(
        "/api/v1/departments", json={**body, "code": "\u200b \u00ad"}, headers=admin
    )
    assert blank.status_code == 422 and "unsichtbaren Zeichen" in blank.text
