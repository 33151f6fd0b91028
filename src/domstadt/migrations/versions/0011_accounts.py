"""accounts: sign-up with double opt-in, password reset, mail outbox, account deletion (issue 10)

Revision ID: 0011_accounts
Revises: 0010_security
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import domstadt.core.db

revision = "0011_accounts"
down_revision = "0010_security"
branch_labels = None
depends_on = None
phase = "expand"


def upgrade() -> None:
    """Add ``user_account.email_confirmed_at`` (existing accounts, made by operators, count as
    confirmed: filled with their creation time) and the ``account_token`` table of single-use
    mail links (confirm, reset)."""
    op.add_column(
        "user_account",
        sa.Column("email_confirmed_at", domstadt.core.db.UTCDateTime(timezone=True), nullable=True),
    )
    op.execute("UPDATE user_account SET email_confirmed_at = created_at")
    op.create_table(
        "account_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=7), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", domstadt.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", domstadt.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_account_token_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_token_token_hash")),
    )
    op.create_index(op.f("ix_account_token_user_id"), "account_token", ["user_id"], unique=False)


def downgrade() -> None:
    """Drop the token table and the confirmation column."""
    op.drop_index(op.f("ix_account_token_user_id"), table_name="account_token")
    op.drop_table("account_token")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("email_confirmed_at")
