"""state shared across web processes (issue 16)

Revision ID: 0028_processes
Revises: 0027_participation_more
"""

from __future__ import annotations

revision = "0028_processes"
down_revision = "0027_participation_more"
branch_labels = None
depends_on = None
phase = "expand"


def upgrade() -> None:
    """Nothing to change in this revision."""


def downgrade() -> None:
    """Nothing to change in this revision."""
