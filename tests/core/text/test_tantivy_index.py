"""The process's tantivy index of a kind of search document: it follows every committed write
(also one committed after a later one), never an uncommitted one, is built again when the
database under it was replaced, and matches as the database's own full-text index does, on
real catalogue texts of German portals."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from rdflib import Graph
from rdflib.namespace import DCAT, DCTERMS, RDF
from sqlalchemy import text

from domstadt.core.db import Database
from domstadt.core.text import index_document, matches, remove_document, tantivy_index

KIND = "probe"
REAL = Path(__file__).parents[2] / "catalog" / "data" / "real_catalogues"


@pytest.fixture(autouse=True)
def _fresh() -> None:
    tantivy_index.clear()


def _write(db: Database, entity_id: int, title: str, body: str = "") -> None:
    with db.session() as session:
        index_document(session, kind=KIND, entity_id=entity_id, title=title, body=body)
        session.commit()


def _found(db: Database, query: str) -> list[int]:
    with db.session() as session:
        hits = tantivy_index.match_scores(session, query, kind=KIND)
    return [] if hits is None else sorted(hits[0].tolist())


def _best_first(db: Database, query: str) -> list[int]:
    with db.session() as session:
        hits = tantivy_index.match_scores(session, query, kind=KIND)
    assert hits is not None
    ids, scores = hits
    return ids[np.argsort(-scores, kind="stable")].tolist()


def test_follows_committed_writes_and_removals(db: Database) -> None:
    _write(db, 1, "Mehr Bäume für Kalk", "Neue Bäume auf der Kalker Hauptstraße")
    assert _found(db, "Bäume") == [1]  # built on first use
    _write(db, 2, "Radweg Venloer Straße", "Ein sicherer Radweg für Ehrenfeld")
    assert _found(db, "Radweg") == [2]  # caught up before the search
    _write(db, 2, "Fußweg Venloer Straße", "Ein breiter Fußweg für Ehrenfeld")
    assert _found(db, "Radweg") == []
    assert _found(db, "Fussweg") == [2]
    with db.session() as session:
        remove_document(session, kind=KIND, entity_id=1)
        session.commit()
    assert _found(db, "Kalk") == []
    with db.session() as session:  # another kind's document is not this index's
        index_document(session, kind="other", entity_id=7, title="Bäume", body="")
        session.commit()
    assert _found(db, "Bäume") == []


def test_uncommitted_writes_never_enter(db: Database) -> None:
    _write(db, 1, "Wasserspielplatz im Stadtgarten")
    with db.session() as session:
        index_document(session, kind=KIND, entity_id=2, title="Wasserspielplatz Rheinpark", body="")
        # the writing session searches before it commits: the index reads committed rows only
        hits = tantivy_index.match_scores(session, "Wasserspielplatz", kind=KIND)
        assert hits is not None and hits[0].tolist() == [1]
        session.rollback()
    assert _found(db, "Wasserspielplatz") == [1]
    assert _found(db, "Rheinpark") == []


def test_a_write_committed_after_a_later_one_is_not_missed(db: Database) -> None:
    """PostgreSQL: transaction A writes first and commits last; a search in between moves the
    index past B's change, and A's must still arrive (ids do not rise in commit order there)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: commits come in id order")
    _write(db, 1, "Grundsteuer Hebesatz")
    assert _found(db, "Grundsteuer") == [1]
    with db.session() as first:
        index_document(first, kind=KIND, entity_id=2, title="Grundsteuer Bescheid", body="")
        first.flush()
        _write(db, 3, "Grundsteuer Erklärung")  # B: starts after A, commits before it
        assert _found(db, "Grundsteuer") == [1, 3]
        first.commit()
    assert _found(db, "Grundsteuer") == [1, 2, 3]
    assert _found(db, "Bescheid") == [2]


def test_rebuilt_when_the_database_under_it_was_replaced(db: Database) -> None:
    _write(db, 1, "Hochwasserschutz Rodenkirchen")
    _write(db, 2, "Hochwasserschutz Porz")
    assert _found(db, "Hochwasserschutz") == [1, 2]
    # what a restore or the test fixture does: rows gone without the triggers, ids restart
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text("DELETE FROM search_document"))
            conn.execute(text("DELETE FROM search_change"))
            conn.execute(text("ALTER SEQUENCE search_change_id_seq RESTART"))
        else:
            conn.execute(text("DROP TRIGGER search_document_deleted"))
            conn.execute(text("DELETE FROM search_document"))
            conn.execute(text("DELETE FROM search_change"))
            conn.execute(text("DELETE FROM sqlite_sequence WHERE name = 'search_change'"))
    _write(db, 5, "Kulturzentrum Mülheim")
    assert _found(db, "Hochwasserschutz") == []
    assert _found(db, "Kulturzentrum") == [5]


