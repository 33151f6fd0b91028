"""Rows of one import file compared with each other, `domstadt initiatives rescan`, and the
owner organisation chosen in the initiative form."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from domstadt.core.auth import directory_service as directory
from domstadt.core.auth.models import OrganisationKind, Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.auth.schemas import OrganisationCreate
from domstadt.core.db import Database
from tests.conftest import csrf_of, login, make_user
from tests.masterplan.registry.test_import import _cli, fresh_settings  # noqa: F401

ROWS = [
    {"title": "Bäume pflanzen in Kalk", "description": "Neue Straßenbäume für Kalk."},
    {"title": "Neue Bäume für Kalk", "description": "In Kalk werden neue Straßenbäume gepflanzt."},
    {"title": "Bäume fällen in Kalk", "description": "Kranke Bäume in Kalk fällen."},
]


def _queue(client: TestClient, editor: dict[str, str], status: str = "open") -> set[tuple]:
    found = client.get(f"/api/v1/duplicate-suggestions?status={status}", headers=editor).json()
    return {(s["initiative_id"], s["other_id"]) for s in found}


@pytest.mark.usefixtures("fresh_settings")
def test_rows_of_one_file_are_compared_and_rescan_recomputes(
    plan: Database,
    client: TestClient,
    editor: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "initiativen.json"
    path.write_text(json.dumps(ROWS), encoding="utf-8")
    code, out = _cli(plan, monkeypatch, "import", str(path))
    assert code == 0, out
    assert "3 Initiativen importiert, 1 mögliche Dubletten" in out
    ids = {i["title"]: i["id"] for i in client.get("/api/v1/initiatives").json()["items"]}
    plant, copy = ids["Bäume pflanzen in Kalk"], ids["Neue Bäume für Kalk"]
    assert _queue(client, editor) == {(copy, plant)}
    shown = client.get("/api/v1/duplicate-suggestions", headers=editor).json()[0]
    assert "in derselben Importdatei" in shown["reasons"]

    code, out = _cli(plan, monkeypatch, "rescan")
    assert code == 0, out
    assert "3 Initiativen verglichen: 1 offene Vorschläge verworfen, 1 mögliche Dubletten" in out
    again = _queue(client, editor)
    assert len(again) == 1 and again <= {(copy, plant), (plant, copy)}
    suggestion = client.get("/api/v1/duplicate-suggestions", headers=editor).json()[0]
    client.post(f"/api/v1/duplicate-suggestions/{suggestion['id']}/reject", headers=editor)
    code, out = _cli(plan, monkeypatch, "rescan")
    assert "0 offene Vorschläge verworfen, 0 mögliche Dubletten" in out
    assert len(_queue(client, editor, "rejected")) == 1 and _queue(client, editor) == set()


def test_owner_organisation_is_chosen_in_the_form(client: TestClient, plan: Database) -> None:
    with plan.session() as session:
        org = directory.organisation_create(
            session,
            actor=system_actor("tests"),
            data=OrganisationCreate(name="Digitalverein Köln", kind=OrganisationKind.ASSOCIATION),
        )
    make_user(plan, "redaktion@stadt-koeln.example", Role.EDITOR, department_code="DIG")
    login(client, "redaktion@stadt-koeln.example")
    form = client.get("/initiativen/neu").text
    assert f'<option value="{org.id}">Digitalverein Köln</option>' in form
    token = csrf_of(client, "/initiativen/neu")
    data = {"csrf_token": token, "title": "Offene Werkstatt Ehrenfeld",
            "description": "Reparieren und Programmieren lernen.", "status": "active"}  # fmt: skip
    bad = client.post("/initiativen/neu", data={**data, "owner_organisation_id": "9999"})
    assert bad.status_code == 422 and "Organisation 9999 gibt es nicht." in bad.text
    assert 'aria-describedby="f-owner-org-hint"' in bad.text
    response = client.post(
        "/initiativen/neu", data={**data, "owner_organisation_id": str(org.id)},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert f'href="/beteiligung/organisationen/{org.id}">Digitalverein Köln</a>' in page
    created = client.get(
        "/api/v1" + response.headers["location"].replace("initiativen", "initiatives")
    )
    assert created.json()["owner_organisation_id"] == org.id
