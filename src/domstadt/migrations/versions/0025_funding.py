"""funding programmes, imports and matching (issue 11)

Revision ID: 0025_funding
Revises: 0024_follow
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import domstadt.core.db

revision = "0025_funding"
down_revision = "0024_follow"
branch_labels = None
depends_on = None
phase = "expand"


def upgrade() -> None:
    """Programmes with history, the measures' matches and the polled funding feeds."""
    op.create_table(
        "funding_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("provider", sa.String(length=300), nullable=False),
        sa.Column("created_at", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_polled_at", domstadt.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_result", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_feed")),
        sa.UniqueConstraint("name", name=op.f("uq_funding_feed_name")),
    )
    op.create_table(
        "funding_programme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("external_id", sa.String(length=300), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("provider", sa.String(length=300), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("funding_type", sa.String(length=20), nullable=False),
        sa.Column("applicants", sa.JSON(), nullable=False),
        sa.Column("region", sa.String(length=200), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("amount", sa.String(length=300), nullable=False),
        sa.Column("amount_eur", sa.Float(), nullable=True),
        sa.Column("call_open", sa.Date(), nullable=True),
        sa.Column("call_close", sa.Date(), nullable=True),
        sa.Column("status_given", sa.String(length=20), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("licence", sa.String(length=200), nullable=False),
        sa.Column("attribution", sa.Text(), nullable=False),
        sa.Column("no_derivatives", sa.Boolean(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("digital_criteria", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("last_checked", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_funding_programme_department_id_department"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_programme")),
        sa.UniqueConstraint("source", "external_id", name=op.f("uq_funding_programme_source")),
    )
    op.create_index(
        op.f("ix_funding_programme_call_close"), "funding_programme", ["call_close"], unique=False
    )
    op.create_index(
        op.f("ix_funding_programme_department_id"),
        "funding_programme",
        ["department_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_funding_programme_level"), "funding_programme", ["level"], unique=False
    )
    op.create_index(
        op.f("ix_funding_programme_source"), "funding_programme", ["source"], unique=False
    )
    op.create_index(
        op.f("ix_funding_programme_updated_at"), "funding_programme", ["updated_at"], unique=False
    )
    op.create_table(
        "funding_match",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("computed_at", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["funding_programme.id"],
            name=op.f("fk_funding_match_programme_id_funding_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_match")),
        sa.UniqueConstraint(
            "target_kind", "target_id", "programme_id", name=op.f("uq_funding_match_target_kind")
        ),
    )
    op.create_index(
        op.f("ix_funding_match_programme_id"), "funding_match", ["programme_id"], unique=False
    )
    op.create_index(
        op.f("ix_funding_match_department_id"), "funding_match", ["department_id"], unique=False
    )
    op.create_table(
        "funding_programme_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(length=300), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["funding_programme.id"],
            name=op.f("fk_funding_programme_version_programme_id_funding_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_programme_version")),
    )
    op.create_index(
        op.f("ix_funding_programme_version_programme_id"),
        "funding_programme_version",
        ["programme_id"],
        unique=False,
    )


def downgrade() -> None:
    """Drop the funding tables."""
    op.drop_table("funding_programme_version")
    op.drop_table("funding_match")
    op.drop_table("funding_programme")
    op.drop_table("funding_feed")
