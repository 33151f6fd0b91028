"""events, labs and UX tests with SUS answers (issue 10)

Revision ID: 0014_events_labs
Revises: 0013_challenges
"""

from __future__ import annotations

revision = "0014_events_labs"
down_revision = "0013_challenges"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """No schema change yet."""


def downgrade() -> None:
    """No schema change yet."""
