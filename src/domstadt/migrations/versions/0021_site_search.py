"""one search across areas (issue 13)

Revision ID: 0021_site_search
Revises: 0020_funding
"""

from __future__ import annotations

revision = "0021_site_search"
down_revision = "0020_funding"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change in this revision."""


def downgrade() -> None:
    """Nothing to change in this revision."""
