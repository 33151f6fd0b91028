"""text: search documents (FTS5 / tsvector) and stored text embeddings

Revision ID: 0002_text
Revises: 0001_core
Create Date: 2026-11-27 14:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import domstadt.core.db

revision = "0002_text"
down_revision = "0001_core"
branch_labels = None
depends_on = None
phase = "expand"

SQLITE_UP = [
    # External-content FTS5 index over search_document; diacritics folded so 'baume' finds
    # 'Bäume'. Prefix indexes make the search-as-you-type prefix queries cheap.
    """
    CREATE VIRTUAL TABLE search_fts USING fts5(
        title, body,
        content='search_document', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2',
        prefix='2 3 4'
    )
    """,
    """
    CREATE TRIGGER search_document_fts_insert AFTER INSERT ON search_document BEGIN
        INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END
    """,
    """
    CREATE TRIGGER search_document_fts_delete AFTER DELETE ON search_document BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END
    """,
    """
    CREATE TRIGGER search_document_fts_update AFTER UPDATE OF title, body ON search_document
    BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END
    """,
]

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS search_document_fts_update",
    "DROP TRIGGER IF EXISTS search_document_fts_delete",
    "DROP TRIGGER IF EXISTS search_document_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]

POSTGRESQL_UP = [
    # Title weighs A, body B; the german configuration stems and folds umlauts and ß.
    """
    ALTER TABLE search_document ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('german'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('german'::regconfig, coalesce(body, '')), 'B')
    ) STORED
    """,
    "CREATE INDEX ix_search_document_search_vector ON search_document USING gin (search_vector)",
]

POSTGRESQL_DOWN = [
    "DROP INDEX IF EXISTS ix_search_document_search_vector",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS search_vector",
]


def upgrade() -> None:
    op.create_table(
        "search_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("updated", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_document")),
        sa.UniqueConstraint("kind", "entity_id", name=op.f("uq_search_document_kind")),
    )
    op.create_table(
        "text_embedding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("lexical", sa.LargeBinary(), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_embedding")),
        sa.UniqueConstraint("kind", "entity_id", "model", name=op.f("uq_text_embedding_kind")),
        # AUTOINCREMENT: ids are never reused, which the similarity cache's change check needs.
        sqlite_autoincrement=True,
    )
    op.create_index("ix_text_embedding_model_id", "text_embedding", ["model", "id", "updated"])
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_UP, "postgresql": POSTGRESQL_UP}.get(dialect, []):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_DOWN, "postgresql": POSTGRESQL_DOWN}.get(dialect, []):
        op.execute(statement)
    op.drop_index("ix_text_embedding_model_id", table_name="text_embedding")
    op.drop_table("text_embedding")
    op.drop_table("search_document")
