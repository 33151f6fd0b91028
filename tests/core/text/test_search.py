"""Full-text search on the migrated database: German matching, ranking, hostile input."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domstadt.core.db import Database
from domstadt.core.errors import Invalid
from domstadt.core.text import index_document, remove_document, search

FILLER = [
    "Digitale Terminbuchung für die Kfz-Zulassungsstelle",
    "Kostenloses WLAN in allen Stadtbahnen der KVB",
    "Open-Data-Portal mit Echtzeitdaten der Parkhäuser",
    "Sensoren zur Messung der Luftqualität am Neumarkt",
    "Schulen mit Tablets und schnellem Glasfaser ausstatten",
    "Bürgerbeteiligung beim Haushalt online ermöglichen",
    "Hochwasserschutz in Rodenkirchen verbessern",
    "Ein Kulturzentrum in Mülheim eröffnen",
]


def _seed(db: Database) -> None:
    with db.session() as session:
        index_document(
            session,
            kind="proposal",
            entity_id=1,
            title="Mehr Bäume für Kalk",
            body="Auf der Kalker Hauptstraße sollen neue Bäume gepflanzt werden.",
        )
        index_document(
            session,
            kind="proposal",
            entity_id=2,
            title="Radweg Venloer Straße",
            body="Ein sicherer Radweg für Ehrenfeld; die alten Bäume bleiben stehen.",
        )
        index_document(
            session,
            kind="measure",
            entity_id=7,
            title="Stadtgrün digital erfassen",
            body="Ein Baumkataster für Köln: jeder Baum mit Standort und Zustand.",
        )
        for number, title in enumerate(FILLER, start=100):
            index_document(
                session,
                kind="measure",
                entity_id=number,
                title=title,
                body=f"{title}. Ein Vorhaben für Köln.",
            )


@pytest.fixture
def seeded(db: Database) -> Database:
    _seed(db)
    return db


@pytest.mark.parametrize("query", ["Bäume", "bäume", "BÄUME", "baume", "Baeume"])
def test_umlauts_are_folded(seeded: Database, query: str) -> None:
    with seeded.session() as session:
        result = search(session, query)
    found = {(hit.kind, hit.entity_id) for hit in result.hits}
    assert {("proposal", 1), ("proposal", 2)} <= found


def test_title_match_ranks_first(seeded: Database) -> None:
    with seeded.session() as session:
        result = search(session, "Bäume Kalk")
    assert result.total == 1
    assert (result.hits[0].kind, result.hits[0].entity_id) == ("proposal", 1)
    with seeded.session() as session:
        hits = search(session, "Radweg").hits
    assert [(h.kind, h.entity_id) for h in hits] == [("proposal", 2)]
    assert hits[0].score > 0


def test_scores_are_best_first(seeded: Database) -> None:
    with seeded.session() as session:
        hits = search(session, "Bäume").hits
    assert hits[0].entity_id == 1  # "Bäume" in title and body beats a body-only match
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_last_term_matches_as_prefix(seeded: Database) -> None:
    with seeded.session() as session:
        assert search(session, "Radw").hits[0].entity_id == 2
        assert search(session, "Ehrenfeld Rad").total == 1


@pytest.mark.parametrize(("query", "entity_id"), [("Strasse", 2), ("Koeln", 7)])
def test_german_respellings(seeded: Database, query: str, entity_id: int) -> None:
    with seeded.session() as session:
        ids = [hit.entity_id for hit in search(session, query).hits]
    assert entity_id in ids


def test_no_document_has_all_words_falls_back_to_any(seeded: Database) -> None:
    with seeded.session() as session:
        result = search(session, "Radweg Mondbasis")
    assert [hit.entity_id for hit in result.hits] == [2]


def test_kinds_filter_total_and_paging(seeded: Database) -> None:
    with seeded.session() as session:
        assert search(session, "Kalk", kinds=["measure"]).total == 0
        assert search(session, "Kalk", kinds=["proposal", "measure"]).total == 1
        assert search(session, "Bäume", kinds=[]).total == 0
        everything = search(session, "Köln", kinds=["measure"])
        page = search(session, "Köln", kinds=["measure"], limit=2, offset=2)
    assert everything.total == len(FILLER) + 1
    assert page.total == everything.total
    assert page.hits == everything.hits[2:4]


def test_reindex_and_remove(seeded: Database) -> None:
    with seeded.session() as session:
        index_document(
            session, kind="proposal", entity_id=1, title="Weniger Autos", body="Nur noch Busse."
        )
    with seeded.session() as session:
        assert search(session, "Kalker").total == 0
        assert search(session, "Busse").hits[0].entity_id == 1
        remove_document(session, kind="proposal", entity_id=1)
        remove_document(session, kind="proposal", entity_id=999)
    with seeded.session() as session:
        assert search(session, "Busse").total == 0


def test_snippet_is_marked_and_escaped(db: Database) -> None:
    with db.session() as session:
        index_document(
            session,
            kind="comment",
            entity_id=1,
            title="Hinweis",
            body="Die <b>Bäume</b> & Sträucher am Rhein \ue000brauchen\ue001 Wasser.",
        )
    with db.session() as session:
        hit = search(session, "Sträucher").hits[0]
    assert "<b>" not in hit.snippet_html and "&amp;" in hit.snippet_html
    assert "<mark>Sträucher</mark>" in hit.snippet_html
    assert hit.snippet_html.count("<mark>") == hit.snippet_html.count("</mark>") == 1
    assert "Sträucher" in hit.snippet and "<mark>" not in hit.snippet


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        '"',
        '"""',
        "'",
        "AND",
        "OR NOT",
        "Bäume AND OR NOT Kalk",
        "*",
        "Bäu*",
        "-Bäume",
        "- - -",
        "(Bäume",
        "Bäume)",
        "((()))",
        "NEAR(Bäume Kalk, 2)",
        "title:Bäume",
        "{title body}: x",
        "^Bäume",
        "Bäume + Kalk",
        "a:* & b | !c <-> d",
        "'; DROP TABLE search_document; --",
        "\x00\x01",
        "\ud800",
        "x" * 10_000,
        " ".join(["Baum"] * 500),
    ],
)
def test_hostile_queries_never_raise(seeded: Database, query: str) -> None:
    with seeded.session() as session:
        result = search(session, query, kinds=["proposal", "measure"])
    assert result.total >= len(result.hits)


