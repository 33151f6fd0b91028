"""GTFS transit and connectivity measurements (issue 12)

Revision ID: 0038_transit
Revises: 0037_coverage
"""

from __future__ import annotations

revision = "0038_transit"
down_revision = "0037_coverage"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change in this revision."""


def downgrade() -> None:
    """Nothing to change in this revision."""
