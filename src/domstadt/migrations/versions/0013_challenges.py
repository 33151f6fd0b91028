"""challenges: idea competitions, hackathons, problem statements, pitches, jury, votes (issue 10)

Revision ID: 0013_challenges
Revises: 0012_organisations
"""

from __future__ import annotations

revision = "0013_challenges"
down_revision = "0012_organisations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """No schema change yet."""


def downgrade() -> None:
    """No schema change yet."""
