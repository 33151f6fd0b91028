"""The market exploration (S3.6): a measure's regional providers (page section, JSON, CSV),
CPV codes on measures and organisations with their permission checks and validation."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from domstadt.core import config
from domstadt.core.auth.models import Role
from domstadt.core.db import Database
from domstadt.funding.ecosystem.cli import ecosystem_app
from tests.conftest import TEST_SECRET, csrf_of, login, make_token, make_user

pytestmark = pytest.mark.xdist_group("ecosystem-demo")  # one demo load for both modules


def _measure_id(client: TestClient, code: str) -> int:
    found = client.get("/api/v1/measures", params={"q": code, "per_page": 100}).json()["items"]
    return next(m["id"] for m in found if m["code"] == code)


def _org_id(client: TestClient, name: str) -> int:
    items = client.get("/api/v1/ecosystem", params={"q": name}).json()["items"]
    return next(e["id"] for e in items if e["name"] == name)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_providers_of_a_demo_measure_regional_first_with_competences(
    client: TestClient, demo: Database
) -> None:
    measure = _measure_id(client, "DV-05")
    body = client.get(f"/api/v1/measures/{measure}/providers").json()
    assert "§ 28 VgV" in body["caveat"] and "keine Vorauswahl" in body["caveat"]
    assert {c["id"] for c in body["concepts"]} >= {"kuenstliche-intelligenz", "sprachverarbeitung"}
    items = body["items"]
    assert items and body["count"] == len(items)
    ranks = ["koeln", "region", "other"]
    assert [ranks.index(i["regional"]) for i in items] == sorted(
        ranks.index(i["regional"]) for i in items
    )
    sprachwerk = next(
        i for i in items if i["organisation"]["name"] == "Sprachwerk KI GmbH (Beispiel)"
    )
    assert {c["label"] for c in sprachwerk["competences"]} >= {
        "Künstliche Intelligenz",
        "Verarbeitung natürlicher Sprache",
    }
    assert any(r.startswith("Kompetenz: ") for r in sprachwerk["reasons"])
    regional = [i["organisation"]["name"] for i in items if i["regional"] == "region"]
    assert "Fraunhofer IAIS" in regional
    outside = [i["organisation"]["name"] for i in items if i["regional"] == "other"]
    assert "Berliner Plattform AG (Beispiel)" in outside
    assert items[-1]["regional"] == "other"


def test_every_demo_measure_has_providers(client: TestClient, demo: Database) -> None:
    measures = client.get("/api/v1/measures", params={"per_page": 100}).json()["items"]
    assert len(measures) == 26
    for m in measures:
        body = client.get(f"/api/v1/measures/{m['id']}/providers").json()
        assert body["count"] >= 1, m["code"]


def test_csv_export_parses_and_carries_the_caveat(client: TestClient, demo: Database) -> None:
    measure = _measure_id(client, "SC-04")
    response = client.get(f"/api/v1/measures/{measure}/providers.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert "§ 28 VgV" in rows[0][0] and rows[1][0].startswith("# Maßnahme SC-04")
    header, data = rows[2], rows[3:]
    assert header[:3] == ["Rang", "Organisation", "Art"]
    assert data and all(len(r) == len(header) for r in data)
    assert [int(r[0]) for r in data] == list(range(1, len(data) + 1))
    assert any("Internet der Dinge" in r[6] for r in data)


def test_measure_page_loads_the_section_and_the_fragment_has_the_caveat(
    client: TestClient, demo: Database
) -> None:
    measure = _measure_id(client, "SC-01")
    page = client.get(f"/massnahmen/{measure}")
    assert f'hx-get="/oekosystem/massnahmen/{measure}"' in page.text
    assert "Regionale Anbieter" in page.text
    fragment = client.get(f"/oekosystem/massnahmen/{measure}", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "Markterkundung, keine Vorauswahl." in fragment.text and "§ 28 VgV" in fragment.text
    assert "Passende Kompetenzen:" in fragment.text
    whole = client.get(f"/oekosystem/massnahmen/{measure}")
    assert "<html" in whole.text and "CPV-Codes der Maßnahme" not in whole.text
    assert client.get("/api/v1/measures/999999/providers").status_code == 404


def test_editor_sets_measure_cpv_and_matching_uses_it(client: TestClient, demo: Database) -> None:
    measure = _measure_id(client, "IHK-08")  # led by Amt 69, under Dezernat VIII
    editor = make_token(demo, "redaktion.mobilitaet@domstadt.koeln")
    refused = client.put(
        f"/api/v1/measures/{measure}/cpv", json={"codes": ["72000000-1"]}, headers=_bearer(editor)
    )
    assert refused.status_code == 422 and "Prüfziffer" in refused.text
    unknown = client.put(
        f"/api/v1/measures/{measure}/cpv", json={"codes": ["99999999"]}, headers=_bearer(editor)
    )
    assert unknown.status_code == 422 and "gibt es im CPV 2008 nicht" in unknown.text
    saved = client.put(
        f"/api/v1/measures/{measure}/cpv", json={"codes": ["72700000", "48200000"]},
        headers=_bearer(editor),
    )  # fmt: skip
    assert saved.status_code == 200
    assert [c["code"] for c in saved.json()] == ["72700000-7", "48200000-0"]
    body = client.get(f"/api/v1/measures/{measure}/providers").json()
    rheinfunk = next(i for i in body["items"] if i["organisation"]["name"].startswith("Rheinfunk"))
    assert "72700000-7" in rheinfunk["cpv"]


def test_cpv_permission_refusals(client: TestClient, demo: Database) -> None:
    measure = _measure_id(client, "SC-02")
    assert client.put(f"/api/v1/measures/{measure}/cpv", json={"codes": []}).status_code == 401
    make_user(demo, "bea@example.org", Role.MEMBER)
    member = make_token(demo, "bea@example.org")
    denied = client.put(
        f"/api/v1/measures/{measure}/cpv", json={"codes": ["72000000"]}, headers=_bearer(member)
    )
    assert denied.status_code == 403
    other = make_token(demo, "redaktion.digital@domstadt.koeln")  # DIG editor; SC-02 is VIII's
    assert (
        client.put(
            f"/api/v1/measures/{measure}/cpv", json={"codes": ["72000000"]}, headers=_bearer(other)
        ).status_code
        == 403
    )
    org = _org_id(client, "Domsensor GmbH (Beispiel)")
    assert client.put(
        f"/api/v1/ecosystem/organisations/{org}/cpv", json={"codes": ["72000000"]},
        headers=_bearer(member),
    ).status_code == 403  # fmt: skip
    after = client.get("/api/v1/ecosystem", params={"q": "Domsensor"}).json()["items"][0]
    assert [c["code"] for c in after["cpv"]] == ["48000000-8", "72700000-7"]


def test_organisation_admin_sets_cpv_through_the_form(client: TestClient, demo: Database) -> None:
    make_user(demo, "gruenderin@example.org", Role.MEMBER)
    login(client, "gruenderin@example.org")
    token = csrf_of(client, "/organisationen/neu")
    created = client.post(
        "/organisationen/neu",
        data={"csrf_token": token, "name": "Ehrenfelder Daten UG", "kind": "startup",
              "district": "Ehrenfeld", "competences": "Datenanalyse, Kölsch"},
        follow_redirects=False,
    )  # fmt: skip
    assert created.status_code == 303, created.text
    org = _org_id(client, "Ehrenfelder Daten UG")
    page = client.get(f"/oekosystem/organisationen/{org}")
    assert 'name="codes"' in page.text
    bad = client.post(
        f"/oekosystem/organisationen/{org}/cpv", data={"csrf_token": token, "codes": "123"}
    )
    assert bad.status_code == 422 and "nicht gespeichert" in bad.text
    ok = client.post(
        f"/oekosystem/organisationen/{org}/cpv",
        data={"csrf_token": token, "codes": "72300000, 72310000-1"}, follow_redirects=False,
    )  # fmt: skip
    assert ok.status_code == 303
    entry = client.get(f"/api/v1/ecosystem/organisations/{org}").json()["entry"]
    assert [c["code"] for c in entry["cpv"]] == ["72300000-8", "72310000-1"]
    assert entry["free_tags"] == ["Kölsch"]
    assert [c["id"] for c in entry["concepts"]] == ["datenanalyse"]


def test_cli_prints_the_market_exploration(
    demo: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DOMSTADT_DATABASE_URL", demo.url)
    monkeypatch.setenv("DOMSTADT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DOMSTADT_SECRET_KEY", TEST_SECRET)
    config.get_settings.cache_clear()
    try:
        result = CliRunner().invoke(ecosystem_app, ["providers", "SC-04"])
        assert result.exit_code == 0, result.output
        assert "§ 28 VgV" in result.output and "Internet der Dinge" in result.output
        as_csv = CliRunner().invoke(ecosystem_app, ["providers", "SC-04", "--csv"])
        assert list(csv.reader(io.StringIO(as_csv.output)))[2][0] == "Rang"
        missing = CliRunner().invoke(ecosystem_app, ["providers", "XX-99"])
        assert missing.exit_code == 1 and "XX-99" in missing.output
    finally:
        config.get_settings.cache_clear()
