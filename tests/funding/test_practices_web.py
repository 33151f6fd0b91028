"""The best-practice library as people and programs use it: /praxisbeispiele with filters,
the JSON twins, ratings by signed-in reviewers with their aggregate, the practices like a
demo measure (API and the measure page's section) and the screening reading the library."""

from __future__ import annotations

from starlette.testclient import TestClient

from domstadt.core.db import Database
from tests.conftest import csrf_of, login, make_token, make_user
from tests.funding.practices_helpers import DV_05, SAMPLE, ai_watch_count, import_all, run_import
from tests.masterplan.conftest import add_measure


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _id(client: TestClient, title: str) -> int:
    found = client.get("/api/v1/practices", params={"q": title.split()[0], "limit": 100}).json()
    return next(p["id"] for p in found["items"] if p["title"] == title)


def test_list_api_filters_and_pages(client: TestClient, plan: Database) -> None:
    import_all(plan)
    everything = client.get("/api/v1/practices", params={"limit": 100}).json()
    assert everything["count"] == ai_watch_count() + 44
    first = everything["items"][0]
    assert {"id", "title", "city", "country", "technology", "status", "url", "source"} <= set(first)
    nlp = client.get("/api/v1/practices", params={"technology": "natural language"}).json()
    assert nlp["count"] >= 10 and all("Natural language" in p["technology"] for p in nlp["items"])
    amsterdam = client.get("/api/v1/practices", params={"city": "Amsterdam"}).json()
    assert amsterdam["count"] == 4  # three AI Watch cases and one reference case
    chat = client.get("/api/v1/practices", params={"q": "Chatbot", "limit": 100}).json()
    assert {"Kiri - chatbot for citizens' enquiries", "Chatbot für Bürgeranfragen zu "
            "Verwaltungsleistungen"} <= {p["title"] for p in chat["items"]}  # fmt: skip
    page2 = client.get("/api/v1/practices", params={"limit": 5, "offset": 5}).json()
    assert not {p["id"] for p in page2["items"]} & {p["id"] for p in everything["items"][:5]}
    assert client.get("/api/v1/practices", params={"status": "mars"}).status_code == 422
    assert client.get("/api/v1/practices/999999").status_code == 404


def test_status_made_permanent_is_a_filter(client: TestClient, plan: Database) -> None:
    csv = (
        "Titel;Stadt;Status;Technologie\r\n"
        "Digitaler Mängelmelder;Bonn;verstetigt;Klassifikation\r\n"
        "Sensorik Parken;Hamburg;Pilot;Sensorik\r\n"
    )
    report = run_import(plan, csv.encode("cp1252"), "liste.csv")
    assert report.added == 2
    kept = client.get("/api/v1/practices", params={"status": "verstetigt"}).json()
    assert [p["title"] for p in kept["items"]] == ["Digitaler Mängelmelder"]
    page = client.get(f"/praxisbeispiele/{kept['items'][0]['id']}")
    assert "verstetigt (nach Ende der Förderung fortgeführt)" in page.text


def test_pages_are_german_escape_text_and_have_json_twins(
    client: TestClient, plan: Database
) -> None:
    run_import(plan, SAMPLE.read_bytes(), SAMPLE.name, source="ai-watch")
    csv = "Titel;Stadt;Quelle\r\n<script>alert(1)</script>;Köln;javascript:alert(1)\r\n"
    refused = run_import(plan, csv.encode(), "boese.csv")
    assert refused.refused == 1 and "keine http(s)-Adresse" in refused.rows[0].reason
    page = client.get("/praxisbeispiele", params={"technology": "Computer vision"})
    assert page.status_code == 200
    assert "Praxisbeispiele" in page.text and "Technologie" in page.text
    assert "Traffic load" in page.text and "Antonia" not in page.text
    bad = client.get("/praxisbeispiele", params={"status": "mars"})
    assert bad.status_code == 200 and "Ungültiger Filter ignoriert" in bad.text
    practice_id = _id(client, "SHAP - Holiday rental home fraud")
    detail = client.get(f"/praxisbeispiele/{practice_id}")
    assert detail.status_code == 200 and "Amsterdam" in detail.text
    assert "Übertragbarkeit auf Köln" in detail.text and "Anmelden, um" in detail.text
    assert f'href="/api/v1/practices/{practice_id}"' in detail.text
    english = client.get("/praxisbeispiele", params={"lang": "en"})
    assert "Best practices" in english.text
    assert client.get("/praxisbeispiele/999999").status_code == 404


