"""Labs and UX tests at /labore: SUS scoring (Brooke 1996) against known examples, the 422
rules, the mean with its t-distribution interval per service, sign-up with capacity and
waiting list, findings, permissions and the participants' form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from starlette.testclient import TestClient

from domstadt.core.db import Database
from domstadt.participation.labs import sus
from tests.conftest import csrf_of, login
from tests.participation.events_labs.conftest import bearer

SOON = (dt.date.today() + dt.timedelta(days=14)).isoformat()


@pytest.mark.parametrize(
    ("answers", "score"),
    [
        ([3] * 10, 50.0),
        ([5, 1] * 5, 100.0),
        ([1, 5] * 5, 0.0),
        ([4, 2, 4, 2, 4, 2, 4, 2, 4, 2], 75.0),
        # Brooke (1996), worked example: odd items 4,4,5,4,4 → 3+3+4+3+3; even 2,1,2,1,2 →
        # 3+4+3+4+3; total 33 → 82.5
        ([4, 2, 4, 1, 5, 2, 4, 1, 4, 2], 82.5),
    ],
)
def test_sus_score_known_examples(answers: list[int], score: float) -> None:
    assert sus.score(answers) == score


def test_t_quantiles_match_tables() -> None:
    assert sus.t_quantile(0.975, 1) == pytest.approx(12.7062, abs=1e-4)
    assert sus.t_quantile(0.975, 11) == pytest.approx(2.2010, abs=1e-4)
    assert sus.t_quantile(0.975, 30) == pytest.approx(2.0423, abs=1e-4)
    mean, low, high = sus.mean_interval([60.0, 70.0, 80.0, 90.0])
    # mean 75, s = 12.91, t(0.975, 3) = 3.1824 → ± 20.54
    assert (mean, low, high) == (
        75.0,
        pytest.approx(54.46, abs=0.01),
        pytest.approx(95.54, abs=0.01),
    )
    assert sus.mean_interval([70.0]) == (70.0, None, None)


def _lab(**values: Any) -> dict[str, Any]:
    return {
        "title": "UX-Test Bürgerkonto",
        "kind": "ux_test",
        "department_code": "DIG",
        "service_name": "Bürgerkonto",
        "starts_at": f"{SOON}T10:00:00",
        "place": "Stadthaus Deutz, Raum 12",
        "capacity": 2,
        "tasks": ["Melden Sie sich an.", "Ändern Sie Ihre Adresse."],
        **values,
    }


def _create(client: TestClient, db: Database, **values: Any) -> dict[str, Any]:
    response = client.post(
        "/api/v1/ux-tests", json=_lab(**values), headers=bearer(db, "erik@stadt.example")
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_sus_api_scores_and_refuses_bad_answers(
    plan: Database, client: TestClient, people: dict[str, object]
) -> None:
    lab = _create(client, plan)
    url = f"/api/v1/ux-tests/{lab['id']}/sus"
    anna = bearer(plan, "anna@example.org")
    sent = client.post(url, json={"answers": [3] * 10}, headers=anna)
    assert sent.status_code == 201 and sent.json()["score"] == 50.0
    best = client.post(url, json={"answers": [5, 1] * 5}, headers=bearer(plan, "ben@example.org"))
    assert best.json()["score"] == 100.0
    bad = [
        ({"answers": [3] * 9}, "genau zehn"),
        ({"answers": [3] * 11}, "genau zehn"),
        ({"answers": [3] * 9 + [6]}, "Antwort 10"),
        ({"answers": [0] + [3] * 9}, "Antwort 1 "),
        ({"answers": [3.5] + [3] * 9}, "ganze Zahl"),
        ({"answers": ["3"] * 10}, "ganze Zahl"),
        ({"answers": [True] * 10}, "ganze Zahl"),
        ({}, "genau zehn"),
        ({"answers": "3333333333"}, "genau zehn"),
    ]
    for body, text in bad:
        response = client.post(url, json=body, headers=anna)
        assert response.status_code == 422, (body, response.text)
        assert text in response.json()["error"]["message"]
    assert client.post(url, json={"answers": [3] * 10}).status_code == 401
    assert (
        client.post(
            "/api/v1/ux-tests/999/sus", json={"answers": [3] * 10}, headers=anna
        ).status_code
        == 404
    )
    summary = client.get(f"/api/v1/ux-tests/{lab['id']}").json()["sus"]
    assert summary["count"] == 2 and summary["mean"] == 75.0
    again = client.post(url, json={"answers": [4, 2] * 5}, headers=anna)
    assert again.status_code == 201
    summary = client.get(f"/api/v1/ux-tests/{lab['id']}").json()["sus"]
    assert summary["count"] == 2 and summary["mean"] == 87.5  # anna's answer replaced


def test_service_mean_interval_and_trend(
    plan: Database, client: TestClient, people: dict[str, object]
) -> None:
    first = _create(client, plan, starts_at=f"{SOON}T10:00:00")
    later = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    second = _create(client, plan, title="UX-Test Bürgerkonto II", starts_at=f"{later}T10:00:00")
    for lab, email, answers in (
        (first, "anna", [3] * 10),
        (first, "ben", [4, 2] * 5),
        (second, "anna", [5, 1] * 5),
        (second, "cem", [4, 2] * 5),
    ):
        r = client.post(
            f"/api/v1/ux-tests/{lab['id']}/sus",
            json={"answers": answers},
            headers=bearer(plan, f"{email}@example.org"),
        )
        assert r.status_code == 201
    overview = client.get("/api/v1/ux-tests").json()
    assert [i["id"] for i in overview["items"]] == [first["id"], second["id"]]
    (service,) = overview["services"]
    assert service["service_name"] == "Bürgerkonto"
    mean, low, high = sus.mean_interval([50.0, 75.0, 100.0, 75.0])
    assert service["sus"] == {"count": 4, "mean": mean, "ci_low": low, "ci_high": high}
    assert [p["sus"]["mean"] for p in service["trend"]] == [62.5, 87.5]
    page = client.get("/labore")
    assert page.status_code == 200
    assert 'id="sus-charts"' in page.text and "data-charts=" in page.text
    assert "Bürgerkonto" in page.text and "75.0" in page.text


def test_signup_capacity_waiting_list_and_move_up(
    plan: Database, client: TestClient, people: dict[str, object]
) -> None:
    lab = _create(client, plan, capacity=1)
    url = f"/api/v1/ux-tests/{lab['id']}/signups"
    anna, ben, cem = (bearer(plan, f"{n}@example.org") for n in ("anna", "ben", "cem"))
    assert client.post(url, headers=anna).json()["status"] == "confirmed"
    refused = client.post(url + "?waiting_list=false", headers=ben)
    assert refused.status_code == 409 and "ausgebucht" in refused.text
    assert client.post(url, headers=ben).json() == {
        "session_id": lab["id"],
        "status": "waiting",
        "waiting_position": 1,
    }
    assert client.post(url, headers=cem).json()["waiting_position"] == 2
    assert client.delete(f"/api/v1/ux-tests/{lab['id']}/signup", headers=anna).status_code == 200
    state = client.get(f"/api/v1/ux-tests/{lab['id']}").json()
    assert (state["registered"], state["waiting"]) == (1, 1)
    login(client, "ben@example.org")
    assert "Sie haben einen Platz." in client.get(f"/labore/{lab['id']}").text


def test_permissions_findings_and_moderation(
    plan: Database, client: TestClient, people: dict[str, object]
) -> None:
    refused = client.post(
        "/api/v1/ux-tests", json=_lab(), headers=bearer(plan, "vera@stadt.example")
    )
    assert refused.status_code == 403
    member = client.post("/api/v1/ux-tests", json=_lab(), headers=bearer(plan, "anna@example.org"))
    assert member.status_code == 403
    none = client.post(
        "/api/v1/ux-tests",
        json=_lab(service_name="", measure_id=None),
        headers=bearer(plan, "erik@stadt.example"),
    )
    assert none.status_code == 422 and "service_name" in none.text
    lab = _create(client, plan)
    finding = {"severity": "major", "text": "Das Adressfeld <b>akzeptiert</b> keine Umlaute."}
    url = f"/api/v1/ux-tests/{lab['id']}/findings"
    assert (
        client.post(url, json=finding, headers=bearer(plan, "anna@example.org")).status_code == 403
    )
    assert (
        client.post(
            url, json={**finding, "severity": "huge"}, headers=bearer(plan, "erik@stadt.example")
        ).status_code
        == 422
    )
    added = client.post(url, json=finding, headers=bearer(plan, "erik@stadt.example"))
    assert added.status_code == 201
    page = client.get(f"/labore/{lab['id']}").text
    assert "&lt;b&gt;akzeptiert&lt;/b&gt;" in page and "schwer" in page
    hide = f"/api/v1/ux-findings/{added.json()['id']}/hide"
    assert (
        client.post(
            hide, json={"reason": "Doppelt"}, headers=bearer(plan, "erik@stadt.example")
        ).status_code
        == 403
    )
    assert (
        client.post(
            hide, json={"reason": "Doppelt"}, headers=bearer(plan, "mod@stadt.example")
        ).status_code
        == 204
    )
    assert client.get(f"/api/v1/ux-tests/{lab['id']}").json()["findings"] == []


def test_participant_form_scores_and_explains_errors(
    plan: Database, client: TestClient, people: dict[str, object]
) -> None:
    lab = _create(client, plan)
    login(client, "anna@example.org")
    page = client.get(f"/labore/{lab['id']}")
    assert "Ich fand das System einfach zu benutzen." in page.text
    token = csrf_of(client, f"/labore/{lab['id']}")
    answers = {f"q{i}": "3" for i in range(1, 10)}
    missing = client.post(f"/labore/{lab['id']}/sus", data={"csrf_token": token, **answers})
    assert missing.status_code == 422 and "Aussage 10" in missing.text
    answers["q10"] = "7"
    wrong = client.post(f"/labore/{lab['id']}/sus", data={"csrf_token": token, **answers})
    assert wrong.status_code == 422 and "Antwort 10" in wrong.text
    answers["q10"] = "3"
    sent = client.post(f"/labore/{lab['id']}/sus", data={"csrf_token": token, **answers})
    assert sent.status_code == 200 and "SUS-Wert von 50" in sent.text
    assert client.get(f"/api/v1/ux-tests/{lab['id']}").json()["sus"]["count"] == 1


def test_full_session_through_the_page_says_so_and_names_the_waiting_list(
    plan: Database, client: TestClient, people: dict[str, object]
) -> None:
    """Issue 10 "Bad input": a lab session over capacity, through the page's form."""
    lab = _create(client, plan, capacity=1)
    page = f"/labore/{lab['id']}"
    for email, notice in (("anna@example.org", "confirmed"), ("ben@example.org", "waiting")):
        login(client, email)
        done = client.post(
            f"{page}/anmelden", data={"csrf_token": csrf_of(client, page)}, follow_redirects=False
        )
        assert done.status_code == 303 and done.headers["location"].endswith(f"hinweis={notice}")
    shown = client.get(f"{page}?hinweis=waiting").text
    assert "Der Termin ist ausgebucht: Sie stehen auf der Warteliste" in shown
    assert "Sie stehen auf der Warteliste, Platz 1." in shown
    state = client.get(f"/api/v1/ux-tests/{lab['id']}").json()
    assert (state["registered"], state["waiting"]) == (1, 1)  # nobody over the capacity
