"""AI screening proposals (issue 11)

Revision ID: 0036_screening_proposals
Revises: 0035_competences
"""

from __future__ import annotations

revision = "0036_screening_proposals"
down_revision = "0035_competences"
branch_labels = None
depends_on = None
phase = "expand"


def upgrade() -> None:
    """Nothing to change in this revision."""


def downgrade() -> None:
    """Nothing to change in this revision."""
