"""funding programmes, imports and matching (issue 11)

Revision ID: 0025_funding
Revises: 0024_follow
"""

from __future__ import annotations

revision = "0025_funding"
down_revision = "0024_follow"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change in this revision."""


def downgrade() -> None:
    """Nothing to change in this revision."""
