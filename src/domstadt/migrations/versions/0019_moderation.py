"""moderation reports and hidden contributions, follows (issue 10)

Revision ID: 0019_moderation
Revises: 0018_pitches
"""

from __future__ import annotations

revision = "0019_moderation"
down_revision = "0018_pitches"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change in this revision."""


def downgrade() -> None:
    """Nothing to change in this revision."""
