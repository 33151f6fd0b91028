"""catalogue: CKAN extras and harvest of real portals (issue 15)

Revision ID: 0015_catalog_extras
Revises: 0014_events_labs
"""

from __future__ import annotations

revision = "0015_catalog_extras"
down_revision = "0014_events_labs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """No schema change yet."""


def downgrade() -> None:
    """No schema change yet."""
