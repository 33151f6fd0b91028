"""Events at /veranstaltungen: who may create them, filters, capacity with waiting list,
cancellation, the iCalendar feeds (parsed by ``icalendar``) and schema.org JSON-LD."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from typing import Any

import icalendar
from starlette.testclient import TestClient

from domstadt.core.db import Database
from tests.conftest import csrf_of, login
from tests.masterplan.conftest import add_measure
from tests.participation.events_labs.conftest import bearer

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
SOON = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def _event(**values: Any) -> dict[str, Any]:
    return {
        "title": "Open Data Meetup",
        "kind": "meetup",
        "department_code": "DIG",
        "starts_at": f"{SOON}T18:00:00",
        "ends_at": f"{SOON}T20:30:00",
        "place": "Stadthaus Deutz",
        "address": "Willy-Brandt-Platz 2, 50679 Köln",
        "fields": ["digitale-verwaltung"],
        **values,
    }


def _create(client: TestClient, headers: dict[str, str], **values: Any) -> dict[str, Any]:
    response = client.post("/api/v1/events", json=_event(**values), headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_editor_creates_event_in_berlin_time_and_it_is_listed(
    plan: Database, client: TestClient, people: dict[str, object]
) -> None:
    m = add_measure(plan, code="DV-01", title="Digitale Gewerbeanmeldung")
    event = _create(client, bearer(plan, "erik@stadt.example"), measure_ids=[m.id])
    local = dt.datetime.fromisoformat(event["starts_at"]).astimezone(BERLIN)
    assert (local.hour, local.minute) == (18, 0)
    assert event["organiser"]["type"] == "department"
    assert event["measures"][0]["slug"] == "DV-01"
    assert event["fields"][0]["slug"] == "digitale-verwaltung"
    listed = client.get("/api/v1/events").json()
    assert [e["id"] for e in listed["items"]] == [event["id"]]
    page = client.get("/veranstaltungen")
    assert page.status_code == 200 and "Open Data Meetup" in page.text


def test_permission_refusals(plan: Database, client: TestClient, people: dict[str, object]) -> None:
    assert client.post("/api/v1/events", json=_event()).status_code == 401
    member = bearer(plan, "anna@example.org")
    assert client.post("/api/v1/events", json=_event(), headers=member).status_code == 403
    other = bearer(plan, "vera@stadt.example")  # editor of 69, not of DIG
    refused = client.post("/api/v1/events", json=_event(), headers=other)
    assert refused.status_code == 403
    assert "Dezernat" in refused.json()["error"]["message"]
    org_event = _event(department_code=None, organisation_id=people["org"])
    plain = bearer(plan, "otto@startup.example")
    assert client.post("/api/v1/events", json=org_event, headers=plain).status_code == 403
    admin = bearer(plan, "orga@startup.example")
    created = client.post("/api/v1/events", json=org_event, headers=admin)
    assert created.status_code == 201
    assert created.json()["organiser"]["name"] == "Rhein Start-up GmbH"
    assert (
        client.post(f"/api/v1/events/{created.json()['id']}/cancel", headers=plain).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/v1/events/{created.json()['id']}/hide", json={"reason": "Spam"}, headers=admin
        ).status_code
        == 403
    )
    assert client.get("/api/v1/events").json()["total"] == 1


def test_bad_input_names_the_rule(
    plan: Database, client: TestClient, people: dict[str, object]
) -> None:
    erik = bearer(plan, "erik@stadt.example")
    cases = [
        (_event(ends_at=f"{SOON}T17:00:00"), "Ende"),
        (_event(organisation_id=people["org"]), "genau einen Veranstalter"),
        (_event(fields=["gibt-es-nicht"]), "gibt-es-nicht"),
        (_event(measure_ids=[999]), "Maßnahme 999"),
        (_event(online_url="javascript:alert(1)"), "http"),
        (_event(capacity=0), "capacity"),
        (_event(starts_at="0001-01-01T00:00:00"), "zwischen 1900 und 2200"),
        (_event(ends_at="9999-12-31T23:59:59-10:00"), "zwischen 1900 und 2200"),
    ]
    for body, text in cases:
        response = client.post("/api/v1/events", json=body, headers=erik)
        assert response.status_code == 422, (body, response.text)
        assert text in response.text
    assert client.get("/api/v1/events").json()["total"] == 0
    far = client.get("/api/v1/events?date_to=9999-12-31")
    assert far.status_code == 422 and "1900" in far.text
    bad_dates = client.get("/veranstaltungen?von=2026-13-45")
    assert bad_dates.status_code == 422 and "JJJJ-MM-TT" in bad_dates.text


def test_filters_by_field_and_date_range(
    plan: Database, client: TestClient, people: dict[str, object]
) -> None:
    erik = bearer(plan, "erik@stadt.example")
    _create(client, erik, title="Verwaltung digital")
    later = (dt.date.today() + dt.timedelta(days=60)).isoformat()
    _create(
        client,
        erik,
        title="Mobilitätsdaten-Hackathon",
        kind="hackathon_day",
        fields=["smart-city"],
        starts_at=f"{later}T09:00:00",
        ends_at=f"{later}T18:00:00",
    )
    by_field = client.get("/api/v1/events?field=smart-city").json()
    assert [e["title"] for e in by_field["items"]] == ["Mobilitätsdaten-Hackathon"]
    by_date = client.get(f"/api/v1/events?date_from={SOON}&date_to={SOON}").json()
    assert [e["title"] for e in by_date["items"]] == ["Verwaltung digital"]
    page = client.get(f"/veranstaltungen?feld=smart-city&von={later}&bis={later}")
    assert "Mobilitätsdaten-Hackathon" in page.text and "Verwaltung digital" not in page.text
    assert client.get("/api/v1/events?field=nope").status_code == 404
    assert client.get(f"/api/v1/events?date_from={later}&date_to={SOON}").status_code == 422


def test_capacity_waiting_list_and_cancellation_moves_up(
    plan: Database, client: TestClient, people: dict[str, object]
) -> None:
    event = _create(client, bearer(plan, "erik@stadt.example"), capacity=2)
    url = f"/api/v1/events/{event['id']}/registrations"
    anna, ben, cem = (bearer(plan, f"{n}@example.org") for n in ("anna", "ben", "cem"))
    assert client.post(url, headers=anna).json()["status"] == "confirmed"
    assert client.post(url, headers=ben).json()["status"] == "confirmed"
    third = client.post(url, headers=cem).json()
    assert third == {"event_id": event["id"], "status": "waiting", "waiting_position": 1}
    again = client.post(url, headers=anna)
    assert again.status_code == 409 and "bereits angemeldet" in again.text
    state = client.get(f"/api/v1/events/{event['id']}").json()
    assert (state["registered"], state["waiting"]) == (2, 1)
    withdrawn = client.delete(f"/api/v1/events/{event['id']}/registration", headers=anna)
    assert withdrawn.status_code == 200
    mine = client.get(f"/api/v1/events/{event['id']}/registration", headers=cem).json()
    assert mine["status"] == "confirmed"
    state = client.get(f"/api/v1/events/{event['id']}").json()
    assert (state["registered"], state["waiting"]) == (2, 0)
    assert client.post(url).status_code == 401


def test_registration_through_the_page(
    plan: Database, client: TestClient, people: dict[str, object]
) -> None:
    event = _create(client, bearer(plan, "erik@stadt.example"), capacity=1)
    login(client, "anna@example.org")
    token = csrf_of(client, f"/veranstaltungen/{event['id']}")
    sent = client.post(
        f"/veranstaltungen/{event['id']}/anmelden",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    page = client.get(sent.headers["location"])
    assert "Sie sind angemeldet." in page.text and "1 / 1" in page.text


def test_cancelled_event_refuses_registrations(
    plan: Database, client: TestClient, people: dict[str, object]
) -> None:
    erik = bearer(plan, "erik@stadt.example")
    event = _create(client, erik)
    cancelled = client.post(f"/api/v1/events/{event['id']}/cancel", headers=erik)
    assert cancelled.json()["status"] == "cancelled"
    refused = client.post(
        f"/api/v1/events/{event['id']}/registrations", headers=bearer(plan, "anna@example.org")
    )
    assert refused.status_code == 409 and "abgesagt" in refused.text


def _vevents(body: bytes) -> tuple[icalendar.Calendar, list[icalendar.Event]]:
    cal = icalendar.Calendar.from_ical(body)
    return cal, [c for c in cal.walk("VEVENT")]


def test_ical_feed_parses_with_timezone_and_cancelled_status(
    plan: Database, client: TestClient, people: dict[str, object]
) -> None:
    erik = bearer(plan, "erik@stadt.example")
    summer = _create(
        client,
        erik,
        title="Sommer-Meetup",
        starts_at="2027-07-01T18:00:00",
        ends_at="2027-07-01T20:00:00",
    )
    winter = _create(
        client,
        erik,
        title="Winter, Kongress; Köln",
        kind="congress",
        starts_at="2027-01-15T09:00:00",
        ends_at="2027-01-15T17:00:00",
    )
    client.post(f"/api/v1/events/{winter['id']}/cancel", headers=erik)
    response = client.get("/veranstaltungen.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    cal, events = _vevents(response.content)
    zones = list(cal.walk("VTIMEZONE"))
    assert [str(z["TZID"]) for z in zones] == ["Europe/Berlin"]
    by_title = {str(e["SUMMARY"]): e for e in events}
    assert set(by_title) == {"Sommer-Meetup", "Winter, Kongress; Köln"}
    s = by_title["Sommer-Meetup"]
    assert s["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert s["DTSTART"].dt.hour == 18
    assert s["DTSTART"].dt.utcoffset() == dt.timedelta(hours=2)
    assert by_title["Winter, Kongress; Köln"]["DTSTART"].dt.utcoffset() == dt.timedelta(hours=1)
    for e in events:
        assert e["UID"] and e["DTSTAMP"] and e["DTEND"] and e["URL"]
        assert str(e["LOCATION"]).startswith("Stadthaus Deutz")
    assert str(by_title["Winter, Kongress; Köln"]["STATUS"]) == "CANCELLED"
    assert str(s["STATUS"]) == "CONFIRMED"
    assert str(s["URL"]).endswith(f"/veranstaltungen/{summer['id']}")
    single = client.get(f"/veranstaltungen/{summer['id']}.ics")
    assert single.status_code == 200
    _, one = _vevents(single.content)
    assert [str(e["SUMMARY"]) for e in one] == ["Sommer-Meetup"]
    assert client.get("/veranstaltungen/999.ics").status_code == 404


def test_event_page_json_ld_is_valid_json_with_escaped_text(
    plan: Database, client: TestClient, people: dict[str, object]
) -> None:
    evil = "</script><script>alert(1)</script> & <b>Mehr</b>"
    event = _create(client, bearer(plan, "erik@stadt.example"), title=evil, description=evil)
    page = client.get(f"/veranstaltungen/{event['id']}").text
    assert "<script>alert(1)" not in page
    start = page.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    block = page[start : page.index("</script>", start)]
    assert "<" not in block and ">" not in block
    data = json.loads(block)
    assert data["@type"] == "Event"
    assert data["name"] == evil
    assert data["startDate"].endswith(("+01:00", "+02:00"))
    assert data["location"]["@type"] == "Place"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"


def test_moderator_hides_event_with_reason_and_it_is_audited(
    plan: Database, client: TestClient, people: dict[str, object]
) -> None:
    event = _create(client, bearer(plan, "erik@stadt.example"))
    mod = bearer(plan, "mod@stadt.example")
    short = client.post(f"/api/v1/events/{event['id']}/hide", json={"reason": ""}, headers=mod)
    assert short.status_code == 422
    hidden = client.post(
        f"/api/v1/events/{event['id']}/hide", json={"reason": "Werbung"}, headers=mod
    )
    assert hidden.status_code == 204
    assert client.get(f"/api/v1/events/{event['id']}").status_code == 404
    assert client.get("/api/v1/events").json()["total"] == 0
    admin_audit = _audit_actions(plan)
    assert {"event.create", "moderation.hide"} <= admin_audit


def _audit_actions(db: Database) -> set[str]:
    from domstadt.core import audit

    with db.session() as session:
        page = audit.query_entries(session, entity_type=None, limit=500, offset=0)
        return {e.action for e in page.items}


def test_editor_creates_cancels_and_moderator_hides_through_the_pages(
    plan: Database, client: TestClient, people: dict[str, object]
) -> None:
    login(client, "erik@stadt.example")
    form = client.get("/veranstaltungen/neu")
    assert form.status_code == 200 and 'value="dep:DIG"' in form.text
    assert 'value="dep:69"' not in form.text  # not his department
    token = csrf_of(client, "/veranstaltungen/neu")
    values = {
        "csrf_token": token,
        "title": "Sprechstunde Open Data",
        "kind": "workshop",
        "organiser": "dep:DIG",
        "starts_at": f"{SOON}T16:00",
        "ends_at": f"{SOON}T15:00",
        "fields": "datenoekonomie",
    }
    wrong = client.post("/veranstaltungen/neu", data=values)
    assert wrong.status_code == 422 and "Ende darf nicht vor dem Beginn" in wrong.text
    assert 'value="Sprechstunde Open Data"' in wrong.text
    values["ends_at"] = f"{SOON}T17:30"
    other = client.post("/veranstaltungen/neu", data={**values, "organiser": "dep:69"})
    assert other.status_code == 403 and "eigenen Dezernats" in other.text
    made = client.post("/veranstaltungen/neu", data=values, follow_redirects=False)
    assert made.status_code == 303
    page = client.get(made.headers["location"])
    assert "Die Veranstaltung wurde angelegt." in page.text and "16:00" in page.text
    event_id = made.headers["location"].split("/")[-1].split("?")[0]
    assert "Veranstaltung absagen" in page.text
    client.post(f"/veranstaltungen/{event_id}/absagen", data={"csrf_token": token})
    assert client.get(f"/api/v1/events/{event_id}").json()["status"] == "cancelled"
    client.post("/logout", data={"csrf_token": token})
    login(client, "mod@stadt.example")
    token = csrf_of(client, f"/veranstaltungen/{event_id}")
    hidden = client.post(
        f"/veranstaltungen/{event_id}/ausblenden",
        data={"csrf_token": token, "reason": "Doppelt eingetragen"},
        follow_redirects=False,
    )
    assert hidden.status_code == 303
    assert client.get(f"/api/v1/events/{event_id}").status_code == 404
