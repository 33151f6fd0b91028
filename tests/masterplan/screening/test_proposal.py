"""The automatic screening proposal: answers from real measure texts with their evidence, the
editor's confirm/correct flow (API and page), coverage that counts only saved screenings."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from starlette.testclient import TestClient

from domstadt.core.audit import AuditEntry
from domstadt.core.auth.models import Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.demo import core, masterplan
from domstadt.masterplan.screening.proposal import Source, propose
from tests.conftest import csrf_of, login, make_token, make_user
from tests.masterplan.conftest import add_measure

DEMO = json.loads(
    (Path(masterplan.__file__).parent / "data" / "masterplan.json").read_text(encoding="utf-8")
)
MEASURES = {m["code"]: m for m in DEMO["measures"]}
"""The demo's measures: texts of Cologne's digital masterplan."""


def _real(code: str) -> dict[str, str]:
    m = MEASURES[code]
    return {k: m.get(k) or "" for k in ("title", "summary", "description")}


def _answers(made: dict[str, object]) -> dict[str, dict[str, object]]:
    return {a["question"]: a for a in made["answers"]}  # type: ignore[attr-defined, index]


def test_answers_rest_on_sentences_of_real_measure_texts() -> None:
    texts = _real("DV-05")
    made = propose([Source(k, v) for k, v in texts.items()])
    answers = {a.question: a for a in made.answers}
    assert answers["interacts_with_people"].answer == "yes"
    assert answers["task"].answer == "asr"
    assert answers["mitigation.fallback"].evidence[0].text.startswith("Übergabe an Mitarbeitende")
    for answer in made.answers:
        assert answer.evidence, answer.question
        for ev in answer.evidence:
            assert ev.text.rstrip("…") in texts[ev.source] and ev.cue in ev.text.casefold()
    assert made.inputs.interacts_with_people and "fallback" in made.inputs.mitigation
    parking = propose([Source(k, v) for k, v in _real("DV-01").items()])
    personal = next(a for a in parking.answers if a.question == "risk.personal_data")
    assert personal.answer == "yes" and "Meldeadresse" in personal.evidence[0].text
    lights = propose([Source(k, v) for k, v in _real("SC-02").items()])
    assert lights.inputs.high_risk_area == "critical_infrastructure"
    assert lights.inputs.risk["connected_devices"] == "yes"


def test_english_texts_and_contrary_statements() -> None:
    made = propose([Source("purpose", "The chatbot answers questions from the public. It does "
                            "not use any PII; records are anonymised.")])  # fmt: skip
    assert made.inputs.risk["personal_data"] == "no"
    assert made.inputs.interacts_with_people
    clinical = propose([Source("t", "FDA-cleared medical device to assist clinicians.")])
    assert clinical.inputs.high_risk_area == "medical_devices"
    assert clinical.inputs.risk["rights"] == "high"
    assert propose([]).answers == [] and propose([Source("t", "")]).inputs.risk == {}


def test_api_proposes_and_the_editor_confirms(
    client: TestClient, plan: Database, editor_token: str
) -> None:
    measure = add_measure(
        plan, code="DV-05", **_real("DV-05"),
        links=[{"title": "Anrufstatistik Bürgertelefon 2024", "kind": "dataset",
                "url": "https://offenedaten-koeln.de/dataset/anrufe"}],
    )  # fmt: skip
    url = f"/api/v1/measures/{measure.id}/screening"
    made = client.get(f"{url}/proposal").json()
    assert made["screened"] is False and "zählt erst" in made["note"]
    answers = _answers(made)
    data = answers["potential.data_availability"]["evidence"][0]
    assert data == {"source": "Verknüpfter Datensatz", "text": "Anrufstatistik Bürgertelefon 2024",
                    "cue": "verknüpft"}  # fmt: skip
    assert made["result"]["ai_act_tier"] == "begrenztes Risiko"
    assert made["unanswered"] and "Lernt das System im Betrieb weiter?" in made["unanswered"]
    coverage = client.get("/api/v1/screening/coverage").json()
    assert (coverage["screened"], coverage["proposal_only"]) == (0, 1)
    assert client.get(url).json()["screened"] is False
    editor = {"Authorization": f"Bearer {editor_token}"}
    assert client.put(f"{url}?from_proposal=true", json=made["inputs"]).status_code == 401
    corrected = dict(made["inputs"], risk={**made["inputs"]["risk"], "personal_data": "yes"})
    saved = client.put(f"{url}?from_proposal=true", json=corrected, headers=editor)
    assert saved.status_code == 200 and saved.json()["screened"] is True
    assert saved.json()["proposal"]["ai_act_tier"] == "begrenztes Risiko"
    coverage = client.get("/api/v1/screening/coverage").json()
    assert (coverage["screened"], coverage["proposal_only"]) == (1, 0)
    assert client.get(f"{url}/proposal").json()["screened"] is True
    with plan.session() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "screening.propose")
        ).one()
    assert entry.after["from_automatic_proposal"]["corrected"] == ["risk"]
    assert "mitigation" in entry.after["from_automatic_proposal"]["kept"]


def test_other_departments_cannot_confirm(client: TestClient, plan: Database) -> None:
    measure = add_measure(plan, code="DV-01", **_real("DV-01"))
    make_user(plan, "otto@stadt-koeln.example", Role.EDITOR, department_code="69")
    make_user(plan, "vera@stadt-koeln.example", Role.MEMBER)
    url = f"/api/v1/measures/{measure.id}/screening"
    inputs = client.get(f"{url}/proposal").json()["inputs"]
    for email in ("otto@stadt-koeln.example", "vera@stadt-koeln.example"):
        headers = {"Authorization": f"Bearer {make_token(plan, email)}"}
        assert (
            client.put(f"{url}?from_proposal=true", json=inputs, headers=headers).status_code == 403
        )
    assert client.get("/api/v1/screening/coverage").json()["screened"] == 0
    assert client.get("/api/v1/measures/99999/screening/proposal").status_code == 404


def test_page_prefills_the_form_and_the_editor_confirms(client: TestClient, plan: Database) -> None:
    measure = add_measure(plan, code="DV-05", **_real("DV-05"))
    path = f"/massnahmen/{measure.id}/ki-pruefung"
    public = client.get(path).text
    assert "Automatischer Vorschlag" in public and "Übergabe an Mitarbeitende" in public
    assert "KI-Prüfung bestätigen und speichern" not in public  # no form for the public
    make_user(plan, "erika@stadt-koeln.example", Role.EDITOR, department_code="DIG")
    login(client, "erika@stadt-koeln.example")
    page = client.get(path).text
    assert "KI-Prüfung bestätigen und speichern" in page and 'class="badge proposed"' in page
    assert 'name="from_proposal" value="1"' in page
    assert 'id="s-people" name="interacts_with_people" value="1" checked' in page
    before = client.get("/masterplan/dashboard").text
    assert "0 von 1 Maßnahmen geprüft" in before
    assert "1 Maßnahmen haben nur den automatischen Vorschlag" in before
    token = csrf_of(client, path)
    form = {"csrf_token": token, "from_proposal": "1", "interacts_with_people": "1",
            "mit_fallback": "1", "task": "asr", "pot_repetitiveness": "3"}  # fmt: skip
    assert client.post(path, data=form, follow_redirects=False).status_code == 303
    shown = client.get(path).text
    assert "Automatischer Vorschlag zum Vergleich" in shown and "begrenztes Risiko" in shown
    assert "KI-Prüfung bestätigen und speichern" not in shown
    assert 'class="badge proposed"' not in shown, "a saved screening's form is not marked"
    after = client.get("/masterplan/dashboard").text
    assert "1 von 1 Maßnahmen geprüft" in after and "automatischen Vorschlag" not in after


def test_every_demo_measure_gets_a_proposal(client: TestClient, db: Database) -> None:
    actor = system_actor("demo")
    with db.session() as session:
        core.load(session, actor)
        masterplan.load(session, actor)
    listing = client.get("/api/v1/measures?per_page=100").json()["items"]
    assert len(listing) == len(MEASURES)
    with_answers = 0
    for item in listing:
        response = client.get(f"/api/v1/measures/{item['id']}/screening/proposal")
        assert response.status_code == 200, item["code"]
        with_answers += bool(response.json()["answers"])
        assert client.get(f"/massnahmen/{item['id']}/ki-pruefung").status_code == 200
    assert with_answers >= len(listing) // 2
