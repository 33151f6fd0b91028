"""developer apps, API keys and rate-limit plans (issue 12)

Revision ID: 0026_api_keys
Revises: 0025_funding
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from domstadt.core.db import UTCDateTime

revision = "0026_api_keys"
down_revision = "0025_funding"
branch_labels = None
depends_on = None
phase = "expand"


def upgrade() -> None:
    """Apps with keys and per-day usage, status incidents, and an optional expiry of personal
    API tokens."""
    op.create_table(
        "developer_app",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "owner_id",
            sa.Integer(),
            sa.ForeignKey("user_account.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("website", sa.String(500), nullable=False),
        sa.Column("plan", sa.String(40), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_developer_app_owner_id", "developer_app", ["owner_id"])
    op.create_table(
        "app_key",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "app_id",
            sa.Integer(),
            sa.ForeignKey("developer_app.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_app_key_app_id", "app_key", ["app_id"])
    op.create_table(
        "app_usage",
        sa.Column(
            "app_id",
            sa.Integer(),
            sa.ForeignKey("developer_app.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("family", sa.String(20), primary_key=True),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("limited", sa.Integer(), nullable=False),
        sa.Column("latency_ms_total", sa.Float(), nullable=False),
        sa.Column("latency_ms_max", sa.Float(), nullable=False),
    )
    op.create_table(
        "status_incident",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("component", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_status_incident_started_at", "status_incident", ["started_at"])
    with op.batch_alter_table("api_token") as batch:
        batch.add_column(sa.Column("expires_at", UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Drop what :func:`upgrade` added."""
    with op.batch_alter_table("api_token") as batch:
        batch.drop_column("expires_at")
    op.drop_table("status_incident")
    op.drop_table("app_usage")
    op.drop_table("app_key")
    op.drop_table("developer_app")
