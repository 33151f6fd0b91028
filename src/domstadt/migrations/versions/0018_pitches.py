"""problem statements, pitches and pitch events (issue 10)

Revision ID: 0018_pitches
Revises: 0017_sta_duplicates
"""

from __future__ import annotations

revision = "0018_pitches"
down_revision = "0017_sta_duplicates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change in this revision."""


def downgrade() -> None:
    """Nothing to change in this revision."""
