"""catalogue organisations and extras (issue 15)

Revision ID: 0022_catalog_orgs
Revises: 0021_site_search
"""

from __future__ import annotations

revision = "0022_catalog_orgs"
down_revision = "0021_site_search"
branch_labels = None
depends_on = None
phase = "expand"


def upgrade() -> None:
    """Nothing to change in this revision."""


def downgrade() -> None:
    """Nothing to change in this revision."""
