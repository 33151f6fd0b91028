"""follow challenges, events and organisations through subscriptions (issue 10)

Revision ID: 0024_follow
Revises: 0023_privacy_scan
"""

from __future__ import annotations

revision = "0024_follow"
down_revision = "0023_privacy_scan"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change in this revision."""


def downgrade() -> None:
    """Nothing to change in this revision."""
