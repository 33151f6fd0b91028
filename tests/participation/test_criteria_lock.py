"""Criteria locked once scoring has begun (issue 10): scores are stored by criterion position,
so after a juror has scored, the criteria (names, weights, count) and the scale of a challenge
or problem statement no longer change (409 naming the rule, through API and page); everything
else stays changeable, and repeating the current criteria is no change."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from starlette.testclient import TestClient

from tests.conftest import csrf_of, login
from tests.participation.conftest import bearer, move_to, new_challenge, people, submit
from tests.participation.test_pitches import move_to as move_statement
from tests.participation.test_pitches import new_statement, pitch

__all__ = ["people"]
RULE = "Die Kriterien können nicht mehr geändert werden, weil schon bewertet wurde"


def _scored_challenge(client: TestClient, people: dict[str, Any]) -> int:
    editor = people["editor"]
    cid = new_challenge(client, editor, "submission")
    sid = submit(client, people["ayse"], cid, "Bürgeramt ohne Warteschlange")
    r = client.post(
        f"/api/v1/challenges/{cid}/jurors",
        json={"email": "jula@example.org"},
        headers=bearer(editor),
    )
    assert r.status_code == 204, r.text
    move_to(client, editor, cid, "review")
    body = {"scores": [{"criterion": 0, "value": 7}, {"criterion": 1, "value": 5}]}
    r = client.put(f"/api/v1/submissions/{sid}/scores", json=body, headers=bearer(people["jula"]))
    assert r.status_code == 200, r.text
    return cid


def test_challenge_criteria_change_freely_until_the_first_score(
    client: TestClient, people: dict[str, Any]
) -> None:
    editor = people["editor"]
    cid = new_challenge(client, editor, "submission")
    submit(client, people["ayse"], cid, "Bürgeramt ohne Warteschlange")
    r = client.patch(
        f"/api/v1/challenges/{cid}",
        json={"criteria": [{"name": "Wirkung", "weight": 3}], "scale_max": 5},
        headers=bearer(editor),
    )
    assert r.status_code == 200, r.text
    assert [c["name"] for c in r.json()["criteria"]] == ["Wirkung"]


def test_challenge_criteria_and_scale_are_refused_by_api_once_scored(
    client: TestClient, people: dict[str, Any]
) -> None:
    editor, cid = people["editor"], _scored_challenge(client, people)
    api = f"/api/v1/challenges/{cid}"
    before = client.get(api).json()
    changes = [
        {"criteria": [{"name": "Wirkung", "weight": 2}]},  # count
        {"criteria": [{"name": "Wirkung", "weight": 2}, {"name": "Kosten", "weight": 1}]},
        {"criteria": [{"name": "Wirkung", "weight": 1}, {"name": "Machbarkeit", "weight": 1}]},
        {"criteria": [{"name": "Machbarkeit", "weight": 1}, {"name": "Wirkung", "weight": 2}]},
        {"scale_max": 5},
        {"scale_min": 1, "title": "Neuer Titel"},
    ]
    for change in changes:
        r = client.patch(api, json=change, headers=bearer(editor))
        assert r.status_code == 409, (change, r.text)
        assert RULE in r.json()["error"]["message"]
    assert client.get(api).json() == before
    same = client.patch(
        api,
        json={"criteria": before["criteria"], "scale_min": 0, "scale_max": 10, "title": "Neu"},
        headers=bearer(editor),
    )
    assert same.status_code == 200, same.text
    r = client.patch(api, json={"prizes": "Ein Pilot", "rules": "Keine"}, headers=bearer(editor))
    assert r.status_code == 200 and r.json()["prizes"] == "Ein Pilot"


def test_challenge_page_shows_the_rule_at_the_criteria_and_keeps_the_values(
    client: TestClient, people: dict[str, Any]
) -> None:
    cid = _scored_challenge(client, people)
    page = f"/wettbewerbe/{cid}/bearbeiten"
    login(client, "erik@stadt.example")
    shown = client.get(page)
    assert shown.status_code == 200
    fields = {k: v for k, v in _fields_of(shown.text).items() if k != "csrf_token"}
    fields["csrf_token"] = csrf_of(client, page)
    unchanged = client.post(
        page, data={**fields, "title": "Bürgeramt digital"}, follow_redirects=False
    )
    assert unchanged.status_code == 303, unchanged.text[:2000]
    assert client.get(f"/api/v1/challenges/{cid}").json()["title"] == "Bürgeramt digital"
    fields["csrf_token"] = csrf_of(client, page)
    refused = client.post(
        page, data={**fields, "title": "Noch ein Titel", "crit-0-name": "Nachhaltigkeit"}
    )
    assert refused.status_code == 409
    assert 'id="f-criteria-error"' in refused.text and RULE in refused.text
    assert 'value="Nachhaltigkeit"' in refused.text and 'value="Noch ein Titel"' in refused.text
    api = client.get(f"/api/v1/challenges/{cid}").json()
    assert api["title"] == "Bürgeramt digital"
    assert [c["name"] for c in api["criteria"]] == ["Wirkung", "Machbarkeit"]


def _fields_of(html: str) -> dict[str, str]:
    """The input and textarea values of a form page (what a browser would send back)."""
    found: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="submit"' in tag:
            continue
        if 'type="checkbox"' in tag and " checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        found[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        found[name] = unescape(text)
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        if chosen:
            found[name] = unescape(chosen.group(1))
    return found


def test_problem_statement_criteria_are_locked_once_a_pitch_is_scored(
    client: TestClient, people: dict[str, Any]
) -> None:
    editor = people["editor"]
    sid = new_statement(client, editor)
    api = f"/api/v1/problem-statements/{sid}"
    early = client.patch(api, json={"scale_max": 7}, headers=bearer(editor))
    assert early.status_code == 200 and early.json()["scale_max"] == 7
    r = pitch(client, people["lena"], sid, people["org_id"])
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    r = client.post(f"{api}/jurors", json={"email": "jula@example.org"}, headers=bearer(editor))
    assert r.status_code == 204
    move_statement(client, editor, sid, "review")
    body = {"scores": [{"criterion": 0, "value": 5}, {"criterion": 1, "value": 6}]}
    r = client.put(f"/api/v1/pitches/{pid}/scores", json=body, headers=bearer(people["jula"]))
    assert r.status_code == 200, r.text
    before = client.get(api).json()
    for change in (
        {"criteria": [{"name": "Wirkung", "weight": 1}]},
        {"scale_min": 1},
        {"scale_max": 10, "title": "Leerstand sichtbar machen"},
    ):
        refused = client.patch(api, json=change, headers=bearer(editor))
        assert refused.status_code == 409, (change, refused.text)
        assert RULE in refused.json()["error"]["message"]
    assert client.get(api).json() == before
    ok = client.patch(
        api,
        json={"criteria": before["criteria"], "title": "Leerstand sichtbar machen"},
        headers=bearer(editor),
    )
    assert ok.status_code == 200 and ok.json()["title"] == "Leerstand sichtbar machen"
