"""The owner department's HTML forms on a challenge page (issue 10): assign jurors, decide on
submissions (shortlisted, finalist, winner, not selected), turn a winner into a measure or an
initiative in one step, and the "Bad input" list answered in German on the pages too."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from domstadt.core.audit import AuditEntry
from domstadt.core.db import Database
from tests.conftest import csrf_of, login
from tests.participation.conftest import bearer, move_to, new_challenge, people, submit

__all__ = ["people"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _post(client: TestClient, page: str, action: str, **fields: Any) -> Any:
    return client.post(
        action, data={"csrf_token": csrf_of(client, page), **fields}, follow_redirects=False
    )


def _actions(db: Database) -> set[str]:
    with db.session() as session:
        return set(session.scalars(select(AuditEntry.action)))


def test_editor_assigns_a_juror_with_the_form_and_the_juror_sees_the_score_form(
    client: TestClient, people: dict[str, Any], db: Database
) -> None:
    cid = new_challenge(client, people["editor"], "submission")
    sid = submit(client, people["ayse"], cid, "Wartemarken per SMS")
    page = f"/wettbewerbe/{cid}"
    login(client, "erik@stadt.example")
    assert "In die Jury berufen" in client.get(page).text
    r = _post(client, page, f"{page}/jury", email="Jula@Example.org ")
    assert r.status_code == 303 and r.headers["location"].endswith("hinweis=jury#jury")
    shown = client.get(r.headers["location"]).text
    assert "Die Person gehört jetzt zur Jury." in shown and "Jula Jurorin" in shown
    # Twice, an unknown address, a malformed one: each a German message naming the rule.
    again = _post(client, page, f"{page}/jury", email="jula@example.org")
    assert again.status_code == 409 and "gehört schon zur Jury" in again.text
    unknown = _post(client, page, f"{page}/jury", email="niemand@example.org")
    assert unknown.status_code == 422 and "kein Konto mit der Adresse" in unknown.text
    empty = _post(client, page, f"{page}/jury", email="x")
    assert empty.status_code == 422 and "E-Mail-Adresse eines Kontos" in empty.text
    assert "challenge.juror_assign" in _actions(db)
    move_to(client, people["editor"], cid, "review")
    login(client, "jula@example.org")
    juror_page = client.get(page).text
    assert f'action="/wettbewerbe/beitraege/{sid}/bewerten"' in juror_page
    assert "In die Jury berufen" not in juror_page  # the jury form is the department's


def test_others_cannot_use_the_jury_form(client: TestClient, people: dict[str, Any]) -> None:
    cid = new_challenge(client, people["editor"], "submission")
    page = f"/wettbewerbe/{cid}"
    anonymous = _post(client, page, f"{page}/jury", email="jula@example.org")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    login(client, "vera@stadt.example")  # an editor of another department
    assert "In die Jury berufen" not in client.get(page).text
    refused = _post(client, page, f"{page}/jury", email="jula@example.org")
    assert refused.status_code == 403


def test_decisions_and_winner_becomes_an_initiative_linked_both_ways(
    client: TestClient, people: dict[str, Any], db: Database
) -> None:
    cid = new_challenge(client, people["editor"], "submission")
    winner = submit(
        client, people["lena"], cid, "Sensorlampen im Bürgeramt", organisation_id=people["org_id"]
    )
    other = submit(client, people["tom"], cid, "Terminbuchung per Telefon")
    page = f"/wettbewerbe/{cid}"
    login(client, "erik@stadt.example")
    early = _post(client, page, f"/wettbewerbe/beitraege/{winner}/status", status="winner")
    assert early.status_code == 409 and "erst nach der Einreichungsfrist" in early.text
    move_to(client, people["editor"], cid, "results")
    for sub, status in ((other, "shortlisted"), (other, "finalist"), (other, "not_selected")):
        r = _post(client, page, f"/wettbewerbe/beitraege/{sub}/status", status=status)
        assert r.status_code == 303, r.text
    bad = _post(client, page, f"/wettbewerbe/beitraege/{other}/status", status="draft")
    assert bad.status_code == 422 and "Bitte wählen Sie einen Status" in bad.text
    not_yet = _post(client, page, f"/wettbewerbe/beitraege/{winner}/initiative", code="")
    assert not_yet.status_code == 409 and "Nur ein Gewinnerbeitrag" in not_yet.text
    _post(client, page, f"/wettbewerbe/beitraege/{winner}/status", status="winner")
    shown = client.get(page).text
    assert "Gewinner wird Initiative" in shown and "Gewinner wird Maßnahme" in shown
    made = _post(client, page, f"/wettbewerbe/beitraege/{winner}/initiative", code="WB-INI-1")
    assert made.status_code == 303 and made.headers["location"].startswith("/initiativen/")
    initiative = client.get(made.headers["location"]).text
    assert "Sensorlampen im Bürgeramt" in initiative
    assert f"/wettbewerbe/{cid}#beitrag-{winner}" in initiative  # back to the challenge
    iid = made.headers["location"].rsplit("/", 1)[1]
    assert f'href="/initiativen/{iid}"' in client.get(page).text  # and forward from it
    sub = client.get(f"/api/v1/submissions/{winner}").json()
    assert sub["initiative_id"] == int(iid) and sub["measure_id"] is None
    twice = _post(client, page, f"/wettbewerbe/beitraege/{winner}/massnahme", code="WB-77")
    assert twice.status_code == 409 and f"schon Initiative {iid}" in twice.text
    assert {"submission.status", "challenge.winner_to_initiative", "initiative.create"} <= (
        _actions(db)
    )
    api = client.get(f"/api/v1/initiatives/{iid}").json()
    assert api["owner_organisation_id"] == people["org_id"] and api["code"] == "WB-INI-1"


def test_winner_becomes_an_initiative_through_the_api(
    client: TestClient, people: dict[str, Any]
) -> None:
    cid = new_challenge(client, people["editor"], "submission")
    sid = submit(client, people["ayse"], cid, "Offene Daten zur Wartezeit")
    move_to(client, people["editor"], cid, "results")
    won = client.post(
        f"/api/v1/submissions/{sid}/status",
        json={"status": "winner"},
        headers=bearer(people["editor"]),
    )
    assert won.status_code == 200, won.text
    anonymous = client.post(f"/api/v1/submissions/{sid}/initiative", json={})
    assert anonymous.status_code == 401
    other = client.post(
        f"/api/v1/submissions/{sid}/initiative", json={}, headers=bearer(people["other_editor"])
    )
    assert other.status_code == 403
    made = client.post(
        f"/api/v1/submissions/{sid}/initiative", json={}, headers=bearer(people["editor"])
    )
    assert made.status_code == 201, made.text
    assert made.json()["url"] == f"/initiativen/{made.json()['initiative_id']}"
    ranking = client.get(f"/api/v1/challenges/{cid}/results").json()["rows"]
    assert ranking[0]["initiative_id"] == made.json()["initiative_id"]


def test_bad_input_of_the_issue_is_answered_in_german_on_the_pages(
    client: TestClient, people: dict[str, Any]
) -> None:
    """Issue 10 "Bad input" through the HTML forms: voting twice, after the phase, for a
    submission of another challenge; submitting after the deadline; scoring outside the
    scale or one's own organisation's entry; an attachment that is not what its name says.
    (Sign-up and lab capacity: tests/web/test_signup.py and the events_labs tests.)"""
    cid = new_challenge(client, people["editor"], "submission")
    elsewhere = new_challenge(client, people["editor"], "submission")
    page = f"/wettbewerbe/{cid}"
    login(client, "lena@startup.example")
    fake = client.post(
        f"{page}/einreichen",
        data={"csrf_token": csrf_of(client, page), "title": "Bild", "summary": ""},
        files={"file": ("plan.pdf", PNG, "application/pdf")},
        follow_redirects=False,
    )
    assert fake.status_code == 422 and "PDF" in fake.text
    assert client.get(f"/api/v1/challenges/{cid}/submissions").json() == []  # nothing half-written
    own = submit(client, people["lena"], cid, "Sensorlampen", organisation_id=people["org_id"])
    foreign = submit(client, people["tom"], elsewhere, "Anderswo")
    client.post(
        f"/api/v1/challenges/{cid}/jurors",
        json={"email": "jan@startup.example"},
        headers=bearer(people["editor"]),
    )
    move_to(client, people["editor"], cid, "review")
    late = _post(client, page, f"{page}/einreichen", title="Zu spät", summary="")
    assert late.status_code == 409 and "Einreichungsfrist" in late.text
    login(client, "jan@startup.example")  # a juror who belongs to the submitting start-up
    conflicted = _post(client, page, f"/wettbewerbe/beitraege/{own}/bewerten", value_0="5")
    assert conflicted.status_code == 409 and "Befangenheit" in conflicted.text
    login(client, "erik@stadt.example")
    client.post(
        f"/api/v1/challenges/{cid}/jurors",
        json={"email": "jula@example.org"},
        headers=bearer(people["editor"]),
    )
    login(client, "jula@example.org")
    outside = _post(client, page, f"/wettbewerbe/beitraege/{own}/bewerten", value_0="11")
    assert outside.status_code == 422 and "zwischen 0 und 10" in outside.text
    words = _post(client, page, f"/wettbewerbe/beitraege/{own}/bewerten", value_0="viel")
    assert words.status_code == 422 and "ganze Zahl" in words.text
    move_to(client, people["editor"], cid, "vote")
    login(client, "ayse@example.org")
    wrong = _post(client, page, f"{page}/abstimmen", submission_id=str(foreign))
    assert wrong.status_code == 422 and f"gehört nicht zu Wettbewerb {cid}" in wrong.text
    first = _post(client, page, f"{page}/abstimmen", submission_id=str(own))
    assert first.status_code == 303
    second = _post(client, page, f"{page}/abstimmen", submission_id=str(own))
    assert second.status_code == 409 and "eine Stimme pro Wettbewerb" in second.text
    move_to(client, people["editor"], cid, "results")
    login(client, "tom@example.org")
    closed = _post(client, page, f"{page}/abstimmen", submission_id=str(own))
    assert closed.status_code == 409 and "Abstimmung ist beendet" in closed.text
