"""Participation as open data (issue 10): the demo's challenges, submissions, vote results,
events, UX tests and feedback are published as catalogue datasets of the Stabsstelle
Digitalisierung; CKAN and DCAT list them, their CSV and JSON are built per request, carry no
personal data, leave out drafts and hidden items, and publishing again changes nothing."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT
from sqlalchemy import select
from starlette.testclient import TestClient

from domstadt.catalog import service as catalog
from domstadt.catalog.privacy.scan import scan_table
from domstadt.core.auth.models import Organisation, Role, User
from domstadt.core.auth.permissions import Actor, system_actor
from domstadt.core.config import Settings
from domstadt.core.db import Database
from domstadt.core.errors import DomainError
from domstadt.demo import challenges, core, feedback, masterplan, participation_events
from domstadt.participation import challenge_service, event_service, lab_service
from domstadt.participation import publish_service as publish
from domstadt.participation.challenges.models import Submission, SubmissionStatus
from domstadt.participation.feedback import service as feedback_service
from domstadt.participation.feedback.models import Feedback
from domstadt.participation.opendata.tables import SPECS
from domstadt.participation.tasks import run_publish

API = "/api/v1/open-data/beteiligung"
NAMES = [s.name for s in SPECS]
PERSON_COLUMNS = {"name", "author", "author_name", "email", "e_mail", "autor", "person", "user"}


@pytest.fixture
def demo(db: Database, settings: Settings) -> dict[str, Any]:
    """The demo's participation data, published once through the job's path."""
    actor = system_actor("demo")
    with db.session() as session:
        core.load(session, actor)
        masterplan.load(session, actor)
        feedback.load(session, actor)
        challenges.load(session, actor)
        participation_events.load(session, actor)
    return run_publish(settings)


def table(client: TestClient, name: str) -> list[dict[str, str]]:
    """A published table's CSV rows."""
    r = client.get(f"{API}/{name}.csv")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(r.text)))


def test_datasets_in_ckan_and_dcat_point_at_fresh_tables(
    client: TestClient, demo: dict[str, Any]
) -> None:
    assert sorted(demo["created"]) == sorted(f"beteiligung-{n}" for n in NAMES)
    assert demo["distributions_added"] == 2 * len(NAMES)
    found = client.get(
        "/api/3/action/package_search", params={"q": "Beteiligung", "rows": 100}
    ).json()["result"]["results"]
    ours = {p["name"]: p for p in found if p["name"].startswith("beteiligung-")}
    assert set(ours) == {f"beteiligung-{n}" for n in NAMES}
    for name in NAMES:
        package = ours[f"beteiligung-{name}"]
        assert package["organization"]["title"] == "Stabsstelle Digitalisierung"
        urls = sorted(res["url"] for res in package["resources"])
        assert urls == [f"http://testserver{API}/{name}.csv", f"http://testserver{API}/{name}.json"]
        for url in urls:
            assert client.get(url).status_code == 200
    graph = Graph().parse(data=client.get("/catalog.ttl").text, format="turtle")
    downloads = {str(o) for o in graph.objects(None, DCAT.downloadURL)}
    for name in NAMES:
        assert f"http://testserver{API}/{name}.csv" in downloads
        assert (None, DCAT.downloadURL, URIRef(f"http://testserver{API}/{name}.json")) in graph


def test_tables_have_the_demo_rows(client: TestClient, demo: dict[str, Any]) -> None:
    contests = {r["titel"]: r for r in table(client, "wettbewerbe")}
    done = contests[challenges.DONE_TITLE]
    assert done["phase"] == "results" and done["beitraege"] == "2"
    assert contests[challenges.VOTE_TITLE]["phase"] == "vote"
    votes = table(client, "abstimmungen")
    assert {r["wettbewerb_id"] for r in votes} == {done["id"]}, "only closed votes are published"
    assert sum(int(r["stimmen"]) for r in votes) == 4
    assert {r["titel"] for r in table(client, "beitraege")} >= {
        "Terminbuchung per Messenger",
        "Parkdruck-Karte aus offenen Sensordaten",
    }
    events = table(client, "veranstaltungen")
    assert len(events) == 10 and any(e["status"] == "cancelled" for e in events)
    assert all(e["seite"].startswith("http://testserver/veranstaltungen/") for e in events)
    sus = {r["dienst"]: r for r in table(client, "ux-tests")}
    assert sus and all(0 <= float(r["sus_mittelwert"]) <= 100 for r in sus.values())
    voices = table(client, "rueckmeldungen")
    assert voices and all(
        int(r["rueckmeldungen"])
        == int(r["unterstuetzung"]) + int(r["neutral"]) + int(r["bedenken"])
        for r in voices
    )
    document = client.get(f"{API}/wettbewerbe.json").json()
    assert document["lizenz"] == "dl-by-de/2.0" and len(document["zeilen"]) == len(contests)


