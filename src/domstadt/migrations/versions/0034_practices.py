"""best-practice library (issue 11)

Revision ID: 0034_practices
Revises: 0033_bigint_ids
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import domstadt.core.db

revision = "0034_practices"
down_revision = "0033_bigint_ids"
branch_labels = None
depends_on = None
phase = "expand"

_ID = domstadt.core.db.IdType
_TS = domstadt.core.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    """Practices of other cities (matched by source + external id) and their ratings."""
    op.create_table(
        "practice",
        sa.Column("id", _ID, nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("external_id", sa.String(length=300), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("city", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=100), nullable=False),
        sa.Column("organisation", sa.String(length=300), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("solution", sa.Text(), nullable=False),
        sa.Column("technology", sa.String(length=300), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("data_used", sa.Text(), nullable=False),
        sa.Column("cost", sa.String(length=300), nullable=False),
        sa.Column("duration", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(length=500), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("licence", sa.String(length=200), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice")),
        sa.UniqueConstraint("source", "external_id", name=op.f("uq_practice_source")),
    )
    for column in ("city", "source", "status", "technology", "updated_at"):
        op.create_index(op.f(f"ix_practice_{column}"), "practice", [column], unique=False)
    op.create_table(
        "practice_rating",
        sa.Column("id", _ID, nullable=False),
        sa.Column("practice_id", _ID, nullable=False),
        sa.Column("user_id", _ID, nullable=False),
        sa.Column("reviewer", sa.String(length=200), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practice.id"],
            name=op.f("fk_practice_rating_practice_id_practice"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"],
            name=op.f("fk_practice_rating_user_id_user_account"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_rating")),
        sa.UniqueConstraint("practice_id", "user_id", name=op.f("uq_practice_rating_practice_id")),
    )  # fmt: skip
    for column in ("practice_id", "user_id"):
        op.create_index(
            op.f(f"ix_practice_rating_{column}"), "practice_rating", [column], unique=False
        )


def downgrade() -> None:
    """Drop the practice tables."""
    op.drop_table("practice_rating")
    op.drop_table("practice")
