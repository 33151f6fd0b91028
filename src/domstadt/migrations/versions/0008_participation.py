"""masterplan: feedback on measures, subscriptions

Revision ID: 0008_participation
Revises: 0007_initiatives
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import domstadt.core.db

revision = "0008_participation"
down_revision = "0007_initiatives"
branch_labels = None
depends_on = None
phase = "expand"

_TS = domstadt.core.db.UTCDateTime(timezone=True)


def _feedback() -> None:
    op.create_table(
        "measure_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("organisation_name", sa.String(length=300), nullable=False),
        sa.Column("relevance", sa.Integer(), nullable=False),
        sa.Column(
            "stance",
            sa.Enum("support", "neutral", "concern", name="feedback_stance", native_enum=False),
            nullable=False,
        ),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("hidden_at", _TS, nullable=True),
        sa.Column("hidden_reason", sa.String(length=500), nullable=False),
        sa.Column("hidden_by", sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measure.id"],
            name=op.f("fk_measure_feedback_measure_id_measure"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_measure_feedback_organisation_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_measure_feedback_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_feedback")),
    )
    op.create_index(
        op.f("ix_measure_feedback_measure_id"), "measure_feedback", ["measure_id"], unique=False
    )
    op.create_index(
        op.f("ix_measure_feedback_organisation_id"),
        "measure_feedback",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_measure_feedback_user_id"), "measure_feedback", ["user_id"], unique=False
    )
    op.create_table(
        "measure_feedback_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column(
            "reason",
            sa.Enum(
                "spam",
                "abuse",
                "personal_data",
                "off_topic",
                "misinformation",
                "other",
                name="feedback_report_reason",
                native_enum=False,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("resolved_at", _TS, nullable=True),
        sa.Column("resolution", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["measure_feedback.id"],
            name=op.f("fk_measure_feedback_report_feedback_id_measure_feedback"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["user_account.id"],
            name=op.f("fk_measure_feedback_report_reporter_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_feedback_report")),
    )
    op.create_index(
        op.f("ix_measure_feedback_report_client_key"),
        "measure_feedback_report",
        ["client_key"],
        unique=False,
    )
    op.create_index(
        op.f("ix_measure_feedback_report_created_at"),
        "measure_feedback_report",
        ["created_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_measure_feedback_report_feedback_id"),
        "measure_feedback_report",
        ["feedback_id"],
        unique=False,
    )


def _subscriptions() -> None:
    op.create_table(
        "subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=True),
        sa.Column("field_id", sa.Integer(), nullable=True),
        sa.Column(
            "channel",
            sa.Enum("email", "webhook", name="subscription_channel", native_enum=False),
            nullable=False,
        ),
        sa.Column("webhook_url", sa.String(length=1000), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("confirmed_at", _TS, nullable=True),
        sa.Column("cursor_at", _TS, nullable=False),
        sa.Column("last_sent_at", _TS, nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["field_of_action.id"],
            name=op.f("fk_subscription_field_id_field_of_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measure.id"],
            name=op.f("fk_subscription_measure_id_measure"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_subscription_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription")),
        sa.UniqueConstraint("token", name=op.f("uq_subscription_token")),
    )
    op.create_index(
        op.f("ix_subscription_client_key"), "subscription", ["client_key"], unique=False
    )
    op.create_index(
        op.f("ix_subscription_created_at"), "subscription", ["created_at"], unique=False
    )
    op.create_index(op.f("ix_subscription_field_id"), "subscription", ["field_id"], unique=False)
    op.create_index(
        op.f("ix_subscription_measure_id"), "subscription", ["measure_id"], unique=False
    )
    op.create_index(op.f("ix_subscription_user_id"), "subscription", ["user_id"], unique=False)
    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending", "delivered", "failed", name="webhook_delivery_status", native_enum=False
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _TS, nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("delivered_at", _TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscription.id"],
            name=op.f("fk_webhook_delivery_subscription_id_subscription"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_delivery")),
    )
    op.create_index(
        op.f("ix_webhook_delivery_next_attempt_at"),
        "webhook_delivery",
        ["next_attempt_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_webhook_delivery_status"), "webhook_delivery", ["status"], unique=False
    )
    op.create_index(
        op.f("ix_webhook_delivery_subscription_id"),
        "webhook_delivery",
        ["subscription_id"],
        unique=False,
    )


def upgrade() -> None:
    """Feedback with reports; subscriptions with their webhook deliveries."""
    _feedback()
    _subscriptions()


def downgrade() -> None:
    """Reverse of upgrade()."""
    for table in (
        "webhook_delivery",
        "subscription",
        "measure_feedback_report",
        "measure_feedback",
    ):
        op.drop_table(table)
