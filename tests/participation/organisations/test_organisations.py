"""Organisations (issue 10): registration with register number, district and competences;
duplicates refused; join requests accepted only by the organisation's admins; moderators
verify with a reason (audited); public pages list opted-in members by name, never e-mail."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from domstadt.core.audit import AuditEntryPublic, query_entries
from domstadt.core.auth.models import Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from tests.conftest import csrf_of, login, make_token, make_user

START_UP = {
    "name": "Rheinwerk Sensorik GmbH",
    "kind": "startup",
    "register_number": "hrb12345",
    "website": "https://rheinwerk.example.org",
    "district": "Ehrenfeld",
    "competences": ["LoRaWAN", "Sensorik", "lorawan", " Open Data "],
}


def _headers(db: Database, email: str, role: Role = Role.MEMBER, name: str = "") -> dict[str, str]:
    make_user(db, email, role=role, name=name or None)
    return {"Authorization": f"Bearer {make_token(db, email)}"}


@pytest.fixture
def people(db: Database) -> dict[str, dict[str, str]]:
    """A founder, a colleague who asks to join, an outsider and a moderator."""
    return {
        "founder": _headers(db, "founder@rheinwerk.example.org", name="Fatma Founder"),
        "colleague": _headers(db, "colleague@rheinwerk.example.org", name="Carl Colleague"),
        "quiet": _headers(db, "quiet@rheinwerk.example.org", name="Quinn Quiet"),
        "outsider": _headers(db, "outsider@example.org", name="Otto Outsider"),
        "moderator": _headers(db, "mod@stadt-koeln.example", Role.MODERATOR, "Mia Moderator"),
    }


def _audit(db: Database) -> list[AuditEntryPublic]:
    with db.session() as session:
        return query_entries(session, entity_type="organisation", limit=100, offset=0).items


def _register(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    return client.post("/api/v1/organisations", json={**START_UP, **body}, headers=headers)


def test_register_normalises_and_makes_the_registrant_admin(
    client: TestClient, people: dict[str, dict[str, str]]
) -> None:
    created = _register(client, people["founder"])
    assert created.status_code == 201, created.text
    org = created.json()
    assert org["register_number"] == "HRB 12345"
    assert org["competences"] == ["LoRaWAN", "Sensorik", "Open Data"]
    assert org["district"] == "Ehrenfeld"
    assert org["verified"] is False and org["member_count"] == 1
    requests = client.get(f"/api/v1/organisations/{org['id']}/requests", headers=people["founder"])
    assert requests.status_code == 200 and requests.json() == []


def test_anonymous_cannot_register(client: TestClient, db: Database) -> None:
    assert client.post("/api/v1/organisations", json=START_UP).status_code == 401


def test_duplicate_name_refused_with_a_message(
    client: TestClient, people: dict[str, dict[str, str]]
) -> None:
    assert _register(client, people["founder"]).status_code == 201
    again = _register(client, people["outsider"], name="RHEINWERK  Sensorik GmbH")
    assert again.status_code == 409
    assert "bereits registriert" in again.json()["error"]["message"]
    assert len(client.get("/api/v1/organisations").json()) == 1


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("register_number", "Handelsregister 5", "HRB 12345"),
        ("website", "javascript:alert(1)", "http"),
        ("district", "Bonn", "Stadtbezirke"),
        ("kind", "guild", "kind"),
    ],
)
def test_bad_input_is_refused_naming_the_rule(
    client: TestClient,
    people: dict[str, dict[str, str]],
    field: str,
    value: str,
    words: str,
) -> None:
    answer = _register(client, people["founder"], **{field: value})
    assert answer.status_code == 422
    assert words in answer.text
    assert client.get("/api/v1/organisations").json() == []


def test_join_request_accepted_by_admin_only(
    client: TestClient, people: dict[str, dict[str, str]], db: Database
) -> None:
    org_id = _register(client, people["founder"]).json()["id"]
    asked = client.post(
        f"/api/v1/organisations/{org_id}/membership",
        json={"listed_publicly": True},
        headers=people["colleague"],
    )
    assert asked.status_code == 201 and asked.json()["state"] == "requested"
    twice = client.post(
        f"/api/v1/organisations/{org_id}/membership", json={}, headers=people["colleague"]
    )
    assert twice.status_code == 409
    colleague_id = client.get("/api/v1/me", headers=people["colleague"]).json()["id"]
    # a requested membership grants nothing: the colleague does not speak for it yet
    assert client.get("/api/v1/me", headers=people["colleague"]).json()["organisations"] in (
        [],
        [{"id": org_id, "name": START_UP["name"], "verified": False, "is_admin": False}],
    )
    for who in ("outsider", "colleague"):
        refused = client.post(
            f"/api/v1/organisations/{org_id}/requests/{colleague_id}",
            json={"accept": True},
            headers=people[who],
        )
        assert refused.status_code == 403
        assert "Aufnahmeanfragen" in refused.json()["error"]["message"]
    accepted = client.post(
        f"/api/v1/organisations/{org_id}/requests/{colleague_id}",
        json={"accept": True},
        headers=people["founder"],
    )
    assert accepted.status_code == 200 and accepted.json() == []
    detail = client.get(f"/api/v1/organisations/{org_id}").json()
    assert detail["organisation"]["member_count"] == 2
    assert [m["name"] for m in detail["members"]] == ["Carl Colleague"]
    actions = [e.action for e in _audit(db)]
    assert {
        "organisation.register",
        "organisation.join_request",
        "organisation.join_accept",
    } <= set(actions)


def test_decline_removes_the_request(client: TestClient, people: dict[str, dict[str, str]]) -> None:
    org_id = _register(client, people["founder"]).json()["id"]
    client.post(f"/api/v1/organisations/{org_id}/membership", json={}, headers=people["outsider"])
    outsider_id = client.get("/api/v1/me", headers=people["outsider"]).json()["id"]
    path = f"/api/v1/organisations/{org_id}/requests/{outsider_id}"
    assert client.post(path, json={"accept": False}, headers=people["founder"]).json() == []
    assert client.post(path, json={"accept": True}, headers=people["founder"]).status_code == 404
    assert client.get(f"/api/v1/organisations/{org_id}").json()["organisation"]["member_count"] == 1


def test_moderator_verifies_with_reason_and_audit(
    client: TestClient, people: dict[str, dict[str, str]], db: Database
) -> None:
    org_id = _register(client, people["founder"]).json()["id"]
    path = f"/api/v1/organisations/{org_id}/verification"
    reason = "Handelsregister HRB 12345 beim Amtsgericht Köln geprüft."
    assert client.post(path, json={"reason": reason}, headers=people["founder"]).status_code == 403
    short = client.post(path, json={"reason": "ok"}, headers=people["moderator"])
    assert short.status_code == 422
    done = client.post(path, json={"reason": reason}, headers=people["moderator"])
    assert done.status_code == 200, done.text
    assert done.json()["verified"] is True and done.json()["verified_at"]
    again = client.post(path, json={"reason": reason}, headers=people["moderator"])
    assert again.status_code == 409
    verify = [e for e in _audit(db) if e.action == "organisation.verify"]
    assert len(verify) == 1 and verify[0].after["reason"] == reason
    assert "Mia Moderator" in verify[0].actor_label
    page = client.get(f"/organisationen/{org_id}").text
    assert "verifiziert" in page and reason in page


def test_filters_by_kind_district_and_verification(
    client: TestClient, people: dict[str, dict[str, str]]
) -> None:
    first = _register(client, people["founder"]).json()["id"]
    _register(
        client,
        people["outsider"],
        name="Veedel Mobil e. V.",
        kind="association",
        register_number="",
        district="Kalk",
    )
    reason = "Vereinsregister und Website geprüft."
    client.post(
        f"/api/v1/organisations/{first}/verification",
        json={"reason": reason},
        headers=people["moderator"],
    )

    def names(query: str) -> list[str]:
        return [o["name"] for o in client.get(f"/api/v1/organisations?{query}").json()]

    assert names("kind=association") == ["Veedel Mobil e. V."]
    assert names("district=Ehrenfeld") == ["Rheinwerk Sensorik GmbH"]
    assert names("verified=true") == ["Rheinwerk Sensorik GmbH"]
    assert names("verified=false") == ["Veedel Mobil e. V."]
    page = client.get("/organisationen?district=Kalk").text
    assert "Veedel Mobil" in page and "Rheinwerk" not in page
    assert client.get("/api/v1/organisations?kind=guild").status_code == 422


def test_public_pages_show_opted_in_names_and_never_email(
    client: TestClient, people: dict[str, dict[str, str]]
) -> None:
    org_id = _register(client, people["founder"]).json()["id"]
    for who, listed in (("colleague", True), ("quiet", False)):
        client.post(
            f"/api/v1/organisations/{org_id}/membership",
            json={"listed_publicly": listed},
            headers=people[who],
        )
        uid = client.get("/api/v1/me", headers=people[who]).json()["id"]
        client.post(
            f"/api/v1/organisations/{org_id}/requests/{uid}",
            json={"accept": True},
            headers=people["founder"],
        )
    page = client.get(f"/organisationen/{org_id}").text
    twin = client.get(f"/api/v1/organisations/{org_id}").text
    for text in (page, twin):
        assert "Carl Colleague" in text
        assert "Quinn Quiet" not in text  # accepted, but did not opt in
        assert "Fatma Founder" not in text  # the registrant did not opt in either
        assert "@" not in text.replace("csrf", "")
    assert "example.org" not in client.get("/organisationen").text.replace(
        "rheinwerk.example.org", ""
    )


def test_feedback_of_the_organisation_appears_on_its_page(
    client: TestClient, plan: Database, people: dict[str, dict[str, str]]
) -> None:
    from tests.masterplan.conftest import add_measure

    org_id = _register(client, people["founder"]).json()["id"]
    client.post(
        f"/api/v1/organisations/{org_id}/verification",
        json={"reason": "Registereintrag geprüft."},
        headers=people["moderator"],
    )
    measure = add_measure(plan, code="M-77", title="Offene Parkdaten")
    said = client.post(
        f"/api/v1/measures/{measure.id}/feedback",
        json={"relevance": 5, "stance": "support", "organisation_id": org_id},
        headers=people["founder"],
    )
    assert said.status_code == 201, said.text
    contributions = client.get(f"/api/v1/organisations/{org_id}").json()["contributions"]
    assert [(c["kind"], c["title"]) for c in contributions] == [
        ("feedback", "M-77 Offene Parkdaten")
    ]
    assert f"/massnahmen/{measure.id}#feedback" in client.get(f"/organisationen/{org_id}").text


def test_html_registration_form_and_duplicate_message(client: TestClient, db: Database) -> None:
    make_user(db, "web@example.org", name="Wendy Web")
    assert client.get("/organisationen/neu", follow_redirects=False).status_code == 303
    login(client, "web@example.org")
    form = {
        "csrf_token": csrf_of(client, "/organisationen/neu"),
        "name": "Domblick Analytics",
        "kind": "company",
        "register_number": "HRB 999",
        "district": "Innenstadt",
        "competences": "KI, Verkehr",
        "website": "",
    }
    made = client.post("/organisationen/neu", data=form, follow_redirects=False)
    assert made.status_code == 303
    page = client.get(made.headers["location"]).text
    assert "Domblick Analytics" in page and "KI, Verkehr" in page and "HRB 999" in page
    again = client.post("/organisationen/neu", data=form)
    assert again.status_code == 422 and "bereits registriert" in again.text
    bad = client.post("/organisationen/neu", data={**form, "name": "X2", "register_number": "12"})
    assert bad.status_code == 422 and "HRB 12345" in bad.text


def test_participation_page_links_to_organisations(client: TestClient, db: Database) -> None:
    page = client.get("/beteiligung").text
    assert 'href="/organisationen"' in page and 'href="/organisationen/neu"' in page


def test_old_address_redirects(client: TestClient, db: Database) -> None:
    with db.session() as session:
        from domstadt.core.auth import directory_service as directory
        from domstadt.core.auth.schemas import OrganisationCreate

        org = directory.organisation_create(
            session,
            actor=system_actor("tests"),
            data=OrganisationCreate(name="IHK Köln", kind="public_body"),
        )
    old = client.get(f"/beteiligung/organisationen/{org.id}", follow_redirects=False)
    assert old.status_code == 301 and old.headers["location"] == f"/organisationen/{org.id}"
