"""moderation reports and hidden contributions, follows (issue 10)

Revision ID: 0019_moderation
Revises: 0018_pitches
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import domstadt.core.db

revision = "0019_moderation"
down_revision = "0018_pitches"
branch_labels = None
depends_on = None
phase = "expand"

_TS = domstadt.core.db.UTCDateTime(timezone=True)
_REASONS = (
    "spam",
    "abuse",
    "personal_data",
    "off_topic",
    "misinformation",
    "illegal",
    "other",
)


def upgrade() -> None:
    """Reports of any kind of user text, and moderators' hide decisions."""
    op.create_table(
        "content_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column(
            "reason",
            sa.Enum(*_REASONS, name="content_report_reason", native_enum=False),
            nullable=False,
        ),
        sa.Column("comment", sa.String(length=1000), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("open_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("resolved_at", _TS, nullable=True),
        sa.Column("resolution", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["user_account.id"],
            name=op.f("fk_content_report_reporter_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_report")),
        sa.UniqueConstraint("kind", "item_id", "open_key", name="uq_content_report_open"),
    )
    with op.batch_alter_table("content_report", schema=None) as batch_op:
        batch_op.create_index("ix_content_report_item", ["kind", "item_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_content_report_client_key"), ["client_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_content_report_created_at"), ["created_at"], unique=False
        )
    op.create_table(
        "content_hidden",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("hidden_by", sa.String(length=400), nullable=False),
        sa.Column("hidden_at", _TS, nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["user_account.id"],
            name=op.f("fk_content_hidden_owner_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_content_hidden_organisation_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_hidden")),
        sa.UniqueConstraint("kind", "item_id", name="uq_content_hidden_item"),
    )
    with op.batch_alter_table("content_hidden", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_content_hidden_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_content_hidden_organisation_id"), ["organisation_id"], unique=False
        )
    op.execute(_COPY_FEEDBACK_REPORTS)


# Reports of comments move into the engine's table (the old table stays, unwritten, until a
# later revision drops it). Of duplicate open reports by one client only the first is copied.
_COPY_FEEDBACK_REPORTS = """
INSERT INTO content_report (kind, item_id, reason, comment, reporter_id, client_key, open_key,
                            created_at, resolved_at, resolution)
SELECT 'feedback', r.feedback_id, r.reason, r.note, r.reporter_id, r.client_key,
       CASE WHEN r.resolved_at IS NULL THEN r.client_key END,
       r.created_at, r.resolved_at, r.resolution
FROM measure_feedback_report r
WHERE r.resolved_at IS NOT NULL
   OR r.id = (SELECT min(o.id) FROM measure_feedback_report o
              WHERE o.feedback_id = r.feedback_id AND o.client_key = r.client_key
                AND o.resolved_at IS NULL)
ORDER BY r.id
"""


def downgrade() -> None:
    """Drop both tables (reports made since are lost; items' own hidden flags stay)."""
    op.drop_table("content_hidden")
    op.drop_table("content_report")