def test_prune_keeps_the_newest_change(db: Database) -> None:
    for entity_id in (1, 2, 3):
        _write(db, entity_id, f"Sitzung {entity_id}")
    assert _found(db, "Sitzung") == [1, 2, 3]
    old = int(time.time()) - tantivy_index.PRUNE_AFTER_SECONDS - 60
    with db.session() as session:
        session.execute(text("UPDATE search_change SET created = :old"), {"old": old})
        assert tantivy_index.prune(session) == 2
        session.commit()
        assert session.execute(text("SELECT count(*) FROM search_change")).scalar_one() == 1
    _write(db, 4, "Sitzung 4")
    assert _found(db, "Sitzung") == [1, 2, 3, 4]


def test_german_matching(db: Database) -> None:
    _write(db, 1, "Straßenbäume in Köln", "Pflanzung und Pflege")
    _write(db, 2, "Baumpflanzung Ehrenfeld", "Bäume für die Venloer Straße")
    _write(db, 3, "Parkhäuser Innenstadt", "Belegung in Echtzeit")
    assert _found(db, "Strasse") == [1, 2]  # ß/ss; a whole word or its start
    assert _found(db, "Strassen") == [1]
    assert _found(db, "Venloer Strasse") == [2]
    assert _found(db, "Koeln") == [1]
    assert _found(db, "baum") == [2]  # "Straßenbäume" starts otherwise
    assert _found(db, "Echtzeit Parkh") == [3]  # the last word from two characters
    assert _found(db, "Ehrenfeld Innenstadt") == [2, 3]  # no document has both: either
    assert _found(db, "und der die") == [1, 2]  # stop words only: searched as they are
    assert _found(db, "!!! ***") == []
    assert _best_first(db, "Pflanzung")[0] == 1  # whole word before a word's start


def test_title_counts_more_than_body(db: Database) -> None:
    _write(db, 1, "Haushalt der Stadt", "Zahlen")
    _write(db, 2, "Zahlen der Stadt", "Der Haushalt in Zahlen")
    assert _best_first(db, "Haushalt") == [1, 2]


def _real_documents() -> list[tuple[str, str]]:
    graph = Graph()
    graph.parse(REAL / "bremen_dashboard_catalog.rdf", format="xml")
    out = []
    for dataset in sorted(graph.subjects(RDF.type, DCAT.Dataset)):
        title = str(graph.value(dataset, DCTERMS.title) or "")
        body = str(graph.value(dataset, DCTERMS.description) or "")
        out.append((title, body))
    return out


def test_same_matches_as_the_databases_index_on_real_catalogue_texts(db: Database) -> None:
    """Bremen's catalogue page (real titles and descriptions, tests/catalog/data): every query
    finds exactly the documents SQLite's FTS5 finds (same folding and prefix rules); on
    PostgreSQL, whose German configuration stems, the index finds what FTS5 would."""
    documents = _real_documents()
    assert len(documents) >= 50
    with db.session() as session:
        for number, (title, body) in enumerate(documents, start=1):
            index_document(session, kind=KIND, entity_id=number, title=title, body=body)
        session.commit()
    queries = [
        "Haushalt", "Bremen", "Wahl", "Strasse", "Straßenbahn", "Kita", "Schule",
        "Bevölkerung", "Bevoelkerung", "Verkehr Unfall", "Umwelt Luft", "Einwohner",
        "Geo", "bu", "Statistik Bremerhaven", "Arbeitslose", "Energie", "Wasser",
    ]  # fmt: skip
    total = 0
    for query in queries:
        found = _found(db, query)
        total += len(found)
        if db.engine.dialect.name == "sqlite":
            with db.session() as session:
                reference = matches(session, query, kinds=[KIND])
                assert reference is not None
                ids = session.execute(reference.select()).scalars().all()
            assert found == sorted(int(i) for i in ids), query
    assert total > 100  # the queries do find things on this page
