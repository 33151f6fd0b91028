"""Challenges (issue 10): editors announce them, phases follow the dates, people submit
before the deadline with checked attachments, and pages and API show them."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from domstadt.core.db import Database
from tests.participation.conftest import (
    bearer,
    challenge_body,
    move_to,
    new_challenge,
    submit,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_editor_announces_and_api_lists_phase(client: TestClient, people: dict[str, Any]) -> None:
    cid = new_challenge(client, people["editor"], "submission", measure_ids=[], kind="hackathon")
    listed = client.get("/api/v1/challenges").json()
    assert [(c["id"], c["title"], c["phase"]) for c in listed] == [
        (cid, "Ideen für ein digitales Rathaus", "submission")
    ]
    one = client.get(f"/api/v1/challenges/{cid}").json()
    assert one["criteria"][0] == {"name": "Wirkung", "weight": 2.0}
    assert one["department_code"] == "DIG" and "Publikumsstimmen" in one["tie_rule"]
    move_to(client, people["editor"], cid, "vote")
    assert client.get("/api/v1/challenges").json()[0]["phase"] == "vote"


def test_only_editors_of_the_owner_department_write(
    client: TestClient, people: dict[str, Any]
) -> None:
    body = challenge_body("submission")
    assert client.post("/api/v1/challenges", json=body).status_code == 401
    member = client.post("/api/v1/challenges", json=body, headers=bearer(people["ayse"]))
    assert member.status_code == 403
    other = client.post("/api/v1/challenges", json=body, headers=bearer(people["other_editor"]))
    assert other.status_code == 403 and "eigenen" in other.json()["error"]["message"]
    cid = new_challenge(client, people["editor"], "submission")
    patch = client.patch(
        f"/api/v1/challenges/{cid}", json={"title": "Fremd"}, headers=bearer(people["other_editor"])
    )
    assert patch.status_code == 403


def test_bad_challenges_are_refused_with_the_rule(
    client: TestClient, people: dict[str, Any]
) -> None:
    headers = bearer(people["editor"])
    body = challenge_body("submission")
    body["vote_opens"], body["review_opens"] = body["review_opens"], body["vote_opens"]
    r = client.post("/api/v1/challenges", json=body, headers=headers)
    assert r.status_code == 422 and "Reihenfolge" in r.json()["error"]["message"]
    r = client.post(
        "/api/v1/challenges",
        json=challenge_body("submission", scale_min=5, scale_max=5),
        headers=headers,
    )
    assert r.status_code == 422 and "Bewertungsskala" in r.json()["error"]["message"]
    r = client.post(
        "/api/v1/challenges", json=challenge_body("submission", department="XX"), headers=headers
    )
    assert r.status_code == 422 and "XX" in r.json()["error"]["message"]
    assert client.get("/api/v1/challenges").json() == []


def test_submission_before_and_after_the_deadline(
    client: TestClient, people: dict[str, Any]
) -> None:
    cid = new_challenge(client, people["editor"], "submission")
    sid = submit(client, people["ayse"], cid, "Termin-App für Bürgerämter")
    draft = client.post(
        f"/api/v1/challenges/{cid}/submissions",
        json={"title": "Noch ein Entwurf"},
        headers=bearer(people["tom"]),
    )
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    listed = client.get(f"/api/v1/challenges/{cid}/submissions").json()
    assert listed == [
        {
            "id": sid,
            "title": "Termin-App für Bürgerämter",
            "status": "submitted",
            "author_name": "Ayşe",
            "organisation_name": "",
        }
    ]
    assert client.get(f"/api/v1/submissions/{draft.json()['id']}").status_code == 404

    move_to(client, people["editor"], cid, "review")
    late = client.post(
        f"/api/v1/challenges/{cid}/submissions",
        json={"title": "Zu spät", "submit": True},
        headers=bearer(people["tom"]),
    )
    assert late.status_code == 409 and "Einreichungsfrist" in late.json()["error"]["message"]
    late_draft = client.post(
        f"/api/v1/submissions/{draft.json()['id']}/submit", headers=bearer(people["tom"])
    )
    assert late_draft.status_code == 409 and "abgelaufen" in late_draft.json()["error"]["message"]
    assert len(client.get(f"/api/v1/challenges/{cid}/submissions").json()) == 1


def test_submitting_for_an_organisation_needs_membership(
    client: TestClient, people: dict[str, Any]
) -> None:
    cid = new_challenge(client, people["editor"], "submission")
    sid = submit(
        client, people["lena"], cid, "Sensorik für Parkplätze", organisation_id=people["org_id"]
    )
    assert client.get(f"/api/v1/submissions/{sid}").json()["organisation_name"] == "Domblick UG"
    r = client.post(
        f"/api/v1/challenges/{cid}/submissions",
        json={"title": "Fremd", "organisation_id": people["org_id"]},
        headers=bearer(people["ayse"]),
    )
    assert r.status_code == 403 and "Mitglied" in r.json()["error"]["message"]


def test_similar_earlier_submissions_are_shown_on_submit(
    client: TestClient, people: dict[str, Any]
) -> None:
    cid = new_challenge(client, people["editor"], "submission")
    submit(client, people["ayse"], cid, "Digitale Terminvergabe im Bürgeramt")
    r = client.post(
        f"/api/v1/challenges/{cid}/submissions",
        json={"title": "Digitale Terminvergabe für das Bürgeramt", "submit": True},
        headers=bearer(people["tom"]),
    )
    similar = r.json()["similar"]
    assert similar and similar[0]["kind"] == "challenge_submission"
    assert similar[0]["title"].startswith("Digitale Terminvergabe im Bürgeramt")


def test_attachments_are_checked_by_content(client: TestClient, people: dict[str, Any]) -> None:
    cid = new_challenge(client, people["editor"], "submission")
    sid = submit(client, people["ayse"], cid, "Konzept mit Anhang")
    url = f"/api/v1/submissions/{sid}/attachments"
    headers = bearer(people["ayse"])
    ok = client.post(url, files={"file": ("konzept.pdf", PDF, "application/pdf")}, headers=headers)
    assert ok.status_code == 201 and ok.json()["media_type"] == "application/pdf"
    lie = client.post(url, files={"file": ("bild.pdf", PNG, "application/pdf")}, headers=headers)
    assert lie.status_code == 422 and "passt nicht zur Endung" in lie.json()["error"]["message"]
    exe = client.post(
        url, files={"file": ("tool.exe", b"MZ\x90\x00", "application/pdf")}, headers=headers
    )
    assert exe.status_code == 422 and "PDF, PNG und JPEG" in exe.json()["error"]["message"]
    big = b"%PDF-" + b"0" * (10 * 1024 * 1024)
    too_big = client.post(
        url, files={"file": ("gross.pdf", big, "application/pdf")}, headers=headers
    )
    assert too_big.status_code in (413, 422)
    other = client.post(
        url, files={"file": ("k.pdf", PDF, "application/pdf")}, headers=bearer(people["tom"])
    )
    assert other.status_code == 403
    files = client.get(f"/api/v1/submissions/{sid}").json()["attachments"]
    assert [f["filename"] for f in files] == ["konzept.pdf"]
    download = client.get(files[0]["url"])
    assert download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.headers["content-security-policy"] == "default-src 'none'; sandbox"


def test_pages_show_challenge_and_submissions(
    client: TestClient, people: dict[str, Any], db: Database
) -> None:
    cid = new_challenge(client, people["editor"], "submission")
    submit(client, people["ayse"], cid, "<script>alert(1)</script> Idee")
    listing = client.get("/wettbewerbe")
    assert listing.status_code == 200 and "Einreichung offen" in listing.text
    page = client.get(f"/wettbewerbe/{cid}")
    assert "Ideen für ein digitales Rathaus" in page.text and "Gleichstand" in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Idee" in page.text
    assert "<script>alert(1)" not in page.text
    assert client.get("/wettbewerbe/999999").status_code == 404


def test_submit_form_refuses_a_lying_attachment_and_writes_nothing(
    client: TestClient, people: dict[str, Any], db: Database
) -> None:
    from tests.conftest import csrf_of, login

    cid = new_challenge(client, people["editor"], "submission")
    login(client, "ayse@example.org")
    token = csrf_of(client, f"/wettbewerbe/{cid}")
    lie = client.post(
        f"/wettbewerbe/{cid}/einreichen",
        data={"csrf_token": token, "title": "Mit falschem Anhang"},
        files={"file": ("plan.pdf", PNG, "application/pdf")},
    )
    assert lie.status_code == 422 and "passt nicht zur Endung" in lie.text
    assert client.get(f"/api/v1/challenges/{cid}/submissions").json() == []
    ok = client.post(
        f"/wettbewerbe/{cid}/einreichen",
        data={"csrf_token": token, "title": "Mit echtem Anhang"},
        files={"file": ("plan.pdf", PDF, "application/pdf")},
    )
    assert ok.status_code == 200 and "Vielen Dank für Ihren Beitrag" in ok.text
    assert "plan.pdf" in ok.text
    move_to(client, people["editor"], cid, "review")
    late = client.post(
        f"/wettbewerbe/{cid}/einreichen", data={"csrf_token": token, "title": "Zu spät"}
    )
    assert late.status_code == 409 and "Einreichungsfrist" in late.text
    no_csrf = client.post(f"/wettbewerbe/{cid}/einreichen", data={"title": "Ohne Token"})
    assert no_csrf.status_code == 403
