"""SensorThings harvest sources (issue 12)

Revision ID: 0039_sta_harvest
Revises: 0038_transit
"""

from __future__ import annotations

revision = "0039_sta_harvest"
down_revision = "0038_transit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change in this revision."""


def downgrade() -> None:
    """Nothing to change in this revision."""
