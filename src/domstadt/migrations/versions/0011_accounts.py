"""accounts: sign-up with double opt-in, password reset, mail outbox, account deletion (issue 10)

Revision ID: 0011_accounts
Revises: 0010_security
"""

from __future__ import annotations

revision = "0011_accounts"
down_revision = "0010_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """No schema change yet."""


def downgrade() -> None:
    """No schema change yet."""
