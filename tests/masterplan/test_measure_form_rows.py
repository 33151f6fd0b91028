"""The editor's measure form with real inputs (issue 13): milestone and link rows added and
removed, departments and measures chosen from lists, every error shown at once next to its
field, and a confirmation after saving."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from domstadt.core.auth.models import Role
from domstadt.core.db import Database
from tests.conftest import csrf_of, login, make_user
from tests.masterplan.conftest import add_measure

BASE = {"code": "DV-3", "title": "Digitaler Bauantrag", "lead_department": "DIG",
        "fields": "digitale-verwaltung", "status": "planned", "priority": "medium",
        "rollout_stage": "idea", "progress": "10", "progress_before": "10"}  # fmt: skip


def _editor(client: TestClient, plan: Database) -> tuple[int, str, str]:
    m = add_measure(plan, code="DV-3", title="Digitaler Bauantrag", progress=10)
    add_measure(plan, code="DV-1", title="E-Akte")
    make_user(plan, "erik@stadt-koeln.example", Role.EDITOR, department_code="DIG")
    login(client, "erik@stadt-koeln.example")
    url = f"/massnahmen/{m.id}/bearbeiten"
    return m.id, url, csrf_of(client, url)


def test_rows_and_lists_are_saved_and_shown_again(client: TestClient, plan: Database) -> None:
    measure_id, url, token = _editor(client, plan)
    form = client.get(url).text
    assert 'id="ms-0-title"' in form and 'id="link-0-url"' in form
    assert 'list="m-measure-codes"' in form and '<option value="DV-1">E-Akte</option>' in form
    assert 'name="partner_departments" value="69"' in form
    data = {
        **BASE, "csrf_token": token,
        "ms-0-planned": "2026-03-31", "ms-0-title": "Ausschreibung",
        "ms-1-planned": "2026-09-30", "ms-1-title": "Pilot", "ms-1-actual": "2026-10-02",
        "link-0-kind": "website", "link-0-title": "Projektseite",
        "link-0-url": "https://www.stadt-koeln.de/bauantrag",
        "partner_departments": ["12", "69"], "requires": ["DV-1"],
    }  # fmt: skip
    response = client.post(url, data=data, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith("?gespeichert=1")
    saved = client.get(f"/api/v1/measures/{measure_id}").json()
    assert [(s["title"], s["actual_date"]) for s in saved["milestones"]] == [
        ("Ausschreibung", None),
        ("Pilot", "2026-10-02"),
    ]
    assert [(k["kind"], k["url"]) for k in saved["links"]] == [
        ("website", "https://www.stadt-koeln.de/bauantrag")
    ]
    assert sorted(d["code"] for d in saved["partner_departments"]) == ["12", "69"]
    assert [r["code"] for r in saved["requires"]] == ["DV-1"]
    page = client.get(f"/massnahmen/{measure_id}?gespeichert=1").text
    assert 'id="mp-saved"' in page and "Die Maßnahme wurde gespeichert." in page

    again = client.get(url).text
    assert 'value="Pilot"' in again and 'id="ms-2-title"' in again  # two rows + an empty one
    assert re.search(r'name="requires" value="DV-1" checked', again)
    removed = {**data, "ms-0-remove": "1", "link-0-remove": "1", "requires": []}
    assert client.post(url, data=removed, follow_redirects=False).status_code == 303
    saved = client.get(f"/api/v1/measures/{measure_id}").json()
    assert [s["title"] for s in saved["milestones"]] == ["Pilot"]
    assert saved["links"] == [] and saved["requires"] == []


def test_every_error_at_once_next_to_its_field(client: TestClient, plan: Database) -> None:
    measure_id, url, token = _editor(client, plan)
    before = client.get(f"/api/v1/measures/{measure_id}").json()
    data = {
        **BASE, "csrf_token": token, "planned_start": "31.12.2026", "weight": "viel",
        "ms-0-planned": "2026-02-30", "ms-0-title": "",
        "link-0-title": "Ohne Adresse",
        "location": "{kein json",
        "kpi-0-name": "", "kpi-0-target": "hoch",
    }  # fmt: skip
    response = client.post(url, data=data)
    assert response.status_code == 422
    text = response.text
    start = text.index('id="form-error"')
    summary = text[start : text.index("</div>", start)]
    for field in ("planned_start", "weight", "milestones", "links", "location", "kpis"):
        assert f'href="#m-{field}"' in summary, field
        assert f'id="m-{field}-error"' in text, field
    assert summary.count("<li>") >= 8  # two milestone problems and two KPI problems count apart
    assert 'id="m-planned_start" name="planned_start" type="date" value="31.12.2026"' in text
    assert 'aria-invalid="true"' in text and " autofocus" in text
    assert client.get(f"/api/v1/measures/{measure_id}").json() == before  # nothing written
