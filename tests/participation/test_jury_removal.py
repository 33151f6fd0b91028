"""Removing a juror (issue 10) from a challenge or a problem statement, by API and on the page:
their scores go with them while the jury still scores; once the jury's scores are shown,
someone who has scored stays. Audited with the deleted scores."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from domstadt.core.audit import AuditEntry
from domstadt.core.db import Database
from tests.conftest import csrf_of, login
from tests.participation.conftest import bearer, move_to, new_challenge, people, submit
from tests.participation.test_pitches import move_to as move_statement
from tests.participation.test_pitches import new_statement, pitch

__all__ = ["people"]


def _jurors(client: TestClient, path: str, token: str) -> dict[str, dict[str, Any]]:
    r = client.get(f"{path}/jurors", headers=bearer(token))
    assert r.status_code == 200, r.text
    return {j["name"]: j for j in r.json()}


def _assign(client: TestClient, path: str, token: str, *emails: str) -> None:
    for email in emails:
        r = client.post(f"{path}/jurors", json={"email": email}, headers=bearer(token))
        assert r.status_code == 204, r.text


def _score(client: TestClient, token: str, path: str, *values: int) -> None:
    body = {"scores": [{"criterion": i, "value": v} for i, v in enumerate(values)]}
    r = client.put(f"{path}/scores", json=body, headers=bearer(token))
    assert r.status_code == 200, r.text


def _removals(db: Database) -> list[AuditEntry]:
    with db.session() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action.like("%.juror_remove"))
            ).all()
        )


def test_challenge_juror_removal_by_api_deletes_their_scores_until_published(
    client: TestClient, people: dict[str, Any], db: Database
) -> None:
    editor = people["editor"]
    cid = new_challenge(client, editor, "submission")
    sid = submit(client, people["ayse"], cid, "Bürgeramt ohne Warteschlange")
    api = f"/api/v1/challenges/{cid}"
    _assign(client, api, editor, "jan@startup.example", "jula@example.org", "tom@example.org")
    move_to(client, editor, cid, "review")
    _score(client, people["jan"], f"/api/v1/submissions/{sid}", 6, 6)
    _score(client, people["jula"], f"/api/v1/submissions/{sid}", 10, 10)
    jurors = _jurors(client, api, editor)
    assert jurors["Jula Jurorin"]["scored"] == 1 and jurors["Tom"]["scored"] == 0
    jula, jan, tom = (jurors[n]["user_id"] for n in ("Jula Jurorin", "Jan Juror", "Tom"))
    # Only the owner department: a citizen, another department's editor, nobody at all.
    assert client.get(f"{api}/jurors", headers=bearer(people["ayse"])).status_code == 403
    for token, status in ((people["ayse"], 403), (people["other_editor"], 403)):
        r = client.delete(f"{api}/jurors/{jula}", headers=bearer(token))
        assert r.status_code == status, r.text
    assert client.delete(f"{api}/jurors/{jula}").status_code == 401
    not_juror = client.delete(f"{api}/jurors/{jula + 1000}", headers=bearer(editor))
    assert not_juror.status_code == 404 and "gehört nicht zur Jury" in not_juror.text

    removed = client.delete(f"{api}/jurors/{jula}", headers=bearer(editor))
    assert removed.status_code == 204 and removed.content == b""
    assert "Jula Jurorin" not in client.get(api).json()["jurors"]
    assert client.delete(f"{api}/jurors/{jula}", headers=bearer(editor)).status_code == 404
    (entry,) = _removals(db)
    assert entry.action == "challenge.juror_remove" and entry.entity_id == str(cid)
    assert entry.before["juror"] == "jula@example.org"
    assert [s["value"] for s in entry.before["scores"]] == [10, 10]
    assert entry.after["removed_scores"] == 2

    move_to(client, editor, cid, "vote")  # jury scores are shown now: only Jan's count
    row = client.get(f"{api}/results").json()["rows"][0]
    assert row["jury_score"] == 6.0
    kept = client.delete(f"{api}/jurors/{jan}", headers=bearer(editor))
    assert kept.status_code == 409
    assert "Jan Juror hat schon 1 Beiträge bewertet" in kept.json()["error"]["message"]
    assert "Jurywertung" in kept.json()["error"]["message"]
    assert client.delete(f"{api}/jurors/{tom}", headers=bearer(editor)).status_code == 204
    assert set(_jurors(client, api, editor)) == {"Jan Juror"}


def test_problem_statement_juror_removal_by_api(
    client: TestClient, people: dict[str, Any], db: Database
) -> None:
    editor = people["editor"]
    sid = new_statement(client, editor)
    api = f"/api/v1/problem-statements/{sid}"
    r = pitch(client, people["lena"], sid, people["org_id"])
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    _assign(client, api, editor, "jula@example.org", "tom@example.org")
    move_statement(client, editor, sid, "review")
    _score(client, people["jula"], f"/api/v1/pitches/{pid}", 8, 6)
    jurors = _jurors(client, api, editor)
    assert jurors["Jula Jurorin"]["scored"] == 1
    jula, tom = jurors["Jula Jurorin"]["user_id"], jurors["Tom"]["user_id"]
    assert client.delete(f"{api}/jurors/{jula}", headers=bearer(people["tom"])).status_code == 403
    assert client.delete(f"{api}/jurors/{jula}", headers=bearer(editor)).status_code == 204
    assert client.delete(f"{api}/jurors/{jula}", headers=bearer(editor)).status_code == 404
    assert "Jula Jurorin" not in client.get(api).json()["jurors"]
    (entry,) = _removals(db)
    assert entry.action == "problem_statement.juror_remove" and entry.after["removed_scores"] == 2
    move_statement(client, editor, sid, "results")
    assert client.get(f"{api}/results").json()["rows"][0]["jury_score"] is None  # none left
    assert client.delete(f"{api}/jurors/{tom}", headers=bearer(editor)).status_code == 204
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "delete" in paths["/api/v1/problem-statements/{statement_id}/jurors/{user_id}"]
    assert "delete" in paths["/api/v1/challenges/{challenge_id}/jurors/{user_id}"]


def test_remove_button_on_the_challenge_page_asks_to_confirm_deleting_scores(
    client: TestClient, people: dict[str, Any], db: Database
) -> None:
    editor = people["editor"]
    cid = new_challenge(client, editor, "submission")
    sid = submit(client, people["ayse"], cid, "Bürgeramt ohne Warteschlange")
    api = f"/api/v1/challenges/{cid}"
    _assign(client, api, editor, "jula@example.org", "tom@example.org")
    move_to(client, editor, cid, "review")
    _score(client, people["jula"], f"/api/v1/submissions/{sid}", 7, 7)
    ids = {n: j["user_id"] for n, j in _jurors(client, api, editor).items()}
    page = f"/wettbewerbe/{cid}"

    login(client, "ayse@example.org")
    assert "Aus der Jury entfernen" not in client.get(page).text
    token = csrf_of(client, page)
    refused = client.post(
        f"{page}/jury/{ids['Tom']}/entfernen", data={"csrf_token": token}, follow_redirects=False
    )
    assert refused.status_code == 403

    client.cookies.clear()
    login(client, "erik@stadt.example")
    shown = client.get(page).text
    assert "Jurymitglieder und ihre bisherigen Bewertungen" in shown
    assert f'action="{page}/jury/{ids["Jula Jurorin"]}/entfernen"' in shown
    assert "Bewertung von 1 Beitrag löschen" in shown  # the confirmation box of a scorer
    assert "verliert seine bisherigen Bewertungen" in shown  # the rule, stated on the page
    action = f"{page}/jury/{ids['Jula Jurorin']}/entfernen"
    unconfirmed = client.post(action, data={"csrf_token": csrf_of(client, page)})
    assert unconfirmed.status_code == 422 and "Bitte bestätigen Sie" in unconfirmed.text
    assert "Jula Jurorin" in client.get(api).json()["jurors"]
    no_csrf = client.post(action, data={"confirm": "1"})
    assert no_csrf.status_code == 403
    done = client.post(
        action, data={"csrf_token": csrf_of(client, page), "confirm": "1"}, follow_redirects=False
    )
    assert done.status_code == 303 and "hinweis=jury-entfernt" in done.headers["location"]
    notice = client.get(done.headers["location"]).text
    assert "Die Person gehört nicht mehr zur Jury." in notice
    assert "Ihre Bewertung von 1 Beitrag wurde gelöscht." in notice
    assert client.get(api).json()["jurors"] == ["Tom"]
    quiet = client.post(
        f"{page}/jury/{ids['Tom']}/entfernen",
        data={"csrf_token": csrf_of(client, page)},
        follow_redirects=False,
    )
    assert quiet.status_code == 303  # no scores: no confirmation needed
    assert "wurde gelöscht" not in client.get(quiet.headers["location"]).text
    gone = client.post(
        f"{page}/jury/{ids['Tom']}/entfernen", data={"csrf_token": csrf_of(client, page)}
    )
    assert gone.status_code == 404
    assert len(_removals(db)) == 2


def test_remove_button_on_the_problem_statement_page(
    client: TestClient, people: dict[str, Any]
) -> None:
    editor = people["editor"]
    sid = new_statement(client, editor)
    api = f"/api/v1/problem-statements/{sid}"
    _assign(client, api, editor, "jula@example.org")
    jula = _jurors(client, api, editor)["Jula Jurorin"]["user_id"]
    page = f"/fragestellungen/{sid}"
    login(client, "erik@stadt.example")
    assert f'action="{page}/jury/{jula}/entfernen"' in client.get(page).text
    done = client.post(
        f"{page}/jury/{jula}/entfernen",
        data={"csrf_token": csrf_of(client, page)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "Die Person gehört nicht mehr zur Jury." in client.get(done.headers["location"]).text
    assert client.get(api).json()["jurors"] == []