@pytest.mark.parametrize("query", ["", "   ", "?!", "---", "()"])
def test_queries_without_words_find_nothing(seeded: Database, query: str) -> None:
    with seeded.session() as session:
        assert search(session, query).total == 0


def test_page_size_is_checked(seeded: Database) -> None:
    with seeded.session() as session, pytest.raises(Invalid):
        search(session, "Bäume", limit=0)
    with seeded.session() as session, pytest.raises(Invalid):
        search(session, "Bäume", offset=-1)


SYNTAX = st.sampled_from(
    ['"', "'", "*", "-", "+", "(", ")", ":", "^", "AND", "OR", "NOT", "NEAR", "&", "|", "!"]
)
QUERIES = st.one_of(
    st.text(),
    st.lists(st.one_of(SYNTAX, st.text(max_size=6)), max_size=12).map(" ".join),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query=QUERIES)
def test_any_text_as_query_never_raises(seeded: Database, query: str) -> None:
    with seeded.session() as session:
        result = search(session, query, limit=5)
    assert len(result.hits) <= 5


def test_ranked_ids_agree_with_search_order(seeded: Database) -> None:
    from domstadt.core.text import ranked_ids

    with seeded.session() as session:
        for query in ("Bäume", "Radweg Sülz", "Köln"):
            expected = [(h.kind, h.entity_id) for h in search(session, query, limit=50).hits]
            assert ranked_ids(session, query, limit=50) == expected
        assert ranked_ids(session, "\"'()*") == []
        with pytest.raises(Invalid):
            ranked_ids(session, "Köln", limit=0)
