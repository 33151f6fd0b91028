"""organisations: registration, membership requests, verification (issue 10)

Revision ID: 0012_organisations
Revises: 0011_accounts
"""

from __future__ import annotations

revision = "0012_organisations"
down_revision = "0011_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """No schema change yet."""


def downgrade() -> None:
    """No schema change yet."""