def test_no_personal_data(client: TestClient, db: Database, demo: dict[str, Any]) -> None:
    with db.session() as session:
        people = set(session.scalars(select(User.name)).all())
        emails = set(session.scalars(select(User.email)).all())
        authors = set(session.scalars(select(Submission.author_name)).all())
        comments = {c for c in session.scalars(select(Feedback.comment)).all() if c}
        summaries = {s for s in session.scalars(select(Submission.summary)).all() if s}
        unverified = set(
            session.scalars(select(Organisation.name).where(Organisation.verified.is_(False)))
        )
    assert authors and comments and summaries
    for name in NAMES:
        text = client.get(f"{API}/{name}.csv").text
        header, *_ = text.splitlines()
        assert not PERSON_COLUMNS & set(header.split(",")), header
        assert "@" not in text, name
        for secret in people | emails | authors | comments | summaries:
            assert secret not in text, (name, secret)
        rows = table(client, name)
        columns = list(rows[0]) if rows else []
        found = scan_table(columns, [[r[c] for r in rows] for c in columns])
        # The venue of a public event ("Mauritiussteinweg 29") is shown on its page: no
        # personal data, although the catalogue's scanner flags every street address.
        assert [f for f in found if (f.kind, f.column) != ("street_address", "ort")] == [], name
    for row in table(client, "beitraege"):
        assert row["organisation"] not in unverified


def test_hidden_and_draft_items_never_appear(
    client: TestClient, db: Database, demo: dict[str, Any]
) -> None:
    actor = system_actor("moderation")
    with db.session() as session:
        listed = challenge_service.challenge_list(session, actor=actor)
        done = next(c for c in listed if c.title == challenges.DONE_TITLE)
        first = challenge_service.submission_list(session, actor=actor, challenge_id=done.id)[0]
        submission_hidden = session.get(Submission, first.id)
        assert submission_hidden is not None
        session.add(
            Submission(
                challenge_id=done.id,
                author_name="Entwurf Person",
                title="Unfertiger Entwurf",
                status=SubmissionStatus.DRAFT,
            )
        )
        from domstadt.participation import submission_service

        submission_service.submission_hide(
            session, actor=actor, submission_id=first.id, reason="Test"
        )
        event = event_service.event_list(session, actor=actor).items[0]
        event_service.event_hide(session, actor=actor, event_id=event.id, reason="Test")
        lab = lab_service.lab_overview(session, actor=actor).items
        voice = session.scalars(select(Feedback).order_by(Feedback.id)).first()
        assert voice is not None
        feedback_service.feedback_hide(session, actor=actor, feedback_id=voice.id, reason="Test")
        hidden_voice_measure = voice.measure_id
    titles = {r["titel"] for r in table(client, "beitraege")}
    assert first.title not in titles and "Unfertiger Entwurf" not in titles
    assert str(first.id) not in {r["beitrag_id"] for r in table(client, "abstimmungen")}
    contests = {r["titel"]: r for r in table(client, "wettbewerbe")}
    assert contests[challenges.DONE_TITLE]["beitraege"] == "1"
    assert str(event.id) not in {r["id"] for r in table(client, "veranstaltungen")}
    assert event.title not in client.get(f"{API}/veranstaltungen.json").text
    assert lab, "the demo has lab sessions"
    counts = {r["massnahme_id"]: r for r in table(client, "rueckmeldungen")}
    with db.session() as session:
        left = session.scalars(
            select(Feedback).where(
                Feedback.measure_id == hidden_voice_measure, Feedback.hidden_at.is_(None)
            )
        ).all()
    if left:
        assert int(counts[str(hidden_voice_measure)]["rueckmeldungen"]) == len(left)
    else:
        assert str(hidden_voice_measure) not in counts


def test_publishing_again_changes_nothing(
    client: TestClient, settings: Settings, demo: dict[str, Any]
) -> None:
    before = client.get("/api/3/action/package_list").json()["result"]
    again = run_publish(settings)
    assert again["created"] == [] and again["updated"] == []
    assert again["distributions_added"] == 0
    assert sorted(again["unchanged"]) == sorted(f"beteiligung-{n}" for n in NAMES)
    assert client.get("/api/3/action/package_list").json()["result"] == before
    package = client.get(
        "/api/3/action/package_show", params={"id": "beteiligung-wettbewerbe"}
    ).json()["result"]
    assert len(package["resources"]) == 2


def test_index_and_unknown_tables(client: TestClient, demo: dict[str, Any]) -> None:
    index = client.get(API).json()
    assert [t["name"] for t in index] == NAMES
    assert index[0]["csv"] == f"http://testserver{API}/wettbewerbe.csv"
    for path in ("personen.csv", "wettbewerbe.xlsx", "wettbewerbe"):
        r = client.get(f"{API}/{path}")
        assert r.status_code == 404
        assert "gibt es nicht" in r.json()["error"]["message"]


def test_publish_needs_an_editor_of_the_publisher(db: Database, settings: Settings) -> None:
    with db.session() as session:
        core.load(session, system_actor("demo"))
    other = Actor(user_id=1, role=Role.EDITOR, department_ids=frozenset({999_999}), via="token")
    for actor, status in ((Actor(), 401), (other, 403)):
        with db.session() as session, pytest.raises(DomainError) as caught:
            publish.open_data_publish(
                session, actor=actor, department_code="DIG", data_dir=settings.data_dir
            )
        assert caught.value.status_code == status
    with db.session() as session:
        assert not [n for n in catalog.dataset_names(session, actor=Actor()) if "beteiligung" in n]
