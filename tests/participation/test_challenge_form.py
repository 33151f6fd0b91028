"""The challenge form (issue 10): editors announce a challenge at /wettbewerbe/neu and change
it at /wettbewerbe/{id}/bearbeiten; the JSON twin shows what the page saved, bad input comes
back with German messages next to the fields and writes nothing, others are refused."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from starlette.testclient import TestClient

from domstadt.core.audit import AuditEntry
from domstadt.core.db import Database
from tests.conftest import csrf_of, login
from tests.masterplan.conftest import add_measure
from tests.participation.conftest import people

__all__ = ["people"]
BERLIN = ZoneInfo("Europe/Berlin")


def _local(days: int) -> str:
    moment = dt.datetime.now(BERLIN).replace(second=0, microsecond=0) + dt.timedelta(days=days)
    return moment.strftime("%Y-%m-%dT%H:%M")


def _form(client: TestClient, page: str = "/wettbewerbe/neu", **over: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "csrf_token": csrf_of(client, page),
        "title": "Ideen für schattige Plätze",
        "question": "Wie machen wir Kölner Plätze im Sommer kühler?",
        "kind": "hackathon",
        "department": "DIG",
        "submission_opens": _local(1),
        "review_opens": _local(10),
        "vote_opens": _local(20),
        "results_at": _local(30),
        "crit-0-name": "Wirkung",
        "crit-0-weight": "2",
        "crit-1-name": "Machbarkeit",
        "crit-1-weight": "1,5",
        "crit-2-name": "",
        "crit-2-weight": "",
        "scale_min": "1",
        "scale_max": "5",
        "prizes": "Ein Pilot auf dem Ebertplatz",
        "rules": "Teams bis fünf Personen.",
        "dataset_names": "baumkataster-koeln\nhitzekarte",
        "vote_changeable": "1",
    }
    fields.update(over)
    return fields


def _actions(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry.action)))


def test_editor_announces_and_changes_a_challenge_through_the_pages(
    client: TestClient, people: dict[str, Any], db: Database
) -> None:
    measure = add_measure(db, code="KL-01", title="Hitzeschutz im Quartier")
    login(client, "erik@stadt.example")
    assert 'href="/wettbewerbe/neu"' in client.get("/wettbewerbe").text
    form_page = client.get("/wettbewerbe/neu")
    assert form_page.status_code == 200
    assert 'name="crit-4-name"' in form_page.text and "KL-01 – Hitzeschutz" in form_page.text
    made = client.post(
        "/wettbewerbe/neu",
        data=_form(client, measure_ids=str(measure.id)),
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    cid = int(made.headers["location"].split("?")[0].rsplit("/", 1)[1])
    assert "Der Wettbewerb ist gespeichert." in client.get(made.headers["location"]).text
    api = client.get(f"/api/v1/challenges/{cid}").json()
    assert api["title"] == "Ideen für schattige Plätze" and api["kind"] == "hackathon"
    assert [(c["name"], c["weight"]) for c in api["criteria"]] == [
        ("Wirkung", 2),
        ("Machbarkeit", 1.5),
    ]
    assert api["measure_ids"] == [measure.id]
    assert api["dataset_names"] == ["baumkataster-koeln", "hitzekarte"]
    assert (api["scale_min"], api["scale_max"]) == (1, 5)
    assert api["vote_changeable"] is True and api["exclude_late_accounts"] is False
    opens = dt.datetime.fromisoformat(api["submission_opens"]).astimezone(BERLIN)
    assert opens.strftime("%Y-%m-%dT%H:%M") == _local(1)  # Cologne time, stored as UTC
    assert api["phase"] == "announcement"

    page = f"/wettbewerbe/{cid}/bearbeiten"
    assert f'href="{page}"' in client.get(f"/wettbewerbe/{cid}").text
    edit = client.get(page).text
    assert 'value="Ideen für schattige Plätze"' in edit and 'value="1.5"' in edit
    assert f'value="{measure.id}" checked' in edit
    changed = client.post(
        page,
        data=_form(
            client,
            page,
            title="Kühle Plätze für Köln",
            **{"crit-1-name": "", "crit-1-weight": "", "crit-2-name": "Kosten"},
        ),
        follow_redirects=False,
    )
    assert changed.status_code == 303, changed.text
    api = client.get(f"/api/v1/challenges/{cid}").json()
    assert api["title"] == "Kühle Plätze für Köln" and api["measure_ids"] == []
    assert [(c["name"], c["weight"]) for c in api["criteria"]] == [("Wirkung", 2), ("Kosten", 1)]
    assert api["vote_changeable"] is True and api["kind"] == "hackathon"
    assert {"challenge.create", "challenge.update"} <= set(_actions(db))


def test_bad_input_comes_back_in_german_next_to_the_field_and_writes_nothing(
    client: TestClient, people: dict[str, Any], db: Database
) -> None:
    login(client, "erik@stadt.example")
    cases = [
        ({"title": ""}, "f-title-error", "Titel: bitte 3 bis 300 Zeichen."),
        ({"crit-0-weight": "0"}, "f-criteria-error", "das Gewicht muss eine Zahl über 0"),
        ({"crit-1-weight": "-1"}, "f-criteria-error", "Kriterium 2 (Machbarkeit)"),
        ({"crit-0-name": "", "crit-1-name": ""}, "f-criteria-error", "Kriterium 1: bitte"),
        ({"review_opens": _local(-3)}, "f-review_opens-error", "Die Phasen müssen"),
        ({"results_at": "morgen"}, "f-results_at-error", "Bitte Datum und Uhrzeit"),
        ({"results_at": "0001-01-01T00:00"}, "f-results_at-error", "zwischen 1900 und 2200"),
        ({"scale_min": "5"}, "f-scale_max-error", "Minimum unter dem Maximum"),
        ({"measure_ids": "999"}, "f-measure_ids-error", "Maßnahme 999 gibt es nicht."),
    ]
    for change, error_id, message in cases:
        r = client.post("/wettbewerbe/neu", data=_form(client, **change))
        assert r.status_code == 422, (change, r.text[:300])
        assert f'id="{error_id}"' in r.text and message in r.text, change
        assert "Nicht gespeichert." in r.text
        assert "Wie machen wir Kölner Plätze im Sommer kühler?" in r.text  # values kept
    both = client.post("/wettbewerbe/neu", data=_form(client, title="", **{"crit-0-weight": "x"}))
    assert both.status_code == 422
    assert 'id="f-title-error"' in both.text and 'id="f-criteria-error"' in both.text
    assert client.get("/api/v1/challenges").json() == []
    assert "challenge.create" not in _actions(db)


def test_a_refused_change_keeps_the_challenge_as_it_was(
    client: TestClient, people: dict[str, Any]
) -> None:
    login(client, "erik@stadt.example")
    made = client.post("/wettbewerbe/neu", data=_form(client), follow_redirects=False)
    cid = int(made.headers["location"].split("?")[0].rsplit("/", 1)[1])
    page = f"/wettbewerbe/{cid}/bearbeiten"
    before = client.get(f"/api/v1/challenges/{cid}").json()
    bad = client.post(
        page, data=_form(client, page, title="Neu", results_at=_local(15), vote_changeable="")
    )
    assert bad.status_code == 422 and 'id="f-results_at-error"' in bad.text
    assert 'value="Neu"' in bad.text  # what was typed stays in the form
    assert client.get(f"/api/v1/challenges/{cid}").json() == before


def test_citizens_and_other_departments_are_refused(
    client: TestClient, people: dict[str, Any], db: Database
) -> None:
    anonymous = client.get("/wettbewerbe/neu", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    login(client, "ayse@example.org")
    assert 'href="/wettbewerbe/neu"' not in client.get("/wettbewerbe").text
    page = client.get("/wettbewerbe/neu")
    assert page.status_code == 403 and "Redaktion einer Dienststelle" in page.text
    refused = client.post("/wettbewerbe/neu", data=_form(client))
    assert refused.status_code == 403
    assert client.get("/api/v1/challenges").json() == []

    client.cookies.clear()
    login(client, "erik@stadt.example")
    made = client.post("/wettbewerbe/neu", data=_form(client), follow_redirects=False)
    cid = int(made.headers["location"].split("?")[0].rsplit("/", 1)[1])
    other_department = client.post("/wettbewerbe/neu", data=_form(client, department="69"))
    assert other_department.status_code == 403
    client.cookies.clear()
    login(client, "vera@stadt.example")  # an editor of another department
    page_path = f"/wettbewerbe/{cid}/bearbeiten"
    assert f'href="{page_path}"' not in client.get(f"/wettbewerbe/{cid}").text
    assert client.get(page_path).status_code == 403
    token = csrf_of(client, "/wettbewerbe")
    changed = client.post(page_path, data={"csrf_token": token, "title": "Gekapert"})
    assert changed.status_code == 403
    assert client.get(f"/api/v1/challenges/{cid}").json()["title"] == "Ideen für schattige Plätze"
    no_csrf = client.post(page_path, data={"title": "Ohne Token"})
    assert no_csrf.status_code == 403
    assert _actions(db).count("challenge.create") == 1
