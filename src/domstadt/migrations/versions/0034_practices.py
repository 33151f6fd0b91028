"""best-practice library (issue 11)

Revision ID: 0034_practices
Revises: 0033_bigint_ids
"""

from __future__ import annotations

revision = "0034_practices"
down_revision = "0033_bigint_ids"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change in this revision."""


def downgrade() -> None:
    """Nothing to change in this revision."""