def test_ratings_one_per_reviewer_changeable_and_aggregated(
    client: TestClient, plan: Database
) -> None:
    run_import(plan, SAMPLE.read_bytes(), SAMPLE.name, source="ai-watch")
    practice_id = _id(client, "Kiri - chatbot for citizens' enquiries")
    url = f"/api/v1/practices/{practice_id}/rating"
    rating = {"scores": {"impact": 4, "transferability": 5}, "comment": "Passt zu DV-05."}
    assert client.put(url, json=rating).status_code == 401
    make_user(plan, "lena@example.org", name="Lena Schmitz")
    make_user(plan, "jonas@example.org", name="Jonas Becker")
    lena, jonas = (_bearer(make_token(plan, e)) for e in ("lena@example.org", "jonas@example.org"))
    assert client.put(url, json=rating, headers=lena).status_code == 200
    second = {"scores": {"impact": 2, "cost": 3}, "comment": ""}
    after = client.put(url, json=second, headers=jonas).json()
    by = {a["criterion"]: a for a in after["aggregate"]}
    assert by["impact"]["mean"] == 3.0 and by["impact"]["count"] == 2
    assert by["transferability"] == {
        "criterion": "transferability", "label": "Transferability to Cologne", "mean": 5.0,
        "count": 1,
    }  # fmt: skip
    assert by["maturity"]["mean"] is None and by["maturity"]["count"] == 0
    changed = client.put(url, json={"scores": {"impact": 5}}, headers=lena).json()
    by = {a["criterion"]: a for a in changed["aggregate"]}
    assert changed["reviewers"] == 2 and by["impact"]["mean"] == 3.5
    assert by["transferability"]["count"] == 0  # Lena's new rating replaced her first one
    out_of_range = client.put(url, json={"scores": {"impact": 6}}, headers=lena)
    assert out_of_range.status_code == 422 and "zwischen 1 und 5" in out_of_range.text
    unknown = client.put(url, json={"scores": {"beauty": 3}}, headers=lena)
    assert unknown.status_code == 422
    assert client.put(url, json={"scores": {}}, headers=lena).status_code == 422
    page = client.get(f"/praxisbeispiele/{practice_id}")
    assert "Lena Schmitz" in page.text and "3,5" in page.text and "2 Bewertende" in page.text


def test_rating_form_for_signed_in_reviewers(client: TestClient, plan: Database) -> None:
    run_import(plan, SAMPLE.read_bytes(), SAMPLE.name, source="ai-watch")
    practice_id = _id(client, "SIA - Notificiations public space")
    make_user(plan, "ayse@example.org", name="Ayşe Yılmaz")
    login(client, "ayse@example.org")
    token = csrf_of(client, f"/praxisbeispiele/{practice_id}")
    form = {"csrf_token": token, "score_impact": "4", "score_open_source": "5",
            "comment": "<b>gut</b>"}  # fmt: skip
    saved = client.post(f"/praxisbeispiele/{practice_id}/bewertung", data=form,
                        follow_redirects=False)  # fmt: skip
    assert saved.status_code == 303
    page = client.get(saved.headers["location"])
    assert "Ihre Bewertung wurde gespeichert." in page.text
    assert "&lt;b&gt;gut&lt;/b&gt;" in page.text and "<b>gut</b>" not in page.text
    assert "Bewertung ändern" in page.text
    empty = client.post(f"/praxisbeispiele/{practice_id}/bewertung",
                        data={"csrf_token": token, "comment": "x"})  # fmt: skip
    assert empty.status_code == 422 and "mindestens ein Kriterium" in empty.text


def test_similar_practices_for_the_demo_measure_with_reasons(
    client: TestClient, plan: Database
) -> None:
    import_all(plan)
    measure = add_measure(plan, **DV_05)
    answer = client.get(f"/api/v1/measures/{measure.id}/practices")
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert items and len(items) <= 5
    top = items[0]
    assert top["practice"]["title"] == "Chatbot für Bürgeranfragen zu Verwaltungsleistungen"
    assert top["practice"]["city"] == "Bonn"
    assert "Gemeinsame Themen: verwaltung" in top["reasons"]
    assert any(r.startswith("Gemeinsame Begriffe:") and "telefon" in r for r in top["reasons"])
    assert any(r.startswith("Textähnlichkeit") for r in top["reasons"])
    phone = next(i for i in items if i["practice"]["title"].startswith("KI-Assistenz am Beh"))
    assert "Gleiche Technologie: Spracherkennung und -synthese" in phone["reasons"]
    assert [i["score"] for i in items] == sorted((i["score"] for i in items), reverse=True)
    assert client.get("/api/v1/measures/999999/practices").status_code == 404
    assert client.get(f"/api/v1/measures/{measure.id}/practices?limit=0").status_code == 422
    section = client.get(f"/praxisbeispiele/massnahmen/{measure.id}",
                         headers={"HX-Request": "true"})  # fmt: skip
    assert "Ähnliche Praxisbeispiele" in section.text and "<html" not in section.text
    full = client.get(f"/praxisbeispiele/massnahmen/{measure.id}")
    assert "<html" in full.text and "Zurück zur Maßnahme" in full.text
    measure_page = client.get(f"/massnahmen/{measure.id}")
    assert f'hx-get="/praxisbeispiele/massnahmen/{measure.id}"' in measure_page.text


def test_screening_reads_its_similar_cases_from_the_library(
    client: TestClient, plan: Database
) -> None:
    measure = add_measure(plan, **DV_05)
    before = client.get(f"/api/v1/measures/{measure.id}/screening").json()["similar_cases"]
    assert len(before) == 3  # the shipped reference file while the library is empty
    run_import(plan, SAMPLE.read_bytes(), SAMPLE.name, source="ai-watch")
    after = client.get(f"/api/v1/measures/{measure.id}/screening").json()["similar_cases"]
    sample_titles = set(client.get("/api/v1/practices").json()["items"][i]["title"]
                        for i in range(6))  # fmt: skip
    assert len(after) == 3 and {c["case"]["title"] for c in after} <= sample_titles
