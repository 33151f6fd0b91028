"""one search across areas (issue 13): site search entries, terms and vocabulary

Revision ID: 0021_site_search
Revises: 0020_funding
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import domstadt.core.db

revision = "0021_site_search"
down_revision = "0020_funding"
branch_labels = None
depends_on = None
phase = "expand"


def upgrade() -> None:
    """Create the three site search tables (filled by ``domstadt search rebuild`` or on use)."""
    op.create_table(
        "site_search_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("updated", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_search_entry")),
        sa.UniqueConstraint("kind", "entity_id", name=op.f("uq_site_search_entry_kind")),
    )
    op.create_index(op.f("ix_site_search_entry_kind"), "site_search_entry", ["kind"], unique=False)
    op.create_table(
        "site_search_term",
        sa.Column("term", sa.String(length=64), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("weight", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["site_search_entry.id"],
            name=op.f("fk_site_search_term_entry_id_site_search_entry"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("term", "entry_id", name=op.f("pk_site_search_term")),
        sqlite_with_rowid=False,
    )
    op.create_index(
        op.f("ix_site_search_term_entry_id"), "site_search_term", ["entry_id"], unique=False
    )
    op.create_table(
        "site_search_word",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_search_word")),
        sa.UniqueConstraint("word", name=op.f("uq_site_search_word_word")),
    )


def downgrade() -> None:
    """Drop the site search tables."""
    op.drop_table("site_search_word")
    op.drop_table("site_search_term")
    op.drop_table("site_search_entry")
