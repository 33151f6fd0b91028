"""coverage layers and IoT planning checks (issue 12)

Revision ID: 0037_coverage
Revises: 0036_screening_proposals
"""

from __future__ import annotations

revision = "0037_coverage"
down_revision = "0036_screening_proposals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change in this revision."""


def downgrade() -> None:
    """Nothing to change in this revision."""
