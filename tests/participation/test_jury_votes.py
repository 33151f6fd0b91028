"""Jury and public vote (issue 10): conflict-of-interest and scale rules, hidden scores,
weighted ranking with the tie rule, one vote per account, phases, late accounts, winner to
measure linked both ways, moderation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from domstadt.core.audit import AuditEntry
from domstadt.core.db import Database
from tests.conftest import make_token, make_user
from tests.participation.conftest import bearer, move_to, new_challenge, submit


def _now(days: int = 0) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).isoformat()


def _patch_dates(client: TestClient, editor: str, cid: int, **dates: str) -> None:
    r = client.patch(f"/api/v1/challenges/{cid}", json=dates, headers=bearer(editor))
    assert r.status_code == 200, r.text


def _msg(r: Any) -> str:
    return str(r.json()["error"]["message"])


@pytest.fixture
def contest(client: TestClient, people: dict[str, Any]) -> dict[str, Any]:
    """A challenge in review with three submissions (one by the start-up) and two jurors."""
    cid = new_challenge(client, people["editor"], "submission")
    ids = {
        "ayse": submit(client, people["ayse"], cid, "Bürgeramt ohne Warteschlange"),
        "startup": submit(
            client, people["lena"], cid, "KI-Terminvergabe", organisation_id=people["org_id"]
        ),
        "tom": submit(client, people["tom"], cid, "Formulare in leichter Sprache"),
    }
    for email in ("jan@startup.example", "jula@example.org", "tom@example.org"):
        r = client.post(
            f"/api/v1/challenges/{cid}/jurors",
            json={"email": email},
            headers=bearer(people["editor"]),
        )
        assert r.status_code == 204, r.text
    move_to(client, people["editor"], cid, "review")
    return {"id": cid, **ids}


def _score(client: TestClient, token: str, sid: int, *values: int) -> Any:
    body = {"scores": [{"criterion": i, "value": v, "comment": "ok"} for i, v in enumerate(values)]}
    return client.put(f"/api/v1/submissions/{sid}/scores", json=body, headers=bearer(token))


def test_juror_conflicts_and_scale(
    client: TestClient, people: dict[str, Any], contest: dict[str, Any]
) -> None:
    own_org = _score(client, people["jan"], contest["startup"], 8, 8)
    assert own_org.status_code == 409 and "Befangenheit" in _msg(own_org)
    own = _score(client, people["tom"], contest["tom"], 10, 10)
    assert own.status_code == 409 and "Befangenheit" in _msg(own)
    over = _score(client, people["jula"], contest["ayse"], 11, 5)
    assert over.status_code == 422 and "zwischen 0 und 10" in _msg(over)
    under = _score(client, people["jula"], contest["ayse"], 5, -1)
    assert under.status_code == 422
    not_juror = _score(client, people["ayse"], contest["tom"], 5, 5)
    assert not_juror.status_code == 403
    assert _score(client, people["jan"], contest["ayse"], 6, 6).status_code == 200
    assert _score(client, people["jula"], contest["startup"], 9, 3).status_code == 200
    # nothing half-written: the refused sheets left no score behind
    hidden = client.get(f"/api/v1/challenges/{contest['id']}/results").json()
    assert hidden["jury_visible"] is False
    assert all(r["jury_score"] is None for r in hidden["rows"])


def test_weighted_ranking_visible_after_review_with_tie_rule(
    client: TestClient, people: dict[str, Any], contest: dict[str, Any]
) -> None:
    # weights 2:1 → ayse (6,9)=7.0; startup (9,3)=7.0; tom (4,4)=4.0
    assert _score(client, people["jula"], contest["ayse"], 6, 9).status_code == 200
    assert _score(client, people["jula"], contest["startup"], 9, 3).status_code == 200
    assert _score(client, people["jula"], contest["tom"], 4, 4).status_code == 200
    move_to(client, people["editor"], contest["id"], "vote")
    late = _score(client, people["jula"], contest["tom"], 10, 10)
    assert late.status_code == 409 and "Jury-Phase" in _msg(late)
    assert (
        client.post(
            f"/api/v1/challenges/{contest['id']}/votes",
            json={"submission_id": contest["startup"]},
            headers=bearer(people["ayse"]),
        ).status_code
        == 201
    )
    during = client.get(f"/api/v1/challenges/{contest['id']}/results").json()
    assert during["jury_visible"] and not during["votes_visible"]
    assert [r["jury_score"] for r in during["rows"]] == [7.0, 7.0, 4.0]
    assert during["total_votes"] is None and all(r["votes"] == 0 for r in during["rows"])
    # a tie at 7.0: before the vote closes, the earlier submission (ayse) is ahead
    assert [r["submission_id"] for r in during["rows"]][:2] == [contest["ayse"], contest["startup"]]
    move_to(client, people["editor"], contest["id"], "results")
    after = client.get(f"/api/v1/challenges/{contest['id']}/results").json()
    assert after["votes_visible"] and after["total_votes"] == 1
    # now the public vote breaks the tie
    assert [r["submission_id"] for r in after["rows"]] == [
        contest["startup"],
        contest["ayse"],
        contest["tom"],
    ]


def test_one_vote_per_account(
    client: TestClient, people: dict[str, Any], contest: dict[str, Any]
) -> None:
    cid = contest["id"]
    url = f"/api/v1/challenges/{cid}/votes"
    early = client.post(url, json={"submission_id": contest["ayse"]}, headers=bearer(people["tom"]))
    assert early.status_code == 409 and "noch nicht begonnen" in _msg(early)
    move_to(client, people["editor"], cid, "vote")
    assert client.post(url, json={"submission_id": contest["ayse"]}).status_code == 401
    first = client.post(url, json={"submission_id": contest["ayse"]}, headers=bearer(people["tom"]))
    assert first.status_code == 201 and first.json()["submission_id"] == contest["ayse"]
    second = client.post(url, json={"submission_id": contest["tom"]}, headers=bearer(people["tom"]))
    assert second.status_code == 409 and "eine Stimme pro Wettbewerb" in _msg(second)

    other = new_challenge(client, people["editor"], "submission")
    foreign = submit(client, people["ayse"], other, "Anderer Wettbewerb")
    wrong = client.post(url, json={"submission_id": foreign}, headers=bearer(people["jula"]))
    assert wrong.status_code == 422 and f"Wettbewerb {cid}" in _msg(wrong)
    missing = client.post(url, json={"submission_id": 2**62}, headers=bearer(people["jula"]))
    assert missing.status_code == 422
    move_to(client, people["editor"], cid, "results")
    closed = client.post(
        url, json={"submission_id": contest["ayse"]}, headers=bearer(people["jula"])
    )
    assert closed.status_code == 409 and "beendet" in _msg(closed)
    result = client.get(f"/api/v1/challenges/{cid}/results").json()
    assert result["total_votes"] == 1


def test_changeable_votes_and_late_accounts(
    client: TestClient, people: dict[str, Any], db: Database, contest: dict[str, Any]
) -> None:
    cid = contest["id"]
    r = client.patch(
        f"/api/v1/challenges/{cid}",
        json={"vote_changeable": True, "exclude_late_accounts": True},
        headers=bearer(people["editor"]),
    )
    assert r.status_code == 200
    _patch_dates(client, people["editor"], cid, vote_opens=_now(), results_at=_now(days=3))
    url = f"/api/v1/challenges/{cid}/votes"
    assert (
        client.post(
            url, json={"submission_id": contest["ayse"]}, headers=bearer(people["tom"])
        ).status_code
        == 201
    )
    moved = client.post(url, json={"submission_id": contest["tom"]}, headers=bearer(people["tom"]))
    assert moved.status_code == 200 and moved.json()["submission_id"] == contest["tom"]
    # an account made after the vote opened is not counted (against sock puppets)
    make_user(db, "sock@example.org", name="Sock Puppet")
    sock = make_token(db, "sock@example.org")
    assert (
        client.post(url, json={"submission_id": contest["ayse"]}, headers=bearer(sock)).status_code
        == 201
    )
    _patch_dates(client, people["editor"], cid, results_at=_now())
    result = client.get(f"/api/v1/challenges/{cid}/results").json()
    assert result["phase"] == "results"
    assert result["total_votes"] == 1 and result["excluded_votes"] == 1
    votes = {r["submission_id"]: r["votes"] for r in result["rows"]}
    assert votes[contest["tom"]] == 1 and votes[contest["ayse"]] == 0


def test_winner_becomes_a_measure_linked_both_ways(
    client: TestClient, people: dict[str, Any], db: Database, contest: dict[str, Any]
) -> None:
    editor = bearer(people["editor"])
    sid = contest["ayse"]
    not_yet = client.post(
        f"/api/v1/submissions/{sid}/measure", json={"code": "WB-1"}, headers=editor
    )
    assert not_yet.status_code == 409 and "Gewinnerbeitrag" in _msg(not_yet)
    other = client.post(
        f"/api/v1/submissions/{sid}/status",
        json={"status": "winner"},
        headers=bearer(people["other_editor"]),
    )
    assert other.status_code == 403
    assert (
        client.post(
            f"/api/v1/submissions/{sid}/status", json={"status": "winner"}, headers=editor
        ).json()["status"]
        == "winner"
    )
    made = client.post(f"/api/v1/submissions/{sid}/measure", json={"code": "WB-1"}, headers=editor)
    assert made.status_code == 201, made.text
    mid = made.json()["measure_id"]
    measure = client.get(f"/api/v1/measures/{mid}").json()
    assert measure["title"] == "Bürgeramt ohne Warteschlange"
    assert measure["links"][0]["title"] == "aus Wettbewerb: Ideen für ein digitales Rathaus"
    assert measure["links"][0]["url"].endswith(f"/wettbewerbe/{contest['id']}#beitrag-{sid}")
    page = client.get(f"/massnahmen/{mid}").text
    assert "aus Wettbewerb: Ideen für ein digitales Rathaus" in page
    assert client.get(f"/api/v1/submissions/{sid}").json()["measure_id"] == mid
    again = client.post(f"/api/v1/submissions/{sid}/measure", json={"code": "WB-2"}, headers=editor)
    assert again.status_code == 409
    with db.session() as session:
        actions = set(session.scalars(select(AuditEntry.action)))
    assert {"challenge.winner_to_measure", "submission.status", "measure.create"} <= actions


def test_moderators_hide_submission_text(
    client: TestClient, people: dict[str, Any], contest: dict[str, Any]
) -> None:
    sid = contest["tom"]
    url = f"/api/v1/submissions/{sid}/hide"
    assert (
        client.post(url, json={"reason": "Beleidigung"}, headers=bearer(people["ayse"])).status_code
        == 403
    )
    assert (
        client.post(url, json={"reason": "x"}, headers=bearer(people["moderator"])).status_code
        == 422
    )
    assert (
        client.post(
            url, json={"reason": "Beleidigung"}, headers=bearer(people["moderator"])
        ).status_code
        == 204
    )
    shown = client.get(f"/api/v1/submissions/{sid}").json()
    assert shown["title"] == "[Von der Moderation ausgeblendet]" and shown["summary"] == ""
    assert "Formulare in leichter Sprache" not in client.get(f"/wettbewerbe/{contest['id']}").text
    move_to(client, people["editor"], contest["id"], "vote")
    refused = client.post(
        f"/api/v1/challenges/{contest['id']}/votes",
        json={"submission_id": sid},
        headers=bearer(people["jula"]),
    )
    assert refused.status_code == 422
