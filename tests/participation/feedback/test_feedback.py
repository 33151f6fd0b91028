"""Feedback on measures (S1.1): people and verified organisations comment and rate, the page
and the API show the aggregate split into companies and citizens, reports reach moderators."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from domstadt.core.auth import directory_service as directory
from domstadt.core.auth.models import OrganisationKind, Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.auth.schemas import OrganisationCreate
from domstadt.core.db import Database
from domstadt.participation import moderation_service
from tests.conftest import csrf_of, login, make_token, make_user
from tests.masterplan.conftest import add_measure


def _org(db: Database, name: str, member: str, verified: bool) -> int:
    actor = system_actor("tests")
    with db.session() as session:
        org = directory.organisation_create(
            session, actor=actor, data=OrganisationCreate(name=name, kind=OrganisationKind.COMPANY)
        )
        if verified:
            directory.organisation_verify(session, actor=actor, organisation_id=org.id)
        directory.organisation_add_member(
            session, actor=actor, organisation_id=org.id, email=member
        )
        return org.id


@pytest.fixture
def people(plan: Database) -> dict[str, int]:
    """A company member (verified), a start-up member (unverified), a citizen, a moderator."""
    make_user(plan, "lena@rheinland.example", name="Lena Schmitz")
    make_user(plan, "jonas@domblick.example", name="Jonas Becker")
    make_user(plan, "ayse@example.org", name="Ayşe Yılmaz")
    make_user(plan, "mod@stadt.example", Role.MODERATOR, name="Moritz Moderator")
    return {
        "verified": _org(plan, "Rheinland Digital GmbH", "lena@rheinland.example", True),
        "unverified": _org(plan, "Domblick Analytics UG", "jonas@domblick.example", False),
    }


def _form_post(client: TestClient, measure_id: int, **data: str) -> object:
    token = csrf_of(client, f"/massnahmen/{measure_id}")
    return client.post(
        f"/massnahmen/{measure_id}/feedback",
        data={"csrf_token": token, **data},
        follow_redirects=False,
    )


def test_voices_are_aggregated_by_companies_and_citizens(
    plan: Database, client: TestClient, people: dict[str, int]
) -> None:
    m = add_measure(plan, code="DV-01", title="Digitale Gewerbeanmeldung")
    lena = {"Authorization": f"Bearer {make_token(plan, 'lena@rheinland.example')}"}
    sent = client.post(
        f"/api/v1/measures/{m.id}/feedback",
        json={
            "relevance": 5,
            "stance": "support",
            "comment": "Spart uns Wochen.",
            "organisation_id": people["verified"],
        },
        headers=lena,
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["voice"] == "company"
    assert sent.json()["organisation_name"] == "Rheinland Digital GmbH"

    login(client, "ayse@example.org")
    page = client.get(f"/massnahmen/{m.id}")
    assert "Myself (personal voice)" not in page.text and "Ich selbst" not in page.text
    response = _form_post(
        client, m.id, relevance="2", stance="concern", comment="Bitte auch analog anbieten."
    )
    assert response.status_code == 303  # type: ignore[attr-defined]

    page = client.get(f"/massnahmen/{m.id}")
    assert "Bitte auch analog anbieten." in page.text
    assert "Spart uns Wochen." in page.text and "Rheinland Digital GmbH" in page.text
    assert "Unternehmen und Organisationen" in page.text

    data = client.get(f"/api/v1/measures/{m.id}/feedback").json()
    agg = data["aggregate"]
    assert agg["all"]["count"] == 2 and agg["all"]["mean_relevance"] == 3.5
    assert agg["companies"] == {
        "count": 1,
        "mean_relevance": 5.0,
        "stance": {"support": 1, "neutral": 0, "concern": 0},
    }
    assert agg["citizens"]["stance"]["concern"] == 1
    assert [i["author_name"] for i in data["items"]] == ["Ayşe Yılmaz", "Lena Schmitz"]

    summary = client.get("/api/v1/feedback/summary?field=digitale-verwaltung").json()
    assert summary["total"]["all"]["count"] == 2
    assert summary["fields"][0]["aggregate"]["companies"]["count"] == 1
    assert client.get("/api/v1/feedback/summary?field=gibt-es-nicht").status_code == 404


def test_only_members_of_verified_organisations_speak_for_them(
    plan: Database, client: TestClient, people: dict[str, int]
) -> None:
    m = add_measure(plan, code="DV-02", title="Open-Data-Portal")
    jonas = {"Authorization": f"Bearer {make_token(plan, 'jonas@domblick.example')}"}
    body = {"relevance": 4, "stance": "support", "organisation_id": people["unverified"]}
    refused = client.post(f"/api/v1/measures/{m.id}/feedback", json=body, headers=jonas)
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "organisation_id"
    assert "nicht verifiziert" in refused.json()["error"]["message"]
    body["organisation_id"] = people["verified"]
    foreign = client.post(f"/api/v1/measures/{m.id}/feedback", json=body, headers=jonas)
    assert foreign.status_code == 403
    assert client.get(f"/api/v1/measures/{m.id}/feedback").json()["items"] == []

    login(client, "jonas@domblick.example")
    page = client.get(f"/massnahmen/{m.id}")
    assert "Domblick Analytics UG" not in page.text  # unverified: not offered in the form


def test_sending_again_replaces_and_bad_input_is_named(
    plan: Database, client: TestClient, people: dict[str, int]
) -> None:
    m = add_measure(plan, code="DV-03", title="Bürgerkonto")
    login(client, "ayse@example.org")
    assert _form_post(client, m.id, relevance="3", stance="neutral").status_code == 303  # type: ignore[attr-defined]
    assert _form_post(client, m.id, relevance="5", stance="support").status_code == 303  # type: ignore[attr-defined]
    items = client.get(f"/api/v1/measures/{m.id}/feedback").json()["items"]
    assert [(i["relevance"], i["stance"]) for i in items] == [(5, "support")]

    bad = _form_post(client, m.id, relevance="9", stance="support")
    assert bad.status_code == 422  # type: ignore[attr-defined]
    assert "Relevanz von 1 bis 5" in bad.text  # type: ignore[attr-defined]

    partial = client.post(
        f"/massnahmen/{m.id}/feedback",
        data={"csrf_token": csrf_of(client, f"/massnahmen/{m.id}"), "relevance": "1"},
        headers={"HX-Request": "true"},
    )
    assert partial.status_code == 200
    assert "<html" not in partial.text and "Haltung" in partial.text
    assert 'role="alert"' in partial.text


def test_anonymous_people_read_but_do_not_comment(plan: Database, client: TestClient) -> None:
    m = add_measure(plan, code="DV-04", title="E-Akte")
    response = client.post(
        f"/api/v1/measures/{m.id}/feedback", json={"relevance": 3, "stance": "neutral"}
    )
    assert response.status_code == 401
    assert "Anmelden" in client.get(f"/massnahmen/{m.id}").text


def test_reported_comment_is_hidden_by_a_moderator(
    plan: Database, client: TestClient, people: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    m = add_measure(plan, code="DV-05", title="Digitales Bauamt")
    lena = {"Authorization": f"Bearer {make_token(plan, 'lena@rheinland.example')}"}
    fid = client.post(
        f"/api/v1/measures/{m.id}/feedback",
        json={"relevance": 1, "stance": "concern", "comment": "Kauft bei uns: www.spam.example"},
        headers=lena,
    ).json()["id"]

    token = csrf_of(client, f"/massnahmen/{m.id}")  # anonymous visitor
    report = {"csrf_token": token, "reason": "spam", "measure_id": str(m.id)}
    assert client.post(f"/feedback/{fid}/melden", data=report).status_code == 200
    assert client.post(f"/feedback/{fid}/melden", data=report).status_code == 409
    monkeypatch.setattr(moderation_service, "REPORTS_PER_HOUR", 1)
    other = client.post(
        f"/api/v1/measures/{m.id}/feedback",
        json={"relevance": 2, "stance": "neutral", "comment": "Zweite Stimme"},
        headers={"Authorization": f"Bearer {make_token(plan, 'ayse@example.org')}"},
    ).json()["id"]
    limited = client.post(f"/api/v1/feedback/{other}/reports", json={"reason": "abuse"})
    assert limited.status_code == 429
    assert client.get("/api/v1/moderation/feedback").status_code == 401

    login(client, "lena@rheinland.example")
    assert client.get("/moderation").status_code == 403  # moved to /admin/moderation
    login(client, "mod@stadt.example")
    queue = client.get("/moderation")
    assert queue.url.path == "/admin/moderation"
    assert "www.spam.example" in queue.text and "Spam oder Werbung" in queue.text
    assert len(client.get("/api/v1/moderation/feedback").json()[0]["reports"]) == 1
    hide = client.post(
        f"/moderation/{fid}/ausblenden",
        data={"csrf_token": csrf_of(client, "/admin/moderation"), "reason": "Werbung"},
        follow_redirects=False,
    )
    assert hide.status_code == 303
    assert "www.spam.example" not in client.get(f"/massnahmen/{m.id}").text
    left = client.get(f"/api/v1/measures/{m.id}/feedback").json()
    assert [f["comment"] for f in left["items"]] == ["Zweite Stimme"]
    assert left["aggregate"]["all"]["count"] == 1
    assert client.get("/api/v1/moderation/feedback").json() == []

    make_user(plan, "admin@stadt.example", Role.ADMIN)
    admin = {"Authorization": f"Bearer {make_token(plan, 'admin@stadt.example')}"}
    log = client.get("/api/v1/audit?entity_type=measure_feedback", headers=admin).json()["items"]
    log = [e for e in log if e["entity_id"] == str(fid)]
    actions = [e["action"] for e in log]
    assert actions[:3] == ["moderation.hide", "moderation.report", "feedback.create"]
    assert log[0]["after"]["hidden_reason"] == "Werbung"
    assert "www.spam.example" in log[0]["before"]["text"]


def test_reporting_a_comment_that_cannot_exist_is_404(client: TestClient, plan: Database) -> None:
    """Found by the fuzz stage: a negative or 64-bit id reached the engine's schema (a 500)."""
    for feedback_id in (-7782, 0, 2**40):
        r = client.post(f"/api/v1/feedback/{feedback_id}/reports", json={"reason": "spam"})
        assert r.status_code == 404, r.text
